"""Import one export in this process and print, as JSON, how long it took and how much
memory it needed beyond what the process held before: run it as a subprocess, so that
nothing else the caller holds is counted.

    python tests/support/import_memory.py DATABASE_URL EXPORT.xml
"""

import json
import resource
import sys
import time
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import text

from blogapp import create_app
from blogapp.extensions import db
from blogapp.importers.operations import import_blogger_export


def peak_rss_mb() -> float:
    """The process's peak resident memory so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(database_url: str, export: Path) -> dict:
    app = create_app(
        {"DATABASE_URL": database_url, "SECRET_KEY": "measuring-an-import-" * 2, "TESTING": True}
    )
    with app.app_context():
        upgrade()
        db.session.execute(text("SELECT 1"))
        db.session.rollback()
        baseline = peak_rss_mb()
        started = time.perf_counter()
        summary = import_blogger_export(export)
        seconds = time.perf_counter() - started
        peak = peak_rss_mb()
        dialect = db.engine.dialect.name
    return {
        "database": dialect,
        "export_mb": round(export.stat().st_size / 1024 / 1024, 1),
        "posts": summary.posts,
        "comments": summary.comments,
        "replies": summary.replies,
        "seconds": round(seconds, 1),
        "baseline_rss_mb": round(baseline, 1),
        "peak_rss_mb": round(peak, 1),
        "peak_growth_mb": round(peak - baseline, 1),
    }


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1], Path(sys.argv[2]))))

"""Benchmark: seconds and peak memory to import a generated 50 MB Blogger export.

    .venv/bin/python bench/import_blogger.py [sqlite] [POSTGRESQL_URL ...]

"sqlite" (the default) measures a fresh SQLite database; each PostgreSQL URL given must
point at an empty database. Results go to bench/results/import.json.
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from support.exports import write_generated_export  # noqa: E402

MEASURING_SCRIPT = ROOT / "tests" / "support" / "import_memory.py"
RESULTS = ROOT / "bench" / "results" / "import.json"
EXPORT_BYTES = 50 * 1024 * 1024


def measure(database_url: str, export: Path) -> dict:
    """Import ``export`` in a fresh process and return what it reported."""
    run = subprocess.run(
        [sys.executable, str(MEASURING_SCRIPT), database_url, str(export)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(run.stdout.splitlines()[-1])


def main(database_urls: list[str]) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-import-") as folder:
        generated = write_generated_export(Path(folder) / "export.xml", EXPORT_BYTES)
        fresh_sqlite = f"sqlite:///{Path(folder) / 'bench.db'}"
        urls = [fresh_sqlite if url == "sqlite" else url for url in database_urls or ["sqlite"]]
        results = [measure(url, generated.path) for url in urls]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"import_blogger_50mb": results}, indent=2) + "\n")
    for result in results:
        print(
            f"{result['database']}: {result['export_mb']} MB, {result['posts']} posts, "
            f"{result['comments']} comments in {result['seconds']} s; "
            f"peak memory +{result['peak_growth_mb']} MB"
        )


if __name__ == "__main__":
    main(sys.argv[1:])

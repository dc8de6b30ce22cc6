"""Every benchmark, in turn, then the summary: ``make bench`` (``python -m bench``).

Reading pages under gunicorn against hello world (1,000 and 10,000 posts), the daily digest
at 5,000 and 50,000 subscribers (with and without everyone's conversation in it), the
digest with and without DKIM at 50,000 subscribers (5 % suppressed), a 50 MB Blogger import,
that blog's export in each format and its backup and restore, 60 s of mixed load on SQLite
(and on PostgreSQL when BENCH_POSTGRESQL_URL is set), and reading with Redis stopped or
hung. Results land in bench/results/.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
STEPS = [
    ["pages.py", "--posts", "1000", "--posts", "10000"],
    ["digest.py", "--subscribers", "5000", "--subscribers", "50000"],
    ["digest.py", "--conversation", "--subscribers", "5000", "--subscribers", "50000"],
    ["digest_signing.py", "--subscribers", "50000", "--suppressed", "0.05"],
    ["import_blogger.py", "sqlite"],
    ["export_backup.py"],
    ["load.py", "--database", "sqlite", "--seconds", "60"],
    ["redis_outage.py", "--posts", "1000"],
]


def postgresql_steps(url: str) -> list[list[str]]:
    return [
        ["import_blogger.py", "sqlite", url],
        ["export_backup.py", url],
        ["load.py", "--database", "postgresql", "--postgresql-url", url, "--seconds", "60"],
    ]


def main() -> None:
    if shutil.which("wrk") is None:
        sys.exit("The page benchmark needs wrk: apt-get install wrk")
    steps = list(STEPS)
    if url := os.environ.get("BENCH_POSTGRESQL_URL"):
        steps = [step for step in steps if step[0] not in ("import_blogger.py", "export_backup.py")]
        steps += postgresql_steps(url)
    for step in [*steps, ["report.py"]]:
        print(f"\n== {' '.join(step)}", flush=True)
        subprocess.run(
            [sys.executable, str(HERE / step[0]), *step[1:]], cwd=HERE.parent, check=True
        )


if __name__ == "__main__":
    main()

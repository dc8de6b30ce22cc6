"""Benchmark: `flask export` in each format, and `flask backup` then `flask restore`, of the
50 MB blog the import benchmark builds.

    python -m bench.export_backup [POSTGRESQL_URL]

The blog is imported once from a generated 50 MB Blogger export (a 1 MB one makes the small
blog). Every command runs in a process of its own: its wall time and its peak resident
memory (from ``wait4``) are what is measured. Exports are said to run in flat memory, so
each format's peak on the 50 MB blog is set beside its peak on the small one. Backups are
made and restored into an empty database on SQLite and, given a PostgreSQL URL (or
BENCH_POSTGRESQL_URL), on PostgreSQL, in two databases made for the run on that server and
dropped after it. Results go to bench/results/export_backup.json.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from support.exports import GeneratedExport, write_generated_export  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "export_backup.json"
LARGE_BYTES, SMALL_BYTES = 50 * 1024 * 1024, 1024 * 1024
FORMATS = ("blogger", "wxr", "json")
SECRET_KEY = "measuring-exports-and-backups-" * 2
MB = 1024 * 1024


@dataclass(frozen=True)
class Measured:
    seconds: float
    peak_rss_mb: float


@dataclass(frozen=True)
class Blog:
    """A database with the generated blog in it, and the instance folder it runs with."""

    database_url: str
    instance: Path

    def environment(self) -> dict[str, str]:
        return {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "BLOGAPP_INSTANCE_PATH": str(self.instance),
            "SECRET_KEY": SECRET_KEY,
            "PYTHONPATH": str(ROOT),
        }


def run_flask(blog: Blog, *arguments: str) -> Measured:
    """Run one ``flask`` command for ``blog`` in a new process; fail loudly if it fails."""
    errors = blog.instance / "command-errors.txt"
    command = [sys.executable, "-m", "flask", "--app", "blogapp", *arguments]
    started = time.perf_counter()
    with errors.open("wb") as stderr:
        process = subprocess.Popen(
            command, cwd=ROOT, env=blog.environment(), stdout=subprocess.DEVNULL, stderr=stderr
        )
        _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        sys.exit(f"`{' '.join(arguments)}` failed:\n{errors.read_text()}")
    return Measured(round(seconds, 1), round(usage.ru_maxrss / 1024, 1))


def build_blog(blog: Blog, export: GeneratedExport) -> Measured:
    blog.instance.mkdir(parents=True, exist_ok=True)
    run_flask(blog, "db", "upgrade")
    return run_flask(blog, "import-blogger", str(export.path))


def measure_exports(blog: Blog, small: Blog, folder: Path) -> list[dict]:
    results = []
    for name in FORMATS:
        output = folder / f"export.{name}"
        large = run_flask(blog, "export", "--format", name, "--output", str(output))
        size_mb = output.stat().st_size / MB
        output.unlink()
        small_run = run_flask(small, "export", "--format", name, "--output", str(output))
        results.append(
            {
                "format": name,
                "file_mb": round(size_mb, 1),
                "seconds": large.seconds,
                "peak_rss_mb": large.peak_rss_mb,
                "small_blog_peak_rss_mb": small_run.peak_rss_mb,
            }
        )
    return results


def count_rows(blog: Blog, table: str) -> int:
    engine = create_engine(blog.database_url)
    try:
        with engine.connect() as connection:
            return connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
    finally:
        engine.dispose()


def measure_backup(blog: Blog, empty: Blog, database: str) -> dict:
    """Back ``blog`` up, then restore the backup into ``empty`` (and check it is all there)."""
    backups = blog.instance / "backups"
    made = run_flask(blog, "backup", "--to", str(backups))
    (backup,) = backups.iterdir()
    empty.instance.mkdir(parents=True, exist_ok=True)
    restored = run_flask(empty, "restore", str(backup))
    for table in ("posts", "comments"):
        if count_rows(empty, table) != count_rows(blog, table):
            sys.exit(f"The restored {database} database does not hold every row of {table}.")
    return {
        "database": database,
        "backup_mb": round(backup.stat().st_size / MB, 1),
        "backup_seconds": made.seconds,
        "restore_seconds": restored.seconds,
    }


@contextmanager
def fresh_postgresql_databases(server_url: str, *names: str) -> Iterator[list[str]]:
    """Empty databases on the server ``server_url`` names, dropped afterwards."""
    server = make_url(server_url)
    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            for name in names:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
                connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield [server.set(database=name).render_as_string(hide_password=False) for name in names]
    finally:
        with engine.connect() as connection:
            for name in names:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


def sqlite_blog(folder: Path, name: str) -> Blog:
    instance = folder / name
    return Blog(f"sqlite:///{instance / 'blogapp.db'}", instance)


def measure_postgresql(server_url: str, export: GeneratedExport, folder: Path) -> dict:
    names = ("bench_export_backup", "bench_export_restore")
    with fresh_postgresql_databases(server_url, *names) as (full_url, empty_url):
        blog = Blog(full_url, folder / "postgresql")
        build_blog(blog, export)
        return measure_backup(blog, Blog(empty_url, folder / "postgresql-restored"), "postgresql")


def blog_figures(export: GeneratedExport, built: Measured) -> dict:
    return {
        "export_mb": round(export.path.stat().st_size / MB, 1),
        "posts": export.posts,
        "comments": export.comments,
        "import_seconds": built.seconds,
    }


def main(postgresql_url: str | None) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-export-backup-") as work:
        folder = Path(work)
        large_export = write_generated_export(folder / "large.xml", LARGE_BYTES)
        small_export = write_generated_export(folder / "small.xml", SMALL_BYTES)
        blog, small = sqlite_blog(folder, "large"), sqlite_blog(folder, "small")
        built = build_blog(blog, large_export)
        small_built = build_blog(small, small_export)
        results = {
            "blog": blog_figures(large_export, built),
            "small_blog": blog_figures(small_export, small_built),
            "exports": measure_exports(blog, small, folder),
            "backups": [measure_backup(blog, sqlite_blog(folder, "restored"), "sqlite")],
        }
        if postgresql_url:
            results["backups"].append(measure_postgresql(postgresql_url, large_export, folder))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"export_backup_50mb": results}, indent=2) + "\n")
    return results


def print_results(results: dict) -> None:
    for run in results["exports"]:
        print(
            f"export {run['format']}: {run['file_mb']} MB in {run['seconds']} s, peak "
            f"{run['peak_rss_mb']} MB (small blog {run['small_blog_peak_rss_mb']} MB)"
        )
    for run in results["backups"]:
        print(
            f"{run['database']}: backup {run['backup_mb']} MB in {run['backup_seconds']} s, "
            f"restore in {run['restore_seconds']} s"
        )


if __name__ == "__main__":
    url = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("BENCH_POSTGRESQL_URL")
    print_results(main(url))

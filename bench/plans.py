"""PostgreSQL query plans of every reading page on a big blog, to check the indexes are used.

    .venv/bin/python bench/plans.py postgresql+psycopg://postgres@127.0.0.1:5432/bench_pg

It fills an empty database with bench/generate.py's 10,000-post blog (once), requests each
page once with nothing cached, and runs EXPLAIN ANALYZE on every statement the page sent,
with the same parameters. The plans go to bench/results/plans-postgresql.txt; a line per
statement says whether it read a whole table.
"""

import argparse
import re
from pathlib import Path

from generate import Sizes, bench_app, generate
from pages import RESULTS, WORK, reading_pages
from sqlalchemy import event, inspect

from blogapp.extensions import db

SEQUENTIAL_SCAN = re.compile(r"Seq Scan on (\w+)")
#: Besides the measured pages' search (a topic of one post in forty): a word nearly every
#: post has, where matching and ranking cost the most.
COMMON_WORD_SEARCH = {"search for a common word": "/search?q=probation"}


def statements_of(app, path: str) -> list[tuple[str, object]]:
    """The SQL a page sends, with its parameters."""
    sent: list[tuple[str, object]] = []

    def record(_connection, _cursor, statement, parameters, *_rest) -> None:
        sent.append((statement, parameters))

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", record)
        app.test_client().get(path)
        event.remove(db.engine, "before_cursor_execute", record)
    return sent


def explain(app, statement: str, parameters: object) -> str:
    with app.app_context(), db.engine.connect() as connection:
        rows = connection.exec_driver_sql(f"EXPLAIN ANALYZE {statement}", parameters)
        return "\n".join(row[0] for row in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url")
    arguments = parser.parse_args()
    instance = WORK / "instance-plans"
    app = bench_app(arguments.database_url, instance)
    with app.app_context():
        has_blog = inspect(db.engine).has_table("posts")
    if not has_blog:
        generate(arguments.database_url, instance, Sizes.for_posts(10_000))
    app.config.update(PAGE_CACHE_ENABLED=False, FRAGMENT_CACHE_ENABLED=False)
    with app.app_context(), db.engine.connect() as connection:
        # As autovacuum leaves a live database: statistics, and the visibility map that
        # index-only scans (the archive counts') rely on.
        connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")
    report = []
    pages = reading_pages(arguments.database_url, instance) | COMMON_WORD_SEARCH
    for name, path in pages.items():
        for statement, parameters in statements_of(app, path):
            plan = explain(app, statement, parameters)
            scans = sorted(set(SEQUENTIAL_SCAN.findall(plan)))
            verdict = f"whole-table reads: {', '.join(scans)}" if scans else "indexes only"
            report.append(f"== {name} ({path}) — {verdict}\n{statement}\n{plan}\n")
    Path(RESULTS / "plans-postgresql.txt").write_text("\n".join(report))
    print("\n".join(line for line in report if line.startswith("==")))


if __name__ == "__main__":
    main()

"""Search with nothing cached, on SQLite and on PostgreSQL holding the same generated blog.

    .venv/bin/python bench/search.py postgresql+psycopg://postgres@127.0.0.1:5432/bench_search
    .venv/bin/python bench/search.py URL --posts 10000 --repeat 15

Times ``search_blog`` (the search page's queries: ranked, counted and highlighted) for
common and rare words, taking turns between the databases so that both see the same
machine, and gives PostgreSQL's speed as a share of SQLite's. The SQLite blog is
bench/pages.py's; the PostgreSQL database is filled with the same blog once, when empty.
"""

import argparse
import statistics
import time

from flask import Flask
from generate import Sizes, bench_app, generate
from pages import WORK, prepared_database
from sqlalchemy import inspect

from blogapp.blog.search import search_blog
from blogapp.extensions import db

#: Words in nearly every post, a topic of one post in forty, and a phrase in none.
QUERIES = ["probation", "caseloads office", "approved premises", "hostel closures", "zebra"]


def timed_search(app: Flask, query: str) -> float:
    with app.test_request_context("/search"):
        started = time.perf_counter()
        search_blog(query, 1, app.config["SEARCH_RESULTS_PER_PAGE"])
        took = time.perf_counter() - started
        db.session.remove()
    return took * 1000


def postgresql_blog(url: str, posts: int) -> Flask:
    instance = WORK / "instance-search-postgresql"
    app = bench_app(url, instance)
    with app.app_context():
        has_blog = inspect(db.engine).has_table("posts")
        db.engine.dispose()
    if not has_blog:
        print(f"generating a blog of {posts} posts in PostgreSQL…", flush=True)
        generate(url, instance, Sizes.for_posts(posts))
    with app.app_context(), db.engine.connect() as connection:
        # As autovacuum leaves a live database: statistics and the visibility map.
        connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")
        db.engine.dispose()
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("postgresql_url")
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=15, help="searches per word and database")
    arguments = parser.parse_args()
    apps = {
        "sqlite": bench_app(*prepared_database(arguments.posts)),
        "postgresql": postgresql_blog(arguments.postgresql_url, arguments.posts),
    }
    times: dict[tuple[str, str], list[float]] = {}
    for _ in range(arguments.repeat):
        for query in QUERIES:
            for name, app in apps.items():
                times.setdefault((name, query), []).append(timed_search(app, query))
    for app in apps.values():
        with app.app_context():
            db.engine.dispose()
    print(f"{'query':<20} {'sqlite ms':>10} {'postgresql ms':>14} {'pg/sqlite speed':>16}")
    for query in QUERIES:
        sqlite, postgresql = (statistics.median(times[name, query]) for name in apps)
        print(f"{query:<20} {sqlite:>10.1f} {postgresql:>14.1f} {sqlite / postgresql:>16.2f}")
    total = {name: sum(statistics.median(times[name, query]) for query in QUERIES) for name in apps}
    print(f"all words: PostgreSQL at {total['sqlite'] / total['postgresql']:.2f} of SQLite's speed")


if __name__ == "__main__":
    main()

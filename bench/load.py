"""Load test: a minute of mixed traffic on a generated blog under gunicorn, then the checks.

    .venv/bin/python bench/load.py --database sqlite --seconds 60
    .venv/bin/python bench/load.py --database postgresql --postgresql-url URL

It generates a blog (bench/generate.py; 1,000 posts by default), serves it with gunicorn (the
worker settings of bench/pages.py, rate limits counted in Redis), logs readers in through the
login form and runs the mix of bench/load_traffic.py for ``--seconds`` with ``--clients``
visitors on this machine. Then twenty accounts post comments at the same moment. It exits
non-zero on any 4xx/5xx or unanswered request, a comment answered 201/302 that is not stored,
a post whose count or page disagrees with its comments, or an error in the server's log.
Results go to bench/results/load-<database>.json.
"""

import argparse
import asyncio
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from generate import BENCH_PASSWORD, Sizes, bench_app, generate
from load_checks import check_comments, server_log_errors
from load_report import summary_lines, traffic_report
from load_traffic import (
    ACTIONS,
    PostLink,
    Site,
    Tally,
    Visitors,
    comment_burst,
    log_in_all,
    run_mix,
)
from pages import GUNICORN, wait_until_serving
from sqlalchemy import create_engine, func, select, text

from blogapp.extensions import db
from blogapp.models import Bulletin, Label, Post, Series, post_labels

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "work"
RESULTS = ROOT / "bench" / "results"
SECRET_KEY = "benchmark-secret-key-long-enough-for-checks"
#: Raised for the test, not switched off: the limiter still counts every request in Redis.
#: All visitors come from 127.0.0.1 (one "IP" for fifty log-ins), and each account comments
#: far more often than a person, which the real limits would rightly refuse.
LOAD_TEST_LIMITS = {
    "BLOGAPP_LOGIN_LIMIT_PER_IP": "10000 per minute",
    "BLOGAPP_COMMENT_LIMIT": "10000 per minute",
}
#: The readers who comment are the blog's regulars, published at once rather than held for an
#: editor; and the client sends the comment form the moment it has it, faster than a person
#: types, which screening would rightly hold.
REGULAR_COMMENTERS = {"TRUSTED_AFTER": "0", "COMMENT_MIN_SECONDS": "0"}
BURST_WRITERS = 20
#: Anonymous readers may see a new comment this much later (the page cache's promise), so
#: the pages are checked only once it has passed.
COMMENT_CACHE_SECONDS = 5
DEFAULT_POSTGRESQL_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/load_pg"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/7"


def mix_of(value: str) -> dict[str, int]:
    shares = [int(share) for share in value.split(",")]
    if len(shares) != len(ACTIONS) or sum(shares) != 100:
        raise argparse.ArgumentTypeError("give three percentages adding up to 100, e.g. 90,8,2")
    return dict(zip(ACTIONS, shares, strict=True))


def reset_postgresql(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def analyse(url: str) -> None:
    """Give the planner the statistics autovacuum would gather soon after a bulk load."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("ANALYZE"))
    engine.dispose()


def prepared_blog(database: str, posts: int, postgresql_url: str) -> tuple[str, Path]:
    """A freshly generated blog: the run adds comments, so each run starts from new data."""
    folder = WORK / f"load-{database}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    if database == "sqlite":
        url = f"sqlite:///{folder / 'blog.db'}"
    else:
        url = postgresql_url
        reset_postgresql(url)
    started = time.monotonic()
    generate(url, folder / "instance", Sizes.for_posts(posts))
    if database == "postgresql":
        analyse(url)
    print(f"generated {posts} posts on {database} in {time.monotonic() - started:.0f} s")
    return url, folder / "instance"


def label_pages(per_page: int) -> dict[str, int]:
    """Each label's slug and its number of pages of published posts."""
    counts = (
        select(Label.slug, func.count(post_labels.c.post_id))
        .join(post_labels, post_labels.c.label_id == Label.id)
        .group_by(Label.slug)
    )
    return {slug: -(-count // per_page) for slug, count in db.session.execute(counts)}


def site_of(database_url: str, instance: Path) -> Site:
    """The generated blog's URLs, read from its database."""
    app = bench_app(database_url, instance)
    with app.app_context():
        posts = db.session.scalars(select(Post).order_by(Post.published_at.desc())).all()
        links = [PostLink(post.id, f"/{post.published_year}/{post.published_month:02}/{post.slug}")
                 for post in posts]  # fmt: skip
        busiest = sorted(posts, key=lambda post: post.comment_count, reverse=True)[:20]
        busy = {post.id for post in busiest}
        site = Site(
            posts=links,
            busy_posts=[link for link in links if link.id in busy],
            months=sorted({link.path.rsplit("/", 1)[0] + "/" for link in links}),
            labels=label_pages(app.config["POSTS_PER_PAGE"]),
            series=list(db.session.scalars(select(Series.slug))),
            posts_per_page=app.config["POSTS_PER_PAGE"],
            bulletins=[f"/bulletins/{bulletin.id}-{bulletin.slug}"
                       for bulletin in db.session.scalars(select(Bulletin).limit(200))],
        )  # fmt: skip
        db.engine.dispose()
    return site


def server_environment(database_url: str, instance: Path, port: int, redis_url: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "BLOGAPP_INSTANCE_PATH": str(instance),
        "SECRET_KEY": SECRET_KEY,
        "SITE_URL": f"http://127.0.0.1:{port}",
        "ALLOW_HTTP": "1",  # served on the loopback, without TLS
        "RATELIMIT_STORAGE_URI": redis_url,
        "PAGE_CACHE_ENABLED": "1",
        "COMMENT_CACHE_SECONDS": str(COMMENT_CACHE_SECONDS),
        **LOAD_TEST_LIMITS,
        **REGULAR_COMMENTERS,
    }


@contextmanager
def gunicorn(environment: dict, port: int, log: Path, options: list[str]) -> Iterator[int]:
    """Serve the blog on ``port``, its output (gunicorn's and the app's log) into ``log``."""
    with log.open("w") as output:
        process = subprocess.Popen(
            [*GUNICORN, *options, "--bind", f"127.0.0.1:{port}", "blogapp.wsgi:app"],
            cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            wait_until_serving(port, process)
            yield process.pid
        finally:
            process.terminate()
            process.wait(timeout=30)


def cpu_seconds(pid: int) -> float:
    """CPU time used so far by a process and its children (gunicorn's workers)."""
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(child) for child in children.read_text().split()]
    ticks = 0
    for each in pids:
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def exercise(arguments: argparse.Namespace, site: Site, server_pid: int) -> dict:
    """Log in, run the mix, then the comment burst; the figures of each phase."""
    address, run = ("127.0.0.1", arguments.port), os.urandom(4).hex()
    logins = Tally()
    emails = [f"reader{number}@example.org" for number in range(1, arguments.accounts + 1)]
    accounts = await log_in_all(address, emails, BENCH_PASSWORD, logins)
    print(f"logged in {len(accounts)} readers; running the mix for {arguments.seconds} s…")
    visitors = Visitors(address, site, accounts, run, mix=arguments.mix)
    client_cpu, server_cpu = own_cpu_seconds(), cpu_seconds(server_pid)
    elapsed = await run_mix(visitors, arguments.clients, arguments.seconds)
    mix = traffic_report(visitors.tally, elapsed)
    mix["client_cpu_seconds"] = round(own_cpu_seconds() - client_cpu, 1)
    mix["server_cpu_seconds"] = round(cpu_seconds(server_pid) - server_cpu, 1)
    mix["requests_per_server_cpu_second"] = round(mix["requests"] / mix["server_cpu_seconds"], 1)
    print(f"{BURST_WRITERS} readers post {arguments.burst_comments} comments each at once…")
    burst = Visitors(address, site, accounts[:BURST_WRITERS], run + "b")
    burst_elapsed = await comment_burst(burst, arguments.burst_comments)
    return {
        "logins": traffic_report(logins, 0),
        "mix": mix,
        "burst": traffic_report(burst.tally, burst_elapsed),
        "tallies": [visitors.tally, burst.tally],
    }


def verify(arguments, figures: dict, site: Site, database_url: str, log: Path) -> dict:
    """The checks after the run; each list must be empty for the run to pass."""
    tallies: list[Tally] = figures.pop("tallies")
    address = ("127.0.0.1", arguments.port)
    paths = {post.id: post.path for post in site.posts}
    time.sleep(COMMENT_CACHE_SECONDS + 1)
    checks = asyncio.run(check_comments(database_url, address, tallies, paths))
    checks["server_log_errors"] = server_log_errors(log.read_text())
    checks["failed_requests"] = sum(
        count
        for phase in ("logins", "mix", "burst")
        for status, count in figures[phase]["status_codes"]["all"].items()
        if status == "no answer" or int(status) >= 400
    )
    return checks


def passed(checks: dict) -> bool:
    problems = ("lost_comments", "count_mismatches", "page_mismatches", "server_log_errors")
    return checks["failed_requests"] == 0 and not any(checks[name] for name in problems)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument(
        "--postgresql-url",
        default=os.environ.get("BENCH_POSTGRESQL_URL", DEFAULT_POSTGRESQL_URL),
        help="an expendable database: its schema is dropped and made anew",
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL),
        help="where the rate limits are counted",
    )
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=16, help="visitors at once")
    parser.add_argument("--accounts", type=int, default=50, help="readers logged in")
    parser.add_argument("--burst-comments", type=int, default=5, help="comments per writer")
    parser.add_argument("--port", type=int, default=5064)
    parser.add_argument(
        "--mix",
        type=mix_of,
        default=dict(ACTIONS),
        help="percent of actions: anonymous reading, logged-in reading, commenting (90,8,2)",
    )
    parser.add_argument(
        "--gunicorn",
        nargs=argparse.REMAINDER,
        default=[],
        help="gunicorn options overriding bench/pages.py's (put last)",
    )
    arguments = parser.parse_args()
    if arguments.accounts < BURST_WRITERS:
        parser.error(f"--accounts must be at least {BURST_WRITERS}: they post the burst")
    database_url, instance = prepared_blog(
        arguments.database, arguments.posts, arguments.postgresql_url
    )
    site = site_of(database_url, instance)
    log = WORK / f"load-{arguments.database}" / "gunicorn.log"
    environment = server_environment(database_url, instance, arguments.port, arguments.redis_url)
    load_before = os.getloadavg()[0]
    with gunicorn(environment, arguments.port, log, arguments.gunicorn) as pid:
        figures = asyncio.run(exercise(arguments, site, pid))
        checks = verify(arguments, figures, site, database_url, log)
    report = {
        "database": arguments.database,
        "posts": arguments.posts,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_before": load_before,
        },
        "settings": {
            "gunicorn": " ".join([*GUNICORN[1:], *arguments.gunicorn]),
            "client": f"bench/load_traffic.py, closed loop, {arguments.clients} visitors",
            "seconds": arguments.seconds,
            "mix_percent": arguments.mix,
            "accounts_logged_in": arguments.accounts,
            "burst": f"{BURST_WRITERS} writers x {arguments.burst_comments} comments",
            "rate_limits": LOAD_TEST_LIMITS,
            "commenters": REGULAR_COMMENTERS,
            "ratelimit_storage": arguments.redis_url,
        },
        **figures,
        "checks": checks,
        "passed": passed(checks),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    target = RESULTS / f"load-{arguments.database}.json"
    target.write_text(json.dumps(report, indent=2) + "\n")
    print("\n".join(summary_lines(report)))
    print(f"wrote {target.relative_to(ROOT)}; server log in {log.relative_to(ROOT)}")
    sys.exit(0 if report["passed"] else 1)


if __name__ == "__main__":
    main()

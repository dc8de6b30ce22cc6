"""Page throughput under gunicorn, as a ratio to a hello-world Flask app in the same run.

    .venv/bin/python bench/pages.py --posts 1000 --posts 10000 --seconds 5 --rounds 3

For each data size it generates a blog (bench/generate.py, kept under bench/work/), serves it
with gunicorn (the same worker settings as the baseline), loads each reading page with wrk on
this machine, with the page cache on and off, and the posts with 520 and 2,000 comments (the
latter read in pages: its first and last) for a logged-in reader too. This machine's speed
drifts by a quarter within minutes, so each round measures hello world just before each
size's pages and takes each page's ratio to it, the sizes one after the other; a page's
figure is the median of its rounds. Results go to bench/results/pages.json.
"""

import argparse
import http.cookiejar
import json
import math
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from generate import BENCH_PASSWORD, Sizes, bench_app, generate
from sqlalchemy import event, func, select

from blogapp.extensions import db
from blogapp.models import Comment, Label, Post

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "work"
RESULTS = ROOT / "bench" / "results"
GUNICORN = [str(Path(sys.executable).parent / "gunicorn"), "--workers", "2", "--worker-class",
            "sync", "--backlog", "2048", "--log-level", "warning"]  # fmt: skip
WRK_THREADS, WRK_CONNECTIONS = 2, 16
#: The blog's default page of a thread (the benchmark's blogs keep it).
COMMENTS_PER_PAGE = 200
#: What every browser sends; the page cache keeps a compressed copy for it.
BROWSER_ACCEPT_ENCODING = "gzip, deflate"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_serving(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


@contextmanager
def gunicorn(app_path: str, environment: dict[str, str]) -> Iterator[str]:
    """Serve ``app_path`` (module:variable) on a free port for the duration."""
    port = free_port()
    process = subprocess.Popen(
        [*GUNICORN, "--bind", f"127.0.0.1:{port}", app_path],
        cwd=ROOT,
        env={**os.environ, **environment},
    )
    try:
        wait_until_serving(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def run_wrk(url: str, seconds: int, cookie: str | None = None) -> tuple[float, float, int]:
    """Requests per second, p99 latency in ms and non-2xx/3xx count for one URL."""
    command = ["wrk", f"-t{WRK_THREADS}", f"-c{WRK_CONNECTIONS}", f"-d{seconds}s", "--latency",
               "-H", f"Accept-Encoding: {BROWSER_ACCEPT_ENCODING}"]  # fmt: skip
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", output)
    scale = {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return rate, float(p99.group(1)) * scale, int(errors.group(1)) if errors else 0


def log_in(base: str, email: str, password: str) -> str:
    """Log in through the real form and return the session cookie header."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(f"{base}/auth/login").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
    data = urllib.parse.urlencode({"csrf_token": token, "email": email, "password": password})
    opener.open(f"{base}/auth/login", data=data.encode())
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


def top_level_comments(post: Post) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Comment)
        .where(Comment.post_id == post.id, Comment.parent_id.is_(None))
    )


def post_path(post: Post) -> str:
    return f"/{post.published_year}/{post.published_month:02}/{post.slug}"


def comments_on(post: Post) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Comment).where(Comment.post_id == post.id)
    )


def reading_pages(database_url: str, instance: Path) -> dict[str, str]:
    """The URLs measured: the busy post (520 comments) and the huge one (2,000, first and last
    page), the busy post's month, a label, a search, the feed."""
    app = bench_app(database_url, instance)
    with app.app_context():
        huge, busy = db.session.scalars(
            select(Post).order_by(Post.comment_count.desc()).limit(2)
        ).all()
        label = db.session.scalars(select(Label).order_by(Label.id)).first()
        busy_comments, huge_comments = comments_on(busy), comments_on(huge)
        last_page = f"?page={math.ceil(top_level_comments(huge) / COMMENTS_PER_PAGE)}"
        db.engine.dispose()
    return {
        "home": "/",
        f"post with {busy_comments} comments": post_path(busy),
        f"post with {huge_comments} comments": post_path(huge),
        f"post with {huge_comments} comments, last page": post_path(huge) + last_page,
        "archive month": f"/{busy.published_year}/{busy.published_month:02}/",
        "label page": f"/label/{label.slug}",
        "search": "/search?q=approved+premises",
        "posts feed": "/feeds/posts.atom",
    }


def prepared_database(posts: int) -> tuple[str, Path]:
    """A generated blog of ``posts`` posts, made once and kept under bench/work/."""
    path = WORK / f"blog-{posts}.db"
    instance = WORK / f"instance-{posts}"
    if not path.exists():
        print(f"generating a blog of {posts} posts…")
        shutil.rmtree(instance, ignore_errors=True)
        generate(f"sqlite:///{path}", instance, Sizes.for_posts(posts))
    return f"sqlite:///{path}", instance


#: What each mode leaves switched on: (page cache, fragment cache).
MODES = {
    "page cache": (True, True),
    "page cache off": (False, True),
    "no caching": (False, False),
}


def blog_environment(database_url: str, instance: Path, mode: str) -> dict[str, str]:
    pages, fragments = MODES[mode]
    return {
        "DATABASE_URL": database_url,
        "BLOGAPP_INSTANCE_PATH": str(instance),
        "SECRET_KEY": "benchmark-secret-key-long-enough-for-checks",
        "SITE_URL": "http://127.0.0.1",
        "ALLOW_HTTP": "1",  # served on the loopback, without TLS
        "PAGE_CACHE_ENABLED": "1" if pages else "0",
        "FRAGMENT_CACHE_ENABLED": "1" if fragments else "0",
        "RATELIMIT_STORAGE_URI": "memory://",
    }


def measure_page(base: str, name: str, path: str, seconds: int, cookie: str | None = None) -> dict:
    run_wrk(base + path, 1, cookie)
    rate, p99, errors = run_wrk(base + path, seconds, cookie)
    return {"name": name, "url": path, "requests_per_second": rate, "p99_ms": p99,
            "errors": errors}  # fmt: skip


@dataclass(frozen=True)
class ServedBlog:
    """A generated blog under gunicorn, with the pages measured and a reader's cookie."""

    posts: int
    base: str
    pages: dict[str, str]
    cookie: str


def measure_blog(hello: str, blog: ServedBlog, seconds: int) -> list[dict]:
    """Hello world, then every page for anonymous readers and the busiest post logged in,
    each page as a ratio to that hello world."""
    hello_rate = measure_page(hello, "hello world", "/", seconds)["requests_per_second"]
    rows = [measure_page(blog.base, name, path, seconds) for name, path in blog.pages.items()]
    for name, path in blog.pages.items():
        if name.startswith("post with") and "page" not in name:
            rows.append(measure_page(blog.base, f"{name}, logged in", path, seconds, blog.cookie))
    return [{**row, "ratio": row["requests_per_second"] / hello_rate, "hello_world_rps": hello_rate}
            for row in rows]  # fmt: skip


def median_of(rows: list[dict], key: str) -> float:
    return statistics.median(row[key] for row in rows)


def median_of_rounds(rounds: list[list[dict]]) -> list[dict]:
    """Each page's median ratio, rate and p99 over the rounds, with every round's ratio."""
    medians = []
    for index, first in enumerate(rounds[0]):
        measured = [measured_round[index] for measured_round in rounds]
        medians.append({
            "name": first["name"],
            "url": first["url"],
            "ratio": round(median_of(measured, "ratio"), 4),
            "requests_per_second": median_of(measured, "requests_per_second"),
            "p99_ms": median_of(measured, "p99_ms"),
            "errors": sum(row["errors"] for row in measured),
            "ratios": [round(row["ratio"], 4) for row in measured],
        })  # fmt: skip
    return medians


def measure_mode(hello: str, databases: dict[int, tuple[str, Path]], mode: str, seconds: int,
                 rounds: int) -> dict[int, dict]:  # fmt: skip
    """``rounds`` rounds under one caching mode. Every size is served at once and each round
    measures them one after the other, so the sizes are compared at the same moment."""
    with ExitStack() as servers:
        blogs = []
        for posts, (database_url, instance) in databases.items():
            shutil.rmtree(instance / "cache", ignore_errors=True)
            environment = blog_environment(database_url, instance, mode)
            base = servers.enter_context(gunicorn("blogapp.wsgi:app", environment))
            cookie = log_in(base, "reader1@example.org", BENCH_PASSWORD)
            blogs.append(ServedBlog(posts, base, reading_pages(database_url, instance), cookie))
        measured = {blog.posts: [] for blog in blogs}
        for _ in range(rounds):
            for blog in blogs:
                measured[blog.posts].append(measure_blog(hello, blog, seconds))
    return {
        posts: {
            "hello_world_rps": [measured_round[0]["hello_world_rps"] for measured_round in rows],
            "pages": median_of_rounds(rows),
        }
        for posts, rows in measured.items()
    }


def query_counts(database_url: str, instance: Path) -> dict[str, int]:
    """SQL statements each page runs with nothing cached (they must not grow with the data)."""
    app = bench_app(database_url, instance)
    app.config.update(PAGE_CACHE_ENABLED=False, FRAGMENT_CACHE_ENABLED=False)
    client = app.test_client()
    statements: list[str] = []

    def record(_connection, _cursor, statement, *_rest) -> None:
        statements.append(statement)

    counts = {}
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", record)
        for name, path in reading_pages(database_url, instance).items():
            statements.clear()
            client.get(path)
            counts[name] = len(statements)
        db.engine.dispose()
    return counts


def run(sizes: list[int], seconds: int, rounds: int) -> dict:
    """Every mode and size, with hello world served beside the blogs throughout."""
    WORK.mkdir(parents=True, exist_ok=True)
    databases = {posts: prepared_database(posts) for posts in sizes}
    with gunicorn("bench.hello:app", {}) as hello:
        by_mode = {mode: measure_mode(hello, databases, mode, seconds, rounds) for mode in MODES}
    measured = {
        posts: {
            "queries": query_counts(*databases[posts]),
            "modes": {mode: by_mode[mode][posts] for mode in MODES},
        }
        for posts in sizes
    }
    hello_rates = [rate for size in measured.values() for mode in size["modes"].values()
                   for rate in mode["hello_world_rps"]]  # fmt: skip
    return {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "settings": {
            "gunicorn": " ".join(GUNICORN[1:]),
            "wrk": f"-t{WRK_THREADS} -c{WRK_CONNECTIONS} -d{seconds}s "
                   f"-H 'Accept-Encoding: {BROWSER_ACCEPT_ENCODING}'",
            "rounds": rounds,
            "modes": {mode: {"page_cache": pages, "fragment_cache": fragments}
                      for mode, (pages, fragments) in MODES.items()},
        },
        "hello_world_rps": {"median": statistics.median(hello_rates), "lowest": min(hello_rates),
                            "highest": max(hello_rates)},
        "sizes": measured,
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, action="append", help="data sizes (repeatable)")
    parser.add_argument("--seconds", type=int, default=5, help="wrk duration per page")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per size and mode")
    arguments = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install wrk")
    report = run(arguments.posts or [1000, 10_000], arguments.seconds, arguments.rounds)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "pages.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report["hello_world_rps"]), "; wrote bench/results/pages.json")


if __name__ == "__main__":
    main()

"""Reading pages with Redis up, stopped and hung: throughput and p99 relative to Redis up.

    .venv/bin/python bench/redis_outage.py --posts 1000 --seconds 5

The generated blog (bench/pages.py's, kept under bench/work/) is served by gunicorn with the
page cache and the rate limits in Redis (REDIS_URL, db 7 by default), then with both pointed
at a port nobody listens on (Redis stopped), then at a server that accepts connections and
never answers (Redis hung). For each, wrk loads the home page and the busiest post as an
anonymous reader and that post as a logged-in reader. The goal: at least half the rate of
Redis up, and not one 5xx. Results go to bench/results/redis-outage.json.
"""

import argparse
import json
import re
import socket
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from generate import BENCH_PASSWORD
from pages import (
    BROWSER_ACCEPT_ENCODING,
    RESULTS,
    WRK_CONNECTIONS,
    WRK_THREADS,
    blog_environment,
    gunicorn,
    log_in,
    prepared_database,
    reading_pages,
)

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/7"
GOAL = 0.5
#: Long enough that a slow answer is measured rather than dropped as a timeout.
WRK_TIMEOUT = "10s"


def figure(pattern: str, output: str) -> int:
    found = re.search(pattern, output)
    return int(found.group(1)) if found else 0


def measure_page(base: str, name: str, path: str, seconds: int, cookie: str | None = None) -> dict:
    """wrk on one page: requests/s, p99, non-2xx/3xx answers and requests never answered."""
    command = ["wrk", f"-t{WRK_THREADS}", f"-c{WRK_CONNECTIONS}", f"-d{seconds}s", "--latency",
               "--timeout", WRK_TIMEOUT,
               "-H", f"Accept-Encoding: {BROWSER_ACCEPT_ENCODING}"]  # fmt: skip
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run([*command, base + path], capture_output=True, text=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", output)
    scale = {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)] if p99 else 0
    return {
        "name": name,
        "url": path,
        "requests_per_second": rate,
        "p99_ms": float(p99.group(1)) * scale if p99 else None,
        "errors": figure(r"Non-2xx or 3xx responses: (\d+)", output),
        "unanswered": figure(r"timeout (\d+)", output)
        + figure(r"Socket errors: connect (\d+)", output),
    }


@contextmanager
def silent_server() -> Iterator[int]:
    """A port that accepts connections and never answers: Redis hung."""
    listener = socket.create_server(("127.0.0.1", 0), backlog=1024)
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                held.append(listener.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()
        for connection in held:
            connection.close()


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def redis_at(state: str, redis_url: str) -> Iterator[str]:
    if state == "up":
        yield redis_url
    elif state == "stopped":
        yield f"redis://127.0.0.1:{unused_port()}/0"
    else:
        with silent_server() as port:
            yield f"redis://127.0.0.1:{port}/0"


def measure_state(state: str, redis_url: str, posts: int, seconds: int) -> list[dict]:
    database_url, instance = prepared_database(posts)
    pages = reading_pages(database_url, instance)
    post_name, post_path = next((n, p) for n, p in pages.items() if n.startswith("post"))
    with redis_at(state, redis_url) as url:
        environment = {
            **blog_environment(database_url, instance, "page cache"),
            "CACHE_REDIS_URL": url,
            "RATELIMIT_STORAGE_URI": url,
            "BLOGAPP_LOGIN_LIMIT_PER_IP": "10000 per minute",
        }
        with gunicorn("blogapp.wsgi:app", environment) as base:
            cookie = log_in(base, "reader1@example.org", BENCH_PASSWORD)
            measure_page(base, "warm-up", "/", 1)
            return [
                measure_page(base, "home", "/", seconds),
                measure_page(base, post_name, post_path, seconds),
                measure_page(base, f"{post_name}, logged in", post_path, seconds, cookie),
            ]


def relative_to_up(states: dict[str, list[dict]]) -> list[dict]:
    """Each page in each state, with its rate and p99 over the same page's with Redis up."""
    up = {row["name"]: row for row in states["up"]}
    return [
        {
            **row,
            "redis": state,
            "rate_ratio": row["requests_per_second"] / up[row["name"]]["requests_per_second"],
            "p99_ratio": (row["p99_ms"] or 0) / (up[row["name"]]["p99_ms"] or 1),
        }
        for state, rows in states.items()
        for row in rows
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--seconds", type=int, default=5, help="wrk duration per page")
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL)
    arguments = parser.parse_args()
    states = {
        state: measure_state(state, arguments.redis_url, arguments.posts, arguments.seconds)
        for state in ("up", "stopped", "hung")
    }
    rows = relative_to_up(states)
    report = {"posts": arguments.posts, "seconds": arguments.seconds, "goal": GOAL, "rows": rows}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "redis-outage.json").write_text(json.dumps(report, indent=2) + "\n")
    print("| redis | page | requests/s | ratio | p99 ms | p99 ratio | errors | unanswered |")
    for row in rows:
        print(
            f"| {row['redis']} | {row['name']} | {row['requests_per_second']:.0f} | "
            f"{row['rate_ratio']:.2f} | {row['p99_ms'] or 0:.0f} | {row['p99_ratio']:.2f} | "
            f"{row['errors']} | {row['unanswered']} |"
        )
    print("wrote bench/results/redis-outage.json")


if __name__ == "__main__":
    main()

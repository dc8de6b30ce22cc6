"""What ``/healthz`` reports: the database, the shared cache, the rate-limit storage and the
scheduler's last heartbeat, each checked apart and all answered within a second.

Each check runs on a thread of its own with a deadline, so a database or Redis that hangs
makes its check say "timeout" instead of holding the monitor. A check still running from an
earlier request is waited on again rather than started twice, so a monitor asking every few
seconds never piles up threads behind a hung server.
"""

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from datetime import datetime
from typing import Any

from flask import Flask
from sqlalchemy import text

from .caching.generations import shared
from .caching.outage import cache_outage
from .dates import utcnow
from .extensions import db, limiter

log = logging.getLogger(__name__)

HEALTH_KEY = "blogapp.health"
#: Kept in the shared cache, which every host reads, by the scheduler after each job.
HEARTBEAT_KEY = "scheduler-heartbeat"
#: How long ``/healthz`` waits for its checks, in seconds: with the half second a hung
#: Redis may already have cost the request (the page cache looked first), under a second.
CHECK_DEADLINE = 0.4


def record_heartbeat() -> None:
    """Note that the scheduler has just run a job (in the current app context)."""
    shared(lambda store: store.set(HEARTBEAT_KEY, utcnow(), timeout=0))


def database_answers(app: Flask) -> str:
    with app.app_context(), db.engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    return "ok"


def cache_answers(app: Flask) -> str:
    last_heartbeat(app)
    return "down" if cache_outage(app).is_down() else "ok"


def rate_limit_storage_answers(app: Flask) -> str:
    if not limiter.enabled:
        return "off"
    with app.app_context():
        return "ok" if limiter.storage.check() else "down, counting in memory"


def last_heartbeat(app: Flask) -> datetime | None:
    return shared(lambda store: store.get(HEARTBEAT_KEY), app)


CHECKS: dict[str, Callable[[Flask], str]] = {
    "database": database_answers,
    "cache": cache_answers,
    "rate_limits": rate_limit_storage_answers,
}


class HealthChecks:
    """The checks' threads, and the checks still running."""

    def __init__(self) -> None:
        self.threads = ThreadPoolExecutor(max_workers=len(CHECKS), thread_name_prefix="healthz")
        self.running: dict[str, Future[str]] = {}

    def start(self, app: Flask) -> dict[str, Future[str]]:
        for name, check in CHECKS.items():
            if name not in self.running or self.running[name].done():
                self.running[name] = self.threads.submit(check, app)
        return dict(self.running)


def outcome(name: str, future: Future[str]) -> str:
    if not future.done():
        return "timeout"
    error = future.exception()
    if error is None:
        return future.result()
    log.warning("health check of the %s failed: %s", name, " ".join(str(error).split())[:300])
    return "error"


def health_report(app: Flask) -> tuple[dict[str, Any], int]:
    """The report and its status: 503 without a database, "degraded" without Redis."""
    checks = app.extensions.setdefault(HEALTH_KEY, HealthChecks())
    futures = checks.start(app)
    wait(futures.values(), timeout=CHECK_DEADLINE)
    report: dict[str, Any] = {name: outcome(name, future) for name, future in futures.items()}
    heartbeat = last_heartbeat(app) if report["cache"] == "ok" else None
    report["scheduler"] = {"last_heartbeat": heartbeat.isoformat() if heartbeat else None}
    if report["database"] != "ok":
        return {"status": "unavailable", **report}, 503
    degraded = report["cache"] != "ok" or report["rate_limits"] not in ("ok", "off")
    return {"status": "degraded" if degraded else "ok", **report}, 200

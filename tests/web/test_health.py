"""/healthz: the database, Redis (cache and rate limits) and the scheduler's heartbeat,
reported apart, and answered within a second whatever is down or hung."""

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from flask import Flask
from redis import Redis
from support.clock import stop_the_app_clock
from support.hung_server import hung_server
from support.services import skip_or_fail
from support.smtp import free_port

from blogapp import create_app
from blogapp.extensions import db, limiter
from blogapp.scheduler import Job, run_job

WITHIN = 1.0


@pytest.fixture(params=["down", "hung"])
def unreachable_port(request: pytest.FixtureRequest) -> Iterator[int]:
    if request.param == "down":
        yield free_port()
        return
    with hung_server() as port:
        yield port


def build(config: dict) -> Iterator[Flask]:
    built = create_app(config)
    yield built
    with built.app_context():
        db.engine.dispose()


def health_of(app: Flask) -> tuple[dict, int, float]:
    started = time.monotonic()
    response = app.test_client().get("/healthz")
    return response.json, response.status_code, time.monotonic() - started


def test_without_redis_the_blog_is_degraded(app_config, unreachable_port, monkeypatch):
    monkeypatch.setattr(limiter, "_storage_dead", False)
    redis = f"redis://127.0.0.1:{unreachable_port}/0"
    config = {
        **app_config,
        "CACHE_REDIS_URL": redis,
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": redis,
    }
    for app in build(config):
        report, status, took = health_of(app)

    assert status == 200
    assert report["status"] == "degraded"
    assert report["database"] == "ok"
    assert report["cache"] in ("down", "timeout")
    assert report["rate_limits"] in ("down, counting in memory", "timeout")
    assert took < WITHIN


def test_without_a_database_the_blog_is_unavailable(app_config, unreachable_port):
    database = f"postgresql+psycopg://postgres@127.0.0.1:{unreachable_port}/blog"
    for app in build({**app_config, "DATABASE_URL": database}):
        report, status, took = health_of(app)
        again, _status, took_again = health_of(app)

    assert status == 503
    assert report["status"] == "unavailable"
    assert report["database"] in ("error", "timeout")
    assert report["cache"] == "ok"
    assert took < WITHIN
    assert took_again < WITHIN
    assert again["database"] in ("error", "timeout")


def test_the_scheduler_heartbeat_is_each_job_run(app, monkeypatch):
    clock = stop_the_app_clock(monkeypatch, datetime(2026, 12, 7, 2, 30, tzinfo=UTC))
    assert app.test_client().get("/healthz").json["scheduler"] == {"last_heartbeat": None}

    run_job(app, Job("test", "A job", lambda: None, trigger=lambda: None))

    heartbeat = app.test_client().get("/healthz").json["scheduler"]["last_heartbeat"]
    assert datetime.fromisoformat(heartbeat) == clock.now


def test_with_redis_up_every_host_sees_the_scheduler_heartbeat(app_config, monkeypatch):
    redis = os.environ.get("TEST_REDIS_URL")
    if not redis:
        skip_or_fail("Redis tests need TEST_REDIS_URL")
    Redis.from_url(redis).flushdb()
    monkeypatch.setattr(limiter, "_storage_dead", False)
    config = {
        **app_config,
        "CACHE_REDIS_URL": redis,
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": redis,
    }
    for scheduler in build(config):
        run_job(scheduler, Job("test", "A job", lambda: None, trigger=lambda: None))
        for web in build(config):
            report, status, _took = health_of(web)

    assert status == 200
    assert report["status"] == "ok"
    assert (report["cache"], report["rate_limits"]) == ("ok", "ok")
    assert report["scheduler"]["last_heartbeat"] is not None

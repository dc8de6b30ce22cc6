"""Rate limits counted in Redis, as when several server processes share them."""

import os

import pytest
from redis import Redis
from support.accounts import TEST_PASSWORD
from support.services import skip_or_fail

from blogapp.extensions import limiter


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        skip_or_fail("Redis rate-limit tests need TEST_REDIS_URL")
    return url


@pytest.fixture
def app_config(app_config: dict, redis_url: str) -> dict:
    return {
        **app_config,
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": redis_url,
        "LOGIN_LIMIT_PER_ADDRESS": "2 per minute",
    }


def test_failed_logins_are_counted_in_redis(app, client, make_user, redis_url):
    limiter.reset()
    make_user(email="target@example.org")
    for _ in range(2):
        assert client.login("target@example.org", "wrong password!").status_code == 422
    assert any(b"target@example.org" in key for key in Redis.from_url(redis_url).keys("LIMITS*"))
    other_process = app.test_client()
    response = other_process.login("target@example.org", TEST_PASSWORD)
    assert response.status_code == 429
    assert "Too many tries" in response.text
    limiter.reset()


def test_every_rate_limit_counter_expires_by_itself(app, client, make_user, redis_url):
    """Counters carry a TTL, so a Redis whose policy evicts only expiring keys (volatile-lru)
    never fills with them, and each ends when its window does."""
    limiter.reset()
    make_user(email="target@example.org")
    client.login("target@example.org", "wrong password!")

    redis = Redis.from_url(redis_url)
    counters = redis.keys("LIMITS*")
    lifetimes = {key: redis.ttl(key) for key in counters}
    limiter.reset()

    assert counters
    assert all(0 < seconds <= 24 * 60 * 60 for seconds in lifetimes.values()), lifetimes

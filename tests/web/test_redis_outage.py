"""Redis down (nobody listens) or hung (accepts, never answers): the blog carries on.

Pages are served uncached at their normal speed, rate limits are counted in the process's
memory, log-in and comments work, and the log says so once a minute, not once per call.
"""

import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from support.accounts import TEST_PASSWORD
from support.clock import stop_the_app_clock
from support.comments import comment, path_of
from support.hung_server import unreachable_port

from blogapp.dates import utcnow
from blogapp.extensions import limiter


@pytest.fixture(params=["down", "hung"])
def redis_url(request: pytest.FixtureRequest) -> Iterator[str]:
    with unreachable_port(request.param) as port:
        yield f"redis://127.0.0.1:{port}/0"


@pytest.fixture
def app_config(app_config: dict, redis_url: str, monkeypatch: pytest.MonkeyPatch) -> dict:
    # The limiter is one object for every app this process builds: start and end healthy.
    monkeypatch.setattr(limiter, "_storage_dead", False)
    return {
        **app_config,
        "CACHE_REDIS_URL": redis_url,
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": redis_url,
        "LOGIN_LIMIT_PER_ADDRESS": "2 per minute",
        "COMMENT_CACHE_SECONDS": 5,
    }


def warnings_in(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.levelname == "WARNING"]


def test_pages_come_at_normal_speed_and_the_log_says_it_once(client, make_post, caplog):
    post = make_post("Still readable")
    client.get("/")

    started = time.monotonic()
    pages = [client.get(path) for path in ["/", path_of(post)] * 5]
    took = time.monotonic() - started

    assert [page.status_code for page in pages] == [200] * 10
    assert "Still readable" in pages[0].text
    assert took < 2, f"ten pages took {took:.1f} s"
    cache_warnings = [w for w in warnings_in(caplog) if "shared cache" in w]
    assert len(cache_warnings) == 1
    assert cache_warnings[0].startswith("the shared cache is unavailable")
    assert len(caplog.records) <= 3, [record.getMessage() for record in caplog.records]


def test_an_outage_that_goes_on_is_logged_once_a_minute(client, make_post, caplog, monkeypatch):
    make_post("Still readable")
    clock = stop_the_app_clock(monkeypatch, utcnow())

    def cache_warnings_after(seconds: int) -> int:
        clock.advance(timedelta(seconds=seconds))
        assert client.get("/").status_code == 200
        return len([w for w in warnings_in(caplog) if "shared cache" in w])

    assert cache_warnings_after(0) == 1
    assert cache_warnings_after(1) == 1
    assert cache_warnings_after(31) == 1, "tried again, failed again, but within the minute"
    assert cache_warnings_after(31) == 2


def test_log_in_works_and_its_limits_hold_in_memory(client, make_user):
    make_user(email="target@example.org")

    attempts = [client.login("target@example.org", "wrong password!") for _ in range(3)]

    assert [attempt.status_code for attempt in attempts] == [422, 422, 429]
    assert "Too many tries" in attempts[2].text
    other = make_user(email="other@example.org")
    assert client.login(other.email, TEST_PASSWORD).status_code == 302


def test_a_comment_is_posted(client, make_post, make_user):
    post = make_post("Busy thread")
    make_user(email="writer@example.org")
    client.login("writer@example.org", TEST_PASSWORD)

    response = comment(client, post, "Posted while Redis is away.")

    assert response.status_code == 302
    assert "Posted while Redis is away." in client.get(path_of(post)).text

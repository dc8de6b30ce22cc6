"""PostgreSQL down (nobody listens) or hung (accepts, never answers).

A request that needs the database answers 503 with Retry-After on the styled page, within
the connect timeout; pages already in the shared cache keep being served.
"""

import time
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from support.accounts import TEST_PASSWORD
from support.client import BlogClient
from support.comments import path_of
from support.hung_server import unreachable_port

from blogapp import create_app
from blogapp.extensions import db

#: PostgreSQL's shortest connect timeout, and a margin for the rest of the request.
SLOWEST_ANSWER = 2 + 1.5


@pytest.fixture(params=["down", "hung"])
def unreachable_database(request: pytest.FixtureRequest) -> Iterator[str]:
    with unreachable_port(request.param) as port:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/blog"


@pytest.fixture
def outage(app_config: dict, unreachable_database: str) -> Iterator[Flask]:
    """The same site (same cache, same key) on a server whose database cannot be reached."""
    broken = create_app({**app_config, "DATABASE_URL": unreachable_database})
    broken.test_client_class = BlogClient
    yield broken
    with broken.app_context():
        db.engine.dispose()


def timed(request) -> tuple:
    started = time.monotonic()
    response = request()
    return response, time.monotonic() - started


def assert_unavailable(response, took: float) -> None:
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert "Back in a moment" in response.text
    assert "cannot reach its database" in response.text
    assert '<link rel="stylesheet"' in response.text, "the styled page"
    assert took < SLOWEST_ANSWER, f"answered after {took:.1f} s"


def test_cached_pages_are_served_and_others_answer_503(client, make_post, outage):
    post = make_post("Cached before the outage")
    assert "Cached before the outage" in client.get("/").text
    visitor = outage.test_client()

    home, took_home = timed(lambda: visitor.get("/"))
    uncached, took = timed(lambda: visitor.get(path_of(post)))

    assert home.status_code == 200
    assert "Cached before the outage" in home.text
    assert took_home < 0.5
    assert_unavailable(uncached, took)


def test_logged_in_pages_and_comments_answer_503_on_the_styled_page(
    client, make_post, make_user, outage
):
    post = make_post("Busy thread")
    make_user(email="writer@example.org")
    client.login("writer@example.org", TEST_PASSWORD)
    token = client.csrf_token(path_of(post))
    writer = outage.test_client()
    writer.set_cookie("session", client.get_cookie("session").value)

    account, took = timed(lambda: writer.get("/account"))
    posted, took_post = timed(
        lambda: writer.post(f"/comments/on/{post.id}", data={"body": "Hi", "csrf_token": token})
    )

    assert_unavailable(account, took)
    assert "Log in" in account.text, "shown as a visitor: the account could not be loaded"
    assert_unavailable(posted, took_post)


def test_a_statement_that_runs_too_long_is_cancelled(app_config, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL's statement timeout")
    slow = create_app({**app_config, "DATABASE_STATEMENT_TIMEOUT": 0.2})
    with slow.app_context():
        started = time.monotonic()
        with pytest.raises(OperationalError, match="statement timeout"):
            db.session.execute(text("SELECT pg_sleep(5)"))
        db.session.rollback()
        db.engine.dispose()

    assert time.monotonic() - started < 2

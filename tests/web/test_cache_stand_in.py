"""While the shared cache cannot be reached, each process keeps its pages for a few seconds.

An app made here stands for one process of the blog (it has a stand-in of its own); the
``app`` fixture, writing to the same database, stands for another process whose change
notices never reach this one. A proxy in front of the test Redis stands for a Redis that
goes away and comes back.
"""

import os
from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from flask import Flask
from redis import Redis
from support.accounts import TEST_PASSWORD
from support.client import BlogClient
from support.clock import AppClock, stop_the_app_clock
from support.comments import comment, path_of
from support.hung_server import switchable_proxy, unreachable_port
from support.services import skip_or_fail

from blogapp import create_app
from blogapp.blog.operations import PostFields, create_post
from blogapp.dates import utcnow
from blogapp.extensions import db
from blogapp.models import PostStatus

LIFETIME = timedelta(seconds=5)


@pytest.fixture(params=["down", "hung"])
def unreachable_redis(request: pytest.FixtureRequest) -> Iterator[str]:
    with unreachable_port(request.param) as port:
        yield f"redis://127.0.0.1:{port}/0"


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> AppClock:
    return stop_the_app_clock(monkeypatch, utcnow())


@pytest.fixture
def processes(app_config: dict) -> Iterator[list[Flask]]:
    """Made with ``process(config)``; their connections are closed at the end."""
    made: list[Flask] = []
    yield made
    for each in made:
        with each.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def process(app_config: dict, processes: list[Flask]):
    def make(redis_url: str) -> Flask:
        config = {
            **app_config,
            "CACHE_REDIS_URL": redis_url,
            "COMMENT_CACHE_SECONDS": LIFETIME.total_seconds(),
        }
        blog = create_app(config)
        blog.test_client_class = BlogClient
        processes.append(blog)
        return blog

    return make


def publish_in(blog: Flask, title: str) -> None:
    with blog.app_context():
        create_post(PostFields(title, "Body."), None, PostStatus.PUBLISHED, utcnow())


def test_a_page_is_rendered_once_in_a_few_seconds_not_for_every_reader(
    process, unreachable_redis, clock, make_post
):
    make_post("Still readable")
    reader = process(unreachable_redis).test_client()

    sources = [reader.get("/").headers["X-Page-Cache"] for _ in range(3)]
    clock.advance(LIFETIME)
    after_its_lifetime = reader.get("/").headers["X-Page-Cache"]

    assert sources == ["miss", "hit", "hit"]
    assert after_its_lifetime == "miss"


def test_another_process_s_new_post_shows_once_the_page_s_seconds_are_up(
    process, unreachable_redis, clock, make_post
):
    make_post("Older post")
    reader = process(unreachable_redis).test_client()
    assert "Older post" in reader.get("/").text

    make_post("Posted on another host")
    clock.advance(LIFETIME)

    assert "Posted on another host" in reader.get("/").text


def test_this_process_s_own_changes_show_at_once(process, unreachable_redis, make_post):
    blog = process(unreachable_redis)
    make_post("Older post")
    reader = blog.test_client()
    reader.get("/")
    assert reader.get("/").headers["X-Page-Cache"] == "hit"

    publish_in(blog, "Posted here")
    home = reader.get("/")

    assert "Posted here" in home.text
    assert home.headers["X-Page-Cache"] == "miss"


def test_a_comment_reaches_anonymous_readers_within_the_comment_delay(
    process, unreachable_redis, clock, make_post, make_user
):
    blog = process(unreachable_redis)
    post = make_post("Busy thread")
    make_user(email="writer@example.org")
    reader = blog.test_client()
    assert "No comments yet." in reader.get(path_of(post)).text
    writer = blog.test_client()
    writer.login("writer@example.org", TEST_PASSWORD)

    assert comment(writer, post, "Posted while Redis is away.").status_code == 302
    clock.advance(LIFETIME)

    assert "Posted while Redis is away." in reader.get(path_of(post)).text


@pytest.fixture
def redis_behind_a_proxy() -> Iterator:
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        skip_or_fail("Redis tests need TEST_REDIS_URL")
    Redis.from_url(url).flushdb()
    where = urlsplit(url)
    with switchable_proxy((where.hostname, where.port or 6379)) as proxy:
        yield proxy, f"redis://127.0.0.1:{proxy.port}{where.path}"


def test_changes_made_during_an_outage_reach_every_host_when_redis_is_back(
    process, redis_behind_a_proxy, clock, make_post
):
    proxy, redis_url = redis_behind_a_proxy
    make_post("Older post")
    writing_host, other_host = process(redis_url), process(redis_url)
    assert "Older post" in other_host.test_client().get("/").text

    proxy.cut()
    publish_in(writing_host, "Posted while Redis was away")
    proxy.restore()
    clock.advance(timedelta(seconds=writing_host.config["CACHE_RETRY_SECONDS"]))
    assert writing_host.test_client().get("/").status_code == 200

    assert "Posted while Redis was away" in other_host.test_client().get("/").text

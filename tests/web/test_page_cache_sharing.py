"""One shared cache for many hosts: change notices reach every release of the code, pages
stay with the release that rendered them, and everything stays with its own database."""

import os
from datetime import timedelta

import pytest
from redis import Redis
from sqlalchemy import delete, select
from support.accounts import TEST_PASSWORD
from support.client import BlogClient
from support.clock import stop_the_app_clock
from support.comments import comment, path_of
from support.services import skip_or_fail

from blogapp import create_app
from blogapp.caching import cache
from blogapp.caching.identity import (
    IDENTITY_SETTING,
    ensure_database_identity,
    renew_database_identity,
)
from blogapp.caching.pages import recent_pages
from blogapp.changes import noting
from blogapp.dates import utcnow
from blogapp.extensions import db
from blogapp.models import Post, SiteSetting


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        skip_or_fail("Redis tests need TEST_REDIS_URL")
    Redis.from_url(url).flushdb()
    return url


@pytest.fixture
def clock(monkeypatch):
    return stop_the_app_clock(monkeypatch, utcnow())


def host(config: dict, release: str, **settings):
    """A host running ``release`` of the code against the shared cache and database."""
    made = create_app({**config, "CACHE_CODE_VERSION": release, **settings})
    made.test_client_class = BlogClient
    return made


def test_a_comment_posted_on_a_new_release_reaches_readers_of_the_old_one(
    app_config, redis_url, clock, make_post, make_user
):
    config = {**app_config, "CACHE_REDIS_URL": redis_url, "COMMENT_CACHE_SECONDS": 5}
    old, new = host(config, "old"), host(config, "new")
    post = make_post("Busy thread")
    make_user(email="writer@example.org")
    reader = old.test_client()
    assert "No comments yet." in reader.get(path_of(post)).text
    writer = new.test_client()
    writer.login("writer@example.org", TEST_PASSWORD)

    comment(writer, post, "Posted on the new release.")
    clock.advance(timedelta(seconds=5))

    assert "Posted on the new release." in reader.get(path_of(post)).text
    for made in (old, new):
        with made.app_context():
            db.engine.dispose()


def test_each_release_serves_only_the_pages_it_rendered(app_config, redis_url, make_post):
    config = {**app_config, "CACHE_REDIS_URL": redis_url}
    make_post("A post")
    old = host(config, "old", BLOG_TITLE="Old title")
    new = host(config, "new", BLOG_TITLE="New title")

    assert "Old title" in old.test_client().get("/").text
    assert "New title" in new.test_client().get("/").text
    assert "Old title" in old.test_client().get("/").text
    for made in (old, new):
        with made.app_context():
            db.engine.dispose()


def test_a_restored_database_neither_reads_nor_overwrites_the_live_pages(
    app_config, redis_url, make_post
):
    config = {**app_config, "CACHE_REDIS_URL": redis_url}
    post_id = make_post("Live title").id
    live = host(config, "same")
    assert "Live title" in live.test_client().get("/").text
    restored = host(config, "same")
    with restored.app_context():
        renew_database_identity(restored)
        retitle_behind_the_cache(post_id, "Restored title")

    assert "Restored title" in restored.test_client().get("/").text
    assert "Live title" in live.test_client().get("/").text, "the live pages stay as they were"
    for made in (live, restored):
        with made.app_context():
            db.engine.dispose()


def retitle_behind_the_cache(post_id: int, title: str) -> None:
    """What loading another copy of the data does: no change notice reaches the cache."""
    with noting(), db.engine.begin() as connection:
        connection.execute(Post.__table__.update().where(Post.id == post_id).values(title=title))


def test_the_identity_is_written_once_and_kept(app):
    forget = delete(SiteSetting).where(SiteSetting.name == IDENTITY_SETTING)
    db.session.execute(forget.execution_options(changes=[]))
    db.session.commit()

    first = ensure_database_identity()

    assert first == ensure_database_identity()
    stored = db.session.scalar(
        select(SiteSetting.value).where(SiteSetting.name == IDENTITY_SETTING)
    )
    assert stored == first
    assert renew_database_identity(app) != first


def test_pages_are_filed_under_the_database_identity_and_the_code(app, client, make_post):
    make_post("A post")
    before = set(recent_pages.copies)
    client.get("/")
    identity = ensure_database_identity()
    backend = app.extensions["cache"][cache]
    page_keys = set(recent_pages.copies) - before

    assert backend.get(f"generation:{identity}:site") is not None
    assert page_keys
    assert all(key.startswith(f"page:{app.config['CACHE_CODE_VERSION']}:{identity}:")
               for key in page_keys)  # fmt: skip

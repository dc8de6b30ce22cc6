"""A bulletin stored by the feed poll reaches anonymous readers of cached pages at once, with
the page cache in files and in Redis."""

import os
import time
from collections.abc import Iterator

import pytest
from redis import Redis
from support.feed_server import FeedServer, feed_server
from support.feeds import rss, rss_item
from support.services import skip_or_fail

from blogapp.bulletins.ingest import poll_all_feeds
from blogapp.bulletins.operations import add_feed

READER_PAGES = {"bulletins": "/bulletins/", "home sidebar": "/", "feed": "/feeds/bulletins.atom"}
FIRST = rss_item("Pay offer: vote by Friday", guid="napo-1", description="<p>Vote.</p>")
SECOND = rss_item("Ballot result announced", guid="napo-2", description="<p>Yes.</p>")


@pytest.fixture(params=["file cache", "redis cache"])
def app_config(request: pytest.FixtureRequest, app_config: dict) -> dict:
    config = {**app_config, "PAGE_CACHE_ENABLED": True, "FRAGMENT_CACHE_ENABLED": True}
    if request.param == "file cache":
        return config
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        skip_or_fail("Redis tests need TEST_REDIS_URL")
    Redis.from_url(url).flushdb()
    return {**config, "CACHE_REDIS_URL": url}


@pytest.fixture
def server(app) -> Iterator[FeedServer]:
    with feed_server() as running:
        yield running


def pages_showing(client, title: str) -> set[str]:
    return {name for name, path in READER_PAGES.items() if title in client.get(path).text}


def test_a_polled_bulletin_reaches_anonymous_readers_within_a_second(app, server):
    add_feed("Napo", server.serve("/napo.rss", rss(FIRST)))
    poll_all_feeds()
    reader = app.test_client()
    assert pages_showing(reader, "Pay offer") == set(READER_PAGES)
    assert pages_showing(reader, "Ballot result") == set()
    assert reader.get("/").headers["Cache-Control"] == "public, no-cache"

    server.serve("/napo.rss", rss(SECOND, FIRST))
    [result] = poll_all_feeds()
    stored_at = time.monotonic()
    seen = pages_showing(reader, "Ballot result")

    assert result.new_items == 1
    assert time.monotonic() - stored_at < 1
    assert seen == set(READER_PAGES)

"""Fetching a feed: conditional headers, web addresses only, redirects checked."""

from collections.abc import Iterator

import pytest
from support.feed_server import FeedServer, feed_server

from blogapp.bulletins.fetching import (
    ConditionalRequest,
    FeedError,
    FetchLimits,
    WebOnlyRedirects,
    fetch_feed,
)

LIMITS = FetchLimits(
    user_agent="On Probation test", timeout=2, max_bytes=10_000, allow_private=True
)


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with feed_server() as running:
        yield running


def test_the_validators_are_sent_and_a_304_means_nothing_changed(server):
    url = server.serve(
        "/feed", "<rss/>", etag='"abc"', last_modified="Sat, 24 Sep 2016 10:00:00 GMT"
    )

    first = fetch_feed(ConditionalRequest(url), LIMITS)
    again = fetch_feed(ConditionalRequest(url, first.etag, first.last_modified), LIMITS)

    assert first.body == b"<rss/>"
    assert first.etag == '"abc"'
    assert again is None
    headers = server.requests_to("/feed")[1]
    assert headers["If-None-Match"] == '"abc"'
    assert headers["If-Modified-Since"] == "Sat, 24 Sep 2016 10:00:00 GMT"
    assert headers["User-Agent"] == "On Probation test"


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.org/feed", "data:,hello", "/relative/feed"]
)
def test_only_web_addresses_are_fetched(url):
    with pytest.raises(FeedError, match=r"Only http:// and https:// feeds can be fetched\."):
        fetch_feed(ConditionalRequest(url), LIMITS)


def test_a_redirect_to_another_web_address_is_followed(server):
    server.serve("/moved", status=301, location="/feed")
    server.serve("/feed", "<rss/>")

    document = fetch_feed(ConditionalRequest(server.url("/moved")), LIMITS)

    assert document.url == server.url("/feed")
    assert document.body == b"<rss/>"


def test_a_redirect_to_ftp_is_refused(server):
    server.serve("/moved", status=302, location="ftp://example.org/feed")
    with pytest.raises(
        FeedError, match=r"redirected to ftp://example\.org/feed, which is not a web"
    ):
        fetch_feed(ConditionalRequest(server.url("/moved")), LIMITS)


def test_a_body_larger_than_allowed_is_refused(server):
    url = server.serve("/big", b"x" * (LIMITS.max_bytes + 1))
    with pytest.raises(FeedError, match="larger than the 10,000 bytes allowed"):
        fetch_feed(ConditionalRequest(url), LIMITS)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/feed.xml",
        "http://localhost/feed.xml",
        "http://10.0.0.8/feed.xml",
        "http://192.168.1.1/feed.xml",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/feed.xml",
        "http://0.0.0.0/feed.xml",
    ],
)
def test_feeds_inside_the_servers_network_are_refused(url):
    public_only = FetchLimits(user_agent="On Probation test", timeout=2, max_bytes=10_000)

    with pytest.raises(FeedError, match="private network"):
        fetch_feed(ConditionalRequest(url), public_only)


def test_a_redirect_into_the_servers_network_is_refused():
    target = "http://169.254.169.254/latest/meta-data/"
    public_only = FetchLimits(user_agent="On Probation test", timeout=2, max_bytes=10_000)

    with pytest.raises(FeedError, match="private network"):
        WebOnlyRedirects(public_only).redirect_request(None, None, 302, "Found", {}, target)

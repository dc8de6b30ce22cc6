"""Polling union feeds served by a local HTTP server: stored once, conditional GET, failures."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from support.feed_server import FeedServer, feed_server
from support.feeds import atom, atom_entry, rss, rss_item
from support.smtp import free_port

from blogapp import create_app
from blogapp.bulletins.ingest import poll_all_feeds
from blogapp.bulletins.operations import (
    BulletinFields,
    add_feed,
    remove_bulletin,
    set_feed_active,
    update_bulletin,
)
from blogapp.dates import utcnow
from blogapp.extensions import db
from blogapp.models import Bulletin, BulletinFeed

TIMEOUT = 0.5
MAX_BYTES = 100_000
ETAG = '"v1"'
LAST_MODIFIED = "Sat, 24 Sep 2016 10:00:00 GMT"


@pytest.fixture
def app_config(app_config: dict) -> dict:
    return {**app_config, "BULLETIN_FETCH_TIMEOUT": TIMEOUT, "BULLETIN_FEED_MAX_BYTES": MAX_BYTES}


@pytest.fixture
def server(app) -> Iterator[FeedServer]:
    """A feed server for the test's app (whose context is pushed) to poll."""
    with feed_server() as running:
        yield running


def stored() -> list[Bulletin]:
    db.session.expire_all()
    return list(db.session.scalars(select(Bulletin).order_by(Bulletin.published_at.desc())))


def feed_named(name: str) -> BulletinFeed:
    db.session.expire_all()
    return db.session.scalars(select(BulletinFeed).where(BulletinFeed.name == name)).one()


NAPO_ITEMS = [
    rss_item(
        "Pay offer: vote by Friday",
        guid="napo-1",
        link="https://napo.example/news/1",
        description="<p>The offer is <strong>now with members</strong>.</p>",
        pub_date="Sat, 24 Sep 2016 21:42:00 +0000",
    ),
    rss_item(
        "Workload tool reviewed",
        guid="napo-2",
        link="https://napo.example/news/2",
        description="<p>A short summary.</p>",
        content="<p>The full text, with a <a href='https://napo.example/r'>report</a>.</p>",
        pub_date="Fri, 23 Sep 2016 09:00:00 +0100",
    ),
]
NAPO_RSS = rss(*NAPO_ITEMS)


def test_new_items_are_stored_with_their_details(server):
    url = server.serve("/napo.rss", NAPO_RSS, etag=ETAG)
    add_feed("Napo", url)

    [result] = poll_all_feeds()

    assert result.summary() == "Napo: 2 new items"
    newest, older = stored()
    assert newest.source == "Napo"
    assert newest.title == "Pay offer: vote by Friday"
    assert newest.body_html == "<p>The offer is <strong>now with members</strong>.</p>"
    assert newest.original_url == "https://napo.example/news/1"
    assert newest.guid == "napo-1"
    assert newest.published_at == datetime(2016, 9, 24, 21, 42, tzinfo=UTC)
    assert newest.feed_id == feed_named("Napo").id
    assert older.published_at == datetime(2016, 9, 23, 8, 0, tzinfo=UTC)
    assert "The full text, with a" in older.body_html  # the full content wins over the summary
    assert "On Probation" in server.requests_to("/napo.rss")[0]["User-Agent"]
    feed = feed_named("Napo")
    assert feed.etag == ETAG
    assert feed.last_success_at is not None
    assert feed.last_error is None


def test_a_second_poll_sends_the_etag_and_a_304_stores_nothing(server):
    url = server.serve("/napo.rss", NAPO_RSS, etag=ETAG)
    add_feed("Napo", url)
    poll_all_feeds()
    first_fetch = feed_named("Napo").last_fetched_at

    [result] = poll_all_feeds()

    assert result.summary() == "Napo: not modified"
    assert server.requests_to("/napo.rss")[1]["If-None-Match"] == ETAG
    assert len(stored()) == 2
    feed = feed_named("Napo")
    assert feed.last_fetched_at > first_fetch
    assert feed.last_success_at == feed.last_fetched_at


def test_last_modified_is_sent_back_as_if_modified_since(server):
    url = server.serve("/napo.rss", NAPO_RSS, last_modified=LAST_MODIFIED)
    add_feed("Napo", url)
    poll_all_feeds()

    [result] = poll_all_feeds()

    assert result.not_modified
    second = server.requests_to("/napo.rss")[1]
    assert second["If-Modified-Since"] == LAST_MODIFIED
    assert "If-None-Match" not in second
    assert len(stored()) == 2


def test_a_server_that_ignores_conditional_get_causes_no_duplicates(server):
    url = server.serve("/napo.rss", NAPO_RSS)
    add_feed("Napo", url)
    poll_all_feeds()
    server.serve("/napo.rss", rss(rss_item("A third one", guid="napo-3"), *NAPO_ITEMS))

    [result] = poll_all_feeds()
    [again] = poll_all_feeds()

    assert result.summary() == "Napo: 1 new item"
    assert again.summary() == "Napo: no new items"
    assert sorted(bulletin.guid for bulletin in stored()) == ["napo-1", "napo-2", "napo-3"]


def test_an_atom_feed_is_read(server):
    url = server.serve(
        "/unison.atom",
        atom(
            atom_entry(
                "Night shift survey",
                "urn:unison:1",
                link="/probation/survey",
                published="2016-09-24T08:00:00+01:00",
                content="<p>Please take part: <a href='/survey'>the survey</a>.</p>",
            ),
            atom_entry(
                "Facilities time",
                "urn:unison:2",
                updated="2016-09-20T12:00:00Z",
                summary="Renewed.",
            ),
        ),
        content_type="application/atom+xml",
    )
    add_feed("Unison", url)

    [result] = poll_all_feeds()

    assert result.new_items == 2
    survey, facilities = stored()
    assert survey.source == "Unison"
    assert survey.title == "Night shift survey"
    assert survey.guid == "urn:unison:1"
    assert survey.published_at == datetime(2016, 9, 24, 7, 0, tzinfo=UTC)
    assert survey.original_url == server.url("/probation/survey")
    assert f'<a href="{server.url("/survey")}" rel="noopener">the survey</a>' in survey.body_html
    assert facilities.published_at == datetime(2016, 9, 20, 12, 0, tzinfo=UTC)
    assert facilities.body_html == "Renewed."


def test_items_are_known_by_guid_else_link_and_get_a_time_no_later_than_now(server):
    before = utcnow()
    url = server.serve(
        "/napo.rss",
        rss(
            rss_item("Undated", link="https://napo.example/undated"),
            rss_item("From the future", guid="future", pub_date="Fri, 01 Jan 2100 00:00:00 +0000"),
            rss_item("No guid and no link"),
        ),
    )
    add_feed("Napo", url)

    poll_all_feeds()
    poll_all_feeds()

    bulletins = {bulletin.title: bulletin for bulletin in stored()}
    assert set(bulletins) == {"Undated", "From the future"}
    assert bulletins["Undated"].guid == "https://napo.example/undated"
    for bulletin in bulletins.values():
        assert before <= bulletin.published_at <= utcnow()


def test_a_very_long_guid_is_stored_once(server):
    long_guid = "urn:napo:" + "x" * 2000
    url = server.serve("/napo.rss", rss(rss_item("Long id", guid=long_guid)))
    add_feed("Napo", url)

    poll_all_feeds()
    poll_all_feeds()

    [bulletin] = stored()
    assert bulletin.guid.startswith("sha256:")


def serve_broken(server: FeedServer, kind: str) -> str:
    """A feed that fails in the way ``kind`` names; returns its address."""
    good = rss(rss_item("Never stored", guid="x"))
    if kind == "refused":
        return f"http://127.0.0.1:{free_port()}/feed.rss"
    if kind == "redirect to a file":
        return server.serve("/broken", status=302, location="file:///etc/passwd")
    options = {
        "http 500": {"status": 500},
        "http 404": {"status": 404},
        "bad xml": {"body": "not xml at all <<<"},
        "not a feed": {"body": "<html><body><p>Moved</p></body></html>"},
        "a local path": {"body": "/etc/passwd"},
        "no answer": {"body": good, "delay": 10},
        "trickle": {"body": good, "trickle": 0.05},
        "too large": {"body": rss(rss_item("y" * (MAX_BYTES + 10), guid="big"))},
    }[kind]
    return server.serve("/broken", **options)


BROKEN = {
    "http 500": "The server answered HTTP 500 Internal Server Error.",
    "http 404": "The server answered HTTP 404 Not Found.",
    "bad xml": "This is not a readable RSS or Atom feed",
    "not a feed": "This address does not serve an RSS or Atom feed.",
    "a local path": "This is not a readable RSS or Atom feed",
    "refused": "Could not connect to the server",
    "no answer": f"The server did not send the feed within {TIMEOUT:g} seconds.",
    "trickle": f"The server did not send the feed within {TIMEOUT:g} seconds.",
    "too large": f"The feed is larger than the {MAX_BYTES:,} bytes allowed.",
    "redirect to a file": "Redirection to url 'file:///etc/passwd' is not allowed.",
}


@pytest.mark.parametrize("kind", list(BROKEN))
def test_a_broken_feed_is_recorded_and_the_others_are_still_read(server, kind):
    add_feed("Broken", serve_broken(server, kind))
    add_feed("Napo", server.serve("/napo.rss", NAPO_RSS))

    results = {result.feed_name: result for result in poll_all_feeds()}

    assert results["Napo"].new_items == 2
    assert BROKEN[kind] in results["Broken"].error
    assert results["Broken"].summary().startswith("Broken: error: ")
    broken = feed_named("Broken")
    assert BROKEN[kind] in broken.last_error
    assert broken.last_error_at is not None
    assert broken.last_fetched_at == broken.last_error_at
    assert broken.last_success_at is None
    assert {bulletin.source for bulletin in stored()} == {"Napo"}


def test_a_failure_keeps_the_validators_and_a_recovery_is_recorded(server):
    url = server.serve("/napo.rss", NAPO_RSS, etag=ETAG)
    add_feed("Napo", url)
    poll_all_feeds()
    server.serve("/napo.rss", status=503)

    [failed] = poll_all_feeds()
    feed = feed_named("Napo")
    assert failed.error == "The server answered HTTP 503 Service Unavailable."
    assert feed.etag == ETAG
    assert feed.last_error_at > feed.last_success_at

    server.serve("/napo.rss", NAPO_RSS, etag=ETAG)
    [recovered] = poll_all_feeds()
    feed = feed_named("Napo")
    assert recovered.not_modified
    assert feed.last_success_at > feed.last_error_at


FORBIDDEN_IN_PAGES = (
    "steal()",
    "<script",
    "onmouseover",
    "onerror",
    "<iframe",
    "javascript:",
    "<object",
    "<style>body",
    "<form><input",
)


def test_scripts_frames_and_handlers_in_feed_content_never_reach_the_page(server, client):
    hostile = (
        '<p onmouseover="steal()">Read <a href="javascript:steal()">this</a></p>'
        "<script>steal()</script><iframe src='https://evil.example/'></iframe>"
        '<img src="https://napo.example/x.png" onerror="steal()">'
        '<object data="x.swf"></object><style>body{display:none}</style><form><input></form>'
    )
    url = server.serve(
        "/napo.rss",
        rss(rss_item("<script>steal()</script> Hostile", guid="h", description=hostile)),
    )
    add_feed("Napo", url)
    poll_all_feeds()
    [bulletin] = stored()

    for address in (f"/bulletins/{bulletin.id}-{bulletin.slug}", "/bulletins/", "/"):
        page = client.get(address).text
        for forbidden in FORBIDDEN_IN_PAGES:
            assert forbidden not in page, (address, forbidden)
    page = client.get(f"/bulletins/{bulletin.id}-{bulletin.slug}").text
    assert "napo.example/x.png" not in page  # an image that could not be copied here
    assert bulletin.title == "Hostile"
    feed = client.get("/feeds/bulletins.atom").text
    assert "onerror" not in feed
    assert "script" not in feed


def test_paused_feeds_are_not_polled(server):
    feed = add_feed("Napo", server.serve("/napo.rss", NAPO_RSS))
    set_feed_active(feed, False)

    assert poll_all_feeds() == []
    assert server.requests == []


def test_an_item_an_editor_removed_is_not_fetched_again(server):
    add_feed("Napo", server.serve("/napo.rss", NAPO_RSS))
    poll_all_feeds()
    removed = next(bulletin for bulletin in stored() if bulletin.guid == "napo-1")

    remove_bulletin(removed)
    [result] = poll_all_feeds()

    assert result.new_items == 0
    assert [bulletin.guid for bulletin in stored()] == ["napo-2"]


def test_an_item_whose_source_an_editor_changed_is_not_stored_again(server):
    add_feed("Napo news", server.serve("/napo.rss", NAPO_RSS))
    poll_all_feeds()
    first, second = stored()
    update_bulletin(first, BulletinFields("Napo", first.title, first.body_html))
    update_bulletin(second, BulletinFields("Napo", second.title, second.body_html))
    remove_bulletin(second)

    [result] = poll_all_feeds()

    assert result.new_items == 0
    assert [(bulletin.source, bulletin.guid) for bulletin in stored()] == [("Napo", "napo-1")]


def test_two_feeds_may_carry_the_same_item_under_different_sources(server):
    add_feed("Napo", server.serve("/a.rss", NAPO_RSS))
    add_feed("Napo England", server.serve("/b.rss", NAPO_RSS))

    poll_all_feeds()

    count = db.session.scalar(select(func.count()).select_from(Bulletin))
    assert count == 4


def test_flask_bulletins_fetch_prints_a_line_per_feed_and_exits_0(server, runner):
    add_feed("Napo", server.serve("/napo.rss", NAPO_RSS, etag=ETAG))
    add_feed("Broken", server.serve("/broken", status=500))

    first = runner.invoke(args=["bulletins", "fetch"])
    second = runner.invoke(args=["bulletins", "fetch"])

    assert first.exit_code == 0
    assert first.output.splitlines() == [
        "Napo: 2 new items",
        "Broken: error: The server answered HTTP 500 Internal Server Error.",
    ]
    assert second.exit_code == 0
    assert second.output.splitlines()[0] == "Napo: not modified"


def test_flask_bulletins_fetch_with_no_feeds(runner):
    result = runner.invoke(args=["bulletins", "fetch"])
    assert result.exit_code == 0
    assert "No active feeds to fetch." in result.output


def test_flask_bulletins_fetch_fails_when_it_cannot_read_the_database(app_config, tmp_path):
    unreadable = create_app(
        {**app_config, "DATABASE_URL": f"sqlite:///{tmp_path}/missing/folder/blog.db"}
    )

    result = unreadable.test_cli_runner().invoke(args=["bulletins", "fetch"])

    assert result.exit_code != 0
    assert "Could not read the feeds from the database" in result.output
    with unreadable.app_context():
        db.engine.dispose()


def test_polling_records_the_fetch_time(server):
    add_feed("Napo", server.serve("/napo.rss", NAPO_RSS))
    before = utcnow() - timedelta(seconds=1)
    poll_all_feeds()
    assert feed_named("Napo").last_fetched_at >= before

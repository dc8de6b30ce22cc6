"""Editors register union feeds under /admin/feeds, see how each is doing, and fetch one now."""

import re
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from support.bulletins import add_bulletin
from support.feed_server import FeedServer, feed_server
from support.feeds import rss, rss_item

from blogapp.bulletins.ingest import poll_all_feeds
from blogapp.bulletins.operations import add_feed
from blogapp.extensions import db
from blogapp.models import Bulletin, BulletinFeed, Role

PASSWORD = "correct horse battery staple"
FEED = rss(rss_item("Pay offer", guid="napo-1", description="<p>Vote now.</p>"))


@pytest.fixture
def app_config(app_config: dict) -> dict:
    return {**app_config, "BULLETIN_FETCH_TIMEOUT": 0.5}


@pytest.fixture
def server(app) -> Iterator[FeedServer]:
    with feed_server() as running:
        yield running


@pytest.fixture
def as_editor(client, editor):
    client.login(editor.email, PASSWORD)
    return client


def feeds() -> list[BulletinFeed]:
    db.session.expire_all()
    return list(db.session.scalars(select(BulletinFeed).order_by(BulletinFeed.id)))


def test_an_editor_adds_a_feed(as_editor):
    response = as_editor.submit(
        "/admin/feeds", {"name": " Napo ", "url": "https://napo.example/feed.rss"}
    )

    assert response.status_code == 302
    [feed] = feeds()
    assert (feed.name, feed.url, feed.active) == ("Napo", "https://napo.example/feed.rss", True)
    page = as_editor.get("/admin/feeds").text
    assert "Added the feed “Napo”." in page
    assert "https://napo.example/feed.rss" in page
    assert "not fetched yet" in page


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"name": "Napo", "url": "file:///etc/passwd"}, "Enter a web address starting with"),
        ({"name": "Napo", "url": "ftp://napo.example/feed"}, "Enter a web address starting with"),
        ({"name": "Napo", "url": "javascript:alert(1)"}, "Enter a web address starting with"),
        ({"name": "Napo", "url": "napo.example/feed"}, "Enter a web address starting with"),
        ({"name": "Napo", "url": ""}, "Enter the feed&#39;s address."),
        ({"name": "", "url": "https://napo.example/feed"}, "Give the feed the union&#39;s name."),
    ],
)
def test_a_bad_feed_is_refused_with_a_message(as_editor, form, message):
    response = as_editor.submit("/admin/feeds", form)
    assert response.status_code == 422
    assert message in response.text
    assert feeds() == []


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/feed.rss",
        "http://localhost/feed.rss",
        "http://10.1.2.3/feed.rss",
        "http://192.168.0.7/feed.rss",
        "http://[::1]/feed.rss",
        "http://169.254.169.254/latest/meta-data/",
    ],
)
def test_a_feed_on_this_machine_or_the_local_network_is_refused_when_added(app, as_editor, url):
    app.config["BULLETIN_FEEDS_ALLOW_PRIVATE"] = False

    response = as_editor.submit("/admin/feeds", {"name": "Napo", "url": url})

    assert response.status_code == 422
    assert "is on a private network, not the web" in response.text
    assert "from the public web only" in response.text
    assert feeds() == []


def test_the_same_address_cannot_be_added_twice(as_editor):
    add_feed("Napo", "https://napo.example/feed.rss")
    response = as_editor.submit(
        "/admin/feeds", {"name": "Napo again", "url": "https://napo.example/feed.rss"}
    )
    assert response.status_code == 422
    assert "A feed with this address is already registered." in response.text
    assert len(feeds()) == 1


def test_fetch_now_polls_one_feed_and_says_what_it_found(as_editor, server):
    feed = add_feed("Napo", server.serve("/napo.rss", FEED))
    add_feed("Unison", server.serve("/unison.rss", FEED))

    response = as_editor.submit(f"/admin/feeds/{feed.id}/fetch", page="/admin/feeds")

    assert response.status_code == 302
    page = as_editor.get("/admin/feeds").text
    assert "Napo: 1 new item" in page
    assert "working" in page
    assert server.requests_to("/napo.rss")
    assert not server.requests_to("/unison.rss")
    titles = db.session.scalars(select(Bulletin.title)).all()
    assert titles == ["Pay offer"]


def test_a_failing_feed_shows_its_error_and_when_it_happened(as_editor, server):
    feed = add_feed("Broken", server.serve("/broken", status=500))
    poll_all_feeds()

    page = as_editor.get("/admin/feeds").text

    assert "failing" in page
    error = re.search(r'<dd class="feed__error feed__error--current" role="alert">(.*?)</dd>', page)
    assert error is not None
    assert "The server answered HTTP 500 Internal Server Error." in error.group(1)
    assert re.search(r"<time datetime=\"[^\"]+\">\d+ \w+ \d{4} at \d\d:\d\d</time>", error.group(1))
    fetched = as_editor.submit(f"/admin/feeds/{feed.id}/fetch", page="/admin/feeds")
    assert fetched.status_code == 302
    assert "Broken: error: The server answered HTTP 500" in as_editor.get("/admin/feeds").text


def test_an_editor_pauses_and_resumes_a_feed(as_editor, server):
    feed = add_feed("Napo", server.serve("/napo.rss", FEED))

    as_editor.submit(f"/admin/feeds/{feed.id}/pause", page="/admin/feeds")
    assert feeds()[0].active is False
    assert "paused" in as_editor.get("/admin/feeds").text
    assert poll_all_feeds() == []

    as_editor.submit(f"/admin/feeds/{feed.id}/resume", page="/admin/feeds")
    assert feeds()[0].active is True
    assert [result.new_items for result in poll_all_feeds()] == [1]


def test_removing_a_feed_keeps_its_bulletins(as_editor, server):
    feed = add_feed("Napo", server.serve("/napo.rss", FEED))
    poll_all_feeds()

    confirm = as_editor.get(f"/admin/feeds/{feed.id}/remove")
    assert "Remove the feed “Napo”?" in confirm.text
    response = as_editor.submit(f"/admin/feeds/{feed.id}/remove")

    assert response.status_code == 302
    assert feeds() == []
    [bulletin] = db.session.scalars(select(Bulletin)).all()
    assert bulletin.feed_id is None
    assert bulletin.source == "Napo"


def test_actions_on_a_missing_feed_are_404(as_editor):
    assert as_editor.get("/admin/feeds/99/remove").status_code == 404
    for action in ("fetch", "pause", "resume"):
        assert as_editor.submit(f"/admin/feeds/99/{action}", page="/admin/feeds").status_code == 404


def test_feed_actions_need_the_csrf_token(as_editor, server):
    feed = add_feed("Napo", server.serve("/napo.rss", FEED))
    for action in ("fetch", "pause", "remove"):
        assert as_editor.post(f"/admin/feeds/{feed.id}/{action}").status_code == 400
    assert (
        as_editor.post("/admin/feeds", data={"name": "X", "url": "https://x.example/"}).status_code
        == 400
    )
    assert server.requests == []
    assert len(feeds()) == 1
    assert feeds()[0].active


def test_visitors_are_sent_to_log_in(client):
    response = client.get("/admin/feeds")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")


def test_readers_may_not_see_or_change_feeds(client, make_user, server):
    feed = add_feed("Napo", server.serve("/napo.rss", FEED))
    reader = make_user(role=Role.READER)
    client.login(reader.email, PASSWORD)

    assert client.get("/admin/feeds").status_code == 403
    for action in ("fetch", "pause", "remove"):
        assert client.submit(f"/admin/feeds/{feed.id}/{action}", page="/").status_code == 403
    added = client.submit("/admin/feeds", {"name": "X", "url": "https://x.example/"}, page="/")
    assert added.status_code == 403
    assert server.requests == []
    assert [(f.name, f.active) for f in feeds()] == [("Napo", True)]


def test_the_feeds_page_query_count_does_not_grow_with_its_feeds(as_editor, count_queries):
    add_feed("One", "https://one.example/feed")
    with count_queries() as few:
        as_editor.get("/admin/feeds")
    for number in range(5):
        add_feed(f"More {number}", f"https://more{number}.example/feed")
    add_bulletin()
    with count_queries() as many:
        as_editor.get("/admin/feeds")
    assert len(many) == len(few)
    assert db.session.scalar(select(func.count()).select_from(BulletinFeed)) == 6

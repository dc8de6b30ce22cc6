"""Atom feeds, the sitemap, robots.txt, the health check and the error pages."""

from datetime import UTC, datetime, timedelta

import feedparser

from blogapp.dates import utcnow
from blogapp.models import PostStatus


def test_posts_feed_parses_and_lists_visible_posts_newest_first(client, make_post, editor):
    make_post("Older", published_at=datetime(2016, 9, 23, 9, 0, tzinfo=UTC), labels=["Napo"])
    make_post(
        "Newer",
        body="A body with an image ![chart](/uploads/2016/09/chart.png)",
        published_at=datetime(2016, 9, 24, 9, 0, tzinfo=UTC),
        author=editor,
    )
    make_post("Draft", status=PostStatus.DRAFT)
    make_post("Future", status=PostStatus.SCHEDULED, published_at=utcnow() + timedelta(days=1))

    response = client.get("/feeds/posts.atom")
    feed = feedparser.parse(response.data)

    assert response.mimetype == "application/atom+xml"
    assert not feed.bozo
    assert feed.feed.title == "On Probation"
    assert [entry.title for entry in feed.entries] == ["Newer", "Older"]
    newest = feed.entries[0]
    assert newest.link == "http://blog.test/2016/09/newer"
    assert newest.author == "Ed Itor"
    assert 'src="http://blog.test/uploads/2016/09/chart.png"' in newest.content[0].value
    assert [tag.term for tag in feed.entries[1].tags] == ["Napo"]


def test_a_feed_escapes_its_text_and_drops_characters_xml_cannot_hold(client, make_post):
    make_post(
        "Pay & <conditions> \u201cnow\u201d\x0b",
        body="Tom & Jerry wrote <b>this</b>\x01 \U0001f642",
        labels=["R&D <tests>"],
    )

    response = client.get("/feeds/posts.atom")
    feed = feedparser.parse(response.data)

    assert not feed.bozo
    (entry,) = feed.entries
    assert entry.title == "Pay & <conditions> \u201cnow\u201d"
    assert "Tom &amp; Jerry wrote <b>this</b> \U0001f642" in entry.content[0].value
    assert [tag.term for tag in entry.tags] == ["R&D <tests>"]
    assert b"<b>" not in response.data


def test_label_feed_has_only_that_labels_posts(client, make_post):
    make_post("About Napo", labels=["Napo"])
    make_post("About pay", labels=["Pay"])

    feed = feedparser.parse(client.get("/label/napo/feed.atom").data)

    assert feed.feed.title == "On Probation: Napo"
    assert [entry.title for entry in feed.entries] == ["About Napo"]
    assert client.get("/label/nothing/feed.atom").status_code == 404


def test_label_page_links_its_feed_in_the_head(client, make_post):
    make_post("About Napo", labels=["Napo"])

    page = client.get("/label/napo").text

    assert (
        'type="application/atom+xml" title="On Probation: Napo" href="/label/napo/feed.atom"'
        in (page)
    )


def test_sitemap_lists_posts_labels_and_series(client, make_post):
    make_post(
        "Latest From Napo 119",
        series="Latest From Napo",
        number=119,
        labels=["Napo"],
        published_at=datetime(2016, 9, 24, 9, 0, tzinfo=UTC),
    )
    make_post("A draft", status=PostStatus.DRAFT)

    response = client.get("/sitemap.xml")

    assert response.mimetype == "application/xml"
    assert "<loc>http://blog.test/2016/09/latest-from-napo-119</loc>" in response.text
    assert "<loc>http://blog.test/label/napo</loc>" in response.text
    assert "<loc>http://blog.test/series/latest-from-napo</loc>" in response.text
    assert "a-draft" not in response.text


def test_robots_txt_points_at_the_sitemap_and_keeps_out_of_admin(client):
    response = client.get("/robots.txt")

    assert response.mimetype == "text/plain"
    assert "Disallow: /admin/" in response.text
    assert "Sitemap: http://blog.test/sitemap.xml" in response.text


def test_health_check_reports_the_database(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json == {
        "status": "ok",
        "database": "ok",
        "cache": "ok",
        "rate_limits": "off",
        "scheduler": {"last_heartbeat": None},
    }


def test_missing_pages_get_the_styled_404(client):
    response = client.get("/no/such/page")

    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.text
    assert '<link rel="stylesheet" href="/static/css/site.css">' in response.text
    assert "Search the blog instead" in response.text


def test_wrong_method_gets_a_styled_page(client):
    response = client.post("/feeds/posts.atom")

    assert response.status_code in (400, 405)
    assert '<link rel="stylesheet" href="/static/css/site.css">' in response.text

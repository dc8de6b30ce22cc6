"""A change ends the cached copies of the pages that show it and no others: a comment its
post's page and feeds (within COMMENT_CACHE_SECONDS), the comments feed, and the counts on
listings (at most LISTING_COUNT_SECONDS behind); a post, bulletin or setting everything."""

from datetime import timedelta

import pytest
from sqlalchemy import select
from support.accounts import TEST_PASSWORD
from support.bulletins import add_bulletin
from support.clock import stop_the_app_clock
from support.comments import comment, path_of

from blogapp.dates import utcnow
from blogapp.extensions import db
from blogapp.models import Comment

JUST_BEFORE = timedelta(microseconds=1)
COMMENT_SECONDS = timedelta(seconds=5)
COUNT_SECONDS = timedelta(seconds=60)


@pytest.fixture
def clock(monkeypatch):
    return stop_the_app_clock(monkeypatch, utcnow())


@pytest.fixture
def blog(app, clock, make_post, make_user):
    """Two posts, a bulletin, a logged-in writer and a visitor who has every page cached."""
    app.config.update(COMMENT_CACHE_SECONDS=5, LISTING_COUNT_SECONDS=60)
    busy, quiet = make_post("Busy thread"), make_post("Quiet post", labels=["Pay"])
    add_bulletin("Pay talks resume")
    make_user(email="writer@example.org")
    visitor, writer = app.test_client(), app.test_client()
    writer.login("writer@example.org", TEST_PASSWORD)
    for path in cached_paths(busy, quiet):
        assert visitor.get(path).status_code == 200
    return busy, quiet, writer, visitor


def cached_paths(busy, quiet) -> list[str]:
    return [
        "/",
        path_of(busy),
        path_of(quiet),
        f"{path_of(quiet)}/comments.atom",
        "/label/pay",
        "/bulletins/",
        "/feeds/comments.atom",
        "/feeds/posts.atom",
    ]


def served_unchanged(visitor, path: str, before: bytes, count_queries) -> bool:
    """Whether the visitor gets the page from the cache: no statement, the bytes of before."""
    with count_queries() as statements:
        again = visitor.get(path).data
    return statements == [] and again == before


def test_a_comment_shows_on_its_post_and_in_the_feeds_within_comment_cache_seconds(clock, blog):
    busy, _quiet, writer, visitor = blog

    comment(writer, busy, "First!")

    clock.advance(COMMENT_SECONDS - JUST_BEFORE)
    assert "First!" not in visitor.get(path_of(busy)).text
    assert "First!" not in visitor.get("/feeds/comments.atom").text
    clock.advance(JUST_BEFORE)
    assert "First!" in visitor.get(path_of(busy)).text
    assert "First!" in visitor.get(f"{path_of(busy)}/comments.atom").text
    assert "First!" in visitor.get("/feeds/comments.atom").text


def test_a_comment_leaves_every_page_that_does_not_show_it_cached(clock, blog, count_queries):
    busy, quiet, writer, visitor = blog
    untouched = [path_of(quiet), f"{path_of(quiet)}/comments.atom", "/bulletins/",
                 "/feeds/posts.atom"]  # fmt: skip
    pages = {path: visitor.get(path).data for path in untouched}

    comment(writer, busy, "First!")
    clock.advance(COUNT_SECONDS)

    for path in untouched:
        with count_queries() as statements:
            page = visitor.get(path).data
        assert statements == [], f"{path} was rendered again"
        assert page == pages[path]


def test_the_counts_on_listings_are_at_most_listing_count_seconds_behind(
    clock, blog, count_queries
):
    busy, _quiet, writer, visitor = blog
    home = visitor.get("/").data
    assert "No comments" in home.decode()

    comment(writer, busy, "First!")

    clock.advance(COUNT_SECONDS - JUST_BEFORE)
    assert served_unchanged(visitor, "/", home, count_queries)
    assert "1 comment" not in visitor.get("/").text
    clock.advance(JUST_BEFORE)
    assert "1 comment" in visitor.get("/").text


def test_a_comment_leaves_the_listings_of_other_months_cached(
    clock, blog, make_post, count_queries
):
    busy, _quiet, writer, visitor = blog
    old = make_post("Last spring", published_at=clock.now - timedelta(days=200))
    archive = f"/{old.published_year}/{old.published_month:02d}/"
    before = visitor.get(archive).data
    assert "Last spring" in before.decode()

    comment(writer, busy, "First!")
    clock.advance(COUNT_SECONDS)

    assert served_unchanged(visitor, archive, before, count_queries)
    assert "1 comment" in visitor.get("/").text


def test_a_count_that_waited_long_enough_shows_at_once(clock, blog):
    busy, _quiet, writer, visitor = blog
    clock.advance(COUNT_SECONDS)

    comment(writer, busy, "First!")

    assert "1 comment" in visitor.get("/").text


def test_comments_in_a_stream_end_the_listings_once_a_minute(clock, blog, count_queries):
    busy, _quiet, writer, visitor = blog
    home = visitor.get("/").data
    for second in range(59):
        comment(writer, busy, f"Comment {second}")
        clock.advance(timedelta(seconds=1))
        assert served_unchanged(visitor, "/", home, count_queries), f"rendered at {second} s"


def test_a_new_post_shows_at_once_while_counts_wait(clock, blog, make_post):
    busy, _quiet, writer, visitor = blog
    comment(writer, busy, "First!")

    make_post("Breaking news")

    assert "Breaking news" in visitor.get("/").text


def test_a_bulletin_shows_at_once(blog):
    _busy, _quiet, _writer, visitor = blog

    add_bulletin("Strike ballot opens")

    assert "Strike ballot opens" in visitor.get("/bulletins/").text


def test_a_removed_comment_leaves_its_post_and_the_comments_feed_at_once(app, clock, blog):
    busy, _quiet, writer, visitor = blog
    comment(writer, busy, "Something I regret")
    clock.advance(COMMENT_SECONDS)
    assert "Something I regret" in visitor.get("/feeds/comments.atom").text
    written = db.session.scalars(select(Comment).where(Comment.post_id == busy.id)).one()

    writer.submit(f"/comments/{written.id}/remove", page=path_of(busy))

    assert "Something I regret" not in visitor.get(path_of(busy)).text
    assert "Something I regret" not in visitor.get("/feeds/comments.atom").text

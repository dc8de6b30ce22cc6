"""What a change does to the cached pages, with the shared cache missing, emptied, or
holding whole pages only."""

from datetime import timedelta
from pathlib import Path

import pytest
from support.accounts import TEST_PASSWORD
from support.bulletins import add_bulletin
from support.client import BlogClient
from support.clock import stop_the_app_clock
from support.comments import comment, path_of
from support.smtp import free_port

from blogapp import create_app
from blogapp.dates import utcnow
from blogapp.extensions import db
from blogapp.models import PostStatus

JUST_BEFORE = timedelta(microseconds=1)


def empty_the_shared_cache(app) -> None:
    """What a restarted or evicting cache server leaves: nothing at all."""
    for stored in Path(app.config["CACHE_DIR"]).iterdir():
        stored.unlink()


def test_a_comment_is_posted_when_the_shared_cache_was_emptied(app, make_post, make_user):
    app.config["COMMENT_CACHE_SECONDS"] = 5
    post = make_post("Busy thread")
    make_user(email="writer@example.org")
    writer = app.test_client()
    writer.login("writer@example.org", TEST_PASSWORD)
    token = writer.csrf_token(path_of(post))
    empty_the_shared_cache(app)

    response = writer.post(
        f"/comments/on/{post.id}", data={"body": "Still works.", "csrf_token": token}
    )

    assert response.status_code == 302
    assert "Still works." in writer.get(path_of(post)).text


def test_a_comment_is_posted_when_the_shared_cache_is_down(
    app_config, make_post, make_user, caplog
):
    config = {
        **app_config,
        "CACHE_REDIS_URL": f"redis://127.0.0.1:{free_port()}/0",
        "COMMENT_CACHE_SECONDS": 5,
    }
    unreachable = create_app(config)
    unreachable.test_client_class = BlogClient
    with unreachable.app_context():
        post = make_post("Busy thread")
        make_user(email="writer@example.org")
        writer = unreachable.test_client()
        writer.login("writer@example.org", TEST_PASSWORD)
        response = comment(writer, post, "Still works.")
        page = writer.get(path_of(post)).text
        db.session.remove()
        db.engine.dispose()

    assert response.status_code == 302
    assert "Still works." in page
    warnings = [record.getMessage() for record in caplog.records if record.levelname == "WARNING"]
    assert any(warning.startswith("the shared cache is unavailable") for warning in warnings), (
        "the log tells the operator why"
    )


def test_with_whole_pages_cached_and_no_fragments_a_new_post_replaces_the_page(app, make_post):
    app.config["FRAGMENT_CACHE_ENABLED"] = False
    make_post("First post")
    visitor = app.test_client()
    assert "Second post" not in visitor.get("/").text

    make_post("Second post")

    assert "Second post" in visitor.get("/").text


def test_with_whole_pages_cached_and_no_fragments_a_new_comment_replaces_the_page(
    app, make_post, make_user
):
    app.config["FRAGMENT_CACHE_ENABLED"] = False
    post = make_post("Busy thread")
    make_user(email="writer@example.org")
    visitor, writer = app.test_client(), app.test_client()
    assert "No comments yet." in visitor.get(path_of(post)).text
    writer.login("writer@example.org", TEST_PASSWORD)

    comment(writer, post, "First!")

    assert "First!" in visitor.get(path_of(post)).text


@pytest.fixture
def clock(monkeypatch):
    return stop_the_app_clock(monkeypatch, utcnow())


@pytest.fixture
def busy_thread(app, make_post, make_user):
    """A post, a logged-in writer and a visitor whose copy of the post page is cached."""
    app.config["COMMENT_CACHE_SECONDS"] = 5
    post = make_post("Busy thread")
    make_user(email="writer@example.org")
    visitor, writer = app.test_client(), app.test_client()
    writer.login("writer@example.org", TEST_PASSWORD)
    assert "No comments yet." in visitor.get(path_of(post)).text
    return post, writer, visitor


def test_a_new_comment_reaches_visitors_when_comment_cache_seconds_are_up(clock, busy_thread):
    post, writer, visitor = busy_thread

    comment(writer, post, "First!")

    clock.advance(timedelta(seconds=5) - JUST_BEFORE)
    assert "First!" not in visitor.get(path_of(post)).text
    clock.advance(JUST_BEFORE)
    assert "First!" in visitor.get(path_of(post)).text


def test_a_post_scheduled_for_tomorrow_does_not_hold_back_a_new_comment(
    clock, busy_thread, make_post
):
    post, writer, visitor = busy_thread
    make_post("Tomorrow's post", status=PostStatus.SCHEDULED,
              published_at=clock.now + timedelta(days=1))  # fmt: skip
    assert "No comments yet." in visitor.get(path_of(post)).text

    comment(writer, post, "First!")

    clock.advance(timedelta(seconds=5))
    assert "First!" in visitor.get(path_of(post)).text


def test_a_second_comment_does_not_put_off_the_first(clock, busy_thread):
    post, writer, visitor = busy_thread
    comment(writer, post, "First!")
    clock.advance(timedelta(seconds=3))

    comment(writer, post, "Second!")

    clock.advance(timedelta(seconds=2))
    page = visitor.get(path_of(post)).text
    assert "First!" in page
    assert "Second!" in page


def test_a_scheduled_post_appears_at_its_time_to_the_microsecond(clock, app, make_post):
    make_post("Already out")
    due = clock.now + timedelta(hours=1)
    make_post("Due in an hour", status=PostStatus.SCHEDULED, published_at=due)
    visitor = app.test_client()
    assert "Due in an hour" not in visitor.get("/").text

    clock.now = due - JUST_BEFORE
    assert "Due in an hour" not in visitor.get("/").text
    clock.now = due
    assert "Due in an hour" in visitor.get("/").text


@pytest.mark.parametrize("item", ["post", "bulletin"])
def test_an_item_due_at_this_very_instant_does_not_keep_ending_the_cache(
    clock, app, make_post, count_queries, item
):
    """Only times still to come end the generation; one that is now has come."""
    if item == "post":
        make_post("Due now", status=PostStatus.SCHEDULED, published_at=clock.now)
    else:
        add_bulletin("Due now", published_at=clock.now)
    visitor = app.test_client()
    visitor.get("/")

    with count_queries() as statements:
        visitor.get("/")

    assert statements == []


def test_once_a_scheduled_post_is_out_pages_are_served_from_the_cache_again(
    clock, app, make_post, count_queries
):
    due = clock.now + timedelta(hours=1)
    make_post("Due in an hour", status=PostStatus.SCHEDULED, published_at=due)
    visitor = app.test_client()
    visitor.get("/")
    clock.now = due
    assert "Due in an hour" in visitor.get("/").text

    with count_queries() as statements:
        again = visitor.get("/")

    assert statements == []
    assert "Due in an hour" in again.text

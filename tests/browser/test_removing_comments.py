"""Removing a comment in Chromium: a page that shows the comment and asks first, then an
Undo button beside it for its author, for 10 minutes of the app's clock."""

from datetime import timedelta

import pytest
from support.accounts import TEST_PASSWORD
from support.clock import stop_the_app_clock
from support.comments import path_of

from blogapp.comments.operations import post_comment
from blogapp.dates import utcnow

pytestmark = pytest.mark.browser

REMOVED = "This comment has been removed by the author."


@pytest.fixture
def clock(monkeypatch):
    return stop_the_app_clock(monkeypatch, utcnow())


def log_in(page, email: str) -> None:
    page.goto("/auth/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()


@pytest.fixture
def own_comment(clock, page, make_post, make_user):
    """A reader logged in beside their own comment and another reader's."""
    post = make_post("Caseloads at breaking point")
    writer = make_user(email="writer@example.org", name="Pat Writer")
    other = make_user(name="Other Reader")
    post_comment(post, other, "Somebody else's view.", anonymous=False)
    post_comment(post, writer, "Sixty? We have seventy here.", anonymous=False)
    log_in(page, "writer@example.org")
    page.goto(path_of(post))
    return post


def test_removing_asks_first_and_keeping_changes_nothing(page, own_comment):
    mine = page.get_by_role("article", name="Comment 2")
    assert page.get_by_role("link", name="Remove comment 1").count() == 0
    mine.get_by_role("link", name="Remove comment 2").click()

    quoted = page.get_by_label("The comment you are removing")
    assert "Sixty? We have seventy here." in quoted.inner_text()
    page.get_by_role("link", name="Keep it and go back to the comment").click()

    mine = page.get_by_role("article", name="Comment 2")
    assert "Sixty? We have seventy here." in mine.inner_text()
    assert page.locator("#comments-heading").inner_text() == "2 comments"


def test_the_author_removes_and_undoes_within_ten_minutes(page, own_comment, clock):
    page.get_by_role("link", name="Remove comment 2").click()
    page.get_by_role("button", name="Remove the comment").click()
    mine = page.get_by_role("article", name="Comment 2")
    assert REMOVED in mine.inner_text()
    assert page.locator("#comments-heading").inner_text() == "1 comment"

    clock.advance(timedelta(minutes=9))
    page.reload()
    page.get_by_role("button", name="Undo removing comment 2").click()

    mine = page.get_by_role("article", name="Comment 2")
    assert "Sixty? We have seventy here." in mine.inner_text()
    assert page.locator("#comments-heading").inner_text() == "2 comments"


def test_the_undo_button_goes_after_ten_minutes(page, own_comment, clock):
    page.get_by_role("link", name="Remove comment 2").click()
    page.get_by_role("button", name="Remove the comment").click()
    assert page.get_by_role("button", name="Undo removing comment 2").is_visible()

    clock.advance(timedelta(minutes=11))
    page.reload()

    assert REMOVED in page.get_by_role("article", name="Comment 2").inner_text()
    assert page.get_by_role("button", name="Undo removing comment 2").count() == 0

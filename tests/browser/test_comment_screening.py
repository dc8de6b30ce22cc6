"""In Chromium: a person writing a comment at a person's pace never trips the checks meant
for scripts, and editors' comments carry a visible "Editor" badge."""

import pytest
from support.accounts import TEST_PASSWORD
from support.comments import comments_of, path_of

from blogapp.comments.operations import post_comment
from blogapp.models import CommentState, Role

pytestmark = pytest.mark.browser


@pytest.fixture
def app_config(app_config: dict) -> dict:
    """A second is enough to tell a person from a script without a long test."""
    return {**app_config, "COMMENT_MIN_SECONDS": 1}


def log_in(page, email: str) -> None:
    page.goto("/auth/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_a_person_typing_a_comment_is_published_at_once(page, make_post, make_user):
    post = make_post("Caseloads at breaking point")
    make_user(email="reader@example.org", name="Pat Reader")
    log_in(page, "reader@example.org")
    page.goto(path_of(post))

    form = page.locator("#comment-form")
    assert form.get_by_role("textbox").count() == 1
    trap = page.locator('input[name="website"]')
    box = trap.bounding_box()
    assert box is None or box["x"] + box["width"] <= 0

    page.get_by_label("Your comment").click()
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.name") != "website"
    page.get_by_label("Your comment").click()
    page.keyboard.type("Sixty cases each, and rising.", delay=45)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "anonymous"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Post comment"
    page.keyboard.press("Enter")

    shown = page.get_by_role("article", name="Comment 1")
    assert "Sixty cases each, and rising." in shown.inner_text()
    assert "Awaiting approval" not in shown.inner_text()
    assert "held for review" not in page.content()
    assert [c.state for c in comments_of(post)] == [CommentState.VISIBLE]
    assert trap.input_value() == ""


def test_an_editors_comment_carries_a_visible_editor_badge(page, make_post, make_user):
    post = make_post("Caseloads at breaking point")
    jim = make_user(email="jim@example.org", name="Jim", role=Role.EDITOR)
    reader = make_user(email="reader@example.org", name="Pat Reader")
    post_comment(post, jim, "A word from the editors.", anonymous=False)
    post_comment(post, jim, "A quiet word.", anonymous=True)
    post_comment(post, reader, "A reader's word.", anonymous=False)

    page.goto(path_of(post))
    editors = page.get_by_role("article", name="Comment 1")
    badge = editors.locator(".badge--editor")
    assert badge.is_visible()
    assert badge.inner_text() == "Editor"
    assert editors.locator(".comment-meta").inner_text().split("\n")[:3] == ["1.", "Jim", "Editor"]
    assert page.get_by_role("article", name="Comment 2").locator(".badge--editor").count() == 0
    assert page.get_by_role("article", name="Comment 3").locator(".badge--editor").count() == 0
    assert page.locator(".badge--editor").count() == 1

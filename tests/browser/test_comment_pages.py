"""A reader in Chromium pages through a long thread and follows an old Blogger comment link."""

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect
from support.comments import path_of
from support.threads import bulk_comments

from blogapp.extensions import db
from blogapp.models import Comment

pytestmark = pytest.mark.browser

START = datetime(2014, 6, 19, 20, 0, tzinfo=UTC)


@pytest.fixture
def long_thread(app, make_post):
    """Twenty top-level comments, each with two replies, in pages of eight."""
    app.config["COMMENTS_PER_PAGE"] = 8
    post = make_post("Omnishambles Update 52", published_at=datetime(2014, 6, 19, 9, tzinfo=UTC))
    return post, bulk_comments(post, 20, START, replies_to_each=2)


def test_a_reader_goes_to_newer_comments_and_back(page, long_thread):
    post, _ = long_thread
    page.goto(path_of(post))
    assert page.get_by_label("Comment 8", exact=True).is_visible()
    assert page.get_by_label("Comment 9", exact=True).count() == 0

    page.get_by_role("link", name="Newer comments ›").first.click()
    assert page.url.endswith(f"{path_of(post)}?page=2#comments")
    expect(page.get_by_label("Comment 9", exact=True)).to_be_visible()
    expect(page.get_by_label("Comment 9.2", exact=True)).to_be_visible()
    assert "Page 2 of 3" in page.locator(".comment-pages").first.inner_text()

    page.get_by_role("link", name="‹ Older comments").first.click()
    assert page.url.endswith(f"{path_of(post)}#comments")
    expect(page.get_by_label("Comment 1", exact=True)).to_be_visible()


def test_a_show_comment_link_lands_on_page_three_with_the_comment_in_view(page, long_thread):
    post, ids = long_thread
    nineteenth = db.session.get(Comment, ids[18])
    milliseconds = int(nineteenth.created_at.timestamp() * 1000)

    page.goto(f"{path_of(post)}?showComment={milliseconds}")

    assert page.url.endswith(f"{path_of(post)}?page=3#c{nineteenth.id}")
    comment = page.locator(f"#c{nineteenth.id}")
    expect(comment).to_be_in_viewport()
    assert "Comment 19" in comment.inner_text()
    assert comment.get_attribute("aria-label") == "Comment 19"

"""A new reader in Chromium: register, confirm by mail, log in, comment, reply, remove, log out."""

import re

import pytest
from support.mail import link_in

from blogapp.comments.operations import post_comment

pytestmark = pytest.mark.browser


def test_a_reader_registers_confirms_comments_replies_and_removes(
    page, mailbox, make_post, make_user
):
    post = make_post("Caseloads at breaking point", body="Officers carry sixty cases.")
    regular = make_user(name="Regular Reader")
    post_comment(post, regular, "Sixty? We have seventy here.", anonymous=False)

    page.goto("/")
    page.get_by_role("link", name="Register").first.click()
    page.get_by_label("Email address").fill("new.reader@example.org")
    page.get_by_label("Your name, as shown beside your comments").fill("New Reader")
    page.get_by_label("New password", exact=True).fill("probation is a vocation")
    page.get_by_label("New password again").fill("probation is a vocation")
    page.get_by_role("button", name="Register").click()
    assert page.locator("h1").inner_text() == "Check your email"

    (message,) = mailbox.to("new.reader@example.org")
    page.goto(link_in(message, "/auth/confirm/"))
    assert "your email address is confirmed" in page.locator(".flashes").inner_text()

    page.get_by_label("Email address").fill("new.reader@example.org")
    page.get_by_label("Password").fill("probation is a vocation")
    page.get_by_role("button", name="Log in").click()
    assert "Welcome back, New Reader" in page.locator(".flashes").inner_text()

    page.get_by_role("link", name="Caseloads at breaking point").first.click()
    page.get_by_label("Your comment").fill("Speaking for myself:\nenough is enough.")
    page.get_by_label("Post as Anonymous").check()
    page.get_by_role("button", name="Post comment").click()
    assert re.search(r"#c\d+$", page.url)
    second = page.get_by_role("article", name="Comment 2")
    assert second.locator(".comment-author").inner_text() == "Anonymous"
    assert "enough is enough." in second.inner_text()

    page.get_by_role("link", name="Reply to comment 1").click()
    assert "Sixty? We have seventy here." in page.locator(".comment-quoted").inner_text()
    page.get_by_label("Your comment").fill("Seventy! How do you manage?")
    page.get_by_role("button", name="Post reply").click()
    reply = page.get_by_role("article", name="Comment 1.1")
    assert reply.locator(".comment-author").inner_text() == "New Reader"
    assert "Seventy! How do you manage?" in reply.inner_text()

    page.get_by_role("link", name="Remove comment 2").click()
    page.get_by_role("button", name="Remove the comment").click()
    assert (
        "This comment has been removed by the author."
        in page.get_by_role("article", name="Comment 2").inner_text()
    )
    assert page.locator("#comments-heading").inner_text() == "2 comments"

    page.get_by_role("button", name="Log out").click()
    assert "You have logged out." in page.locator(".flashes").inner_text()
    assert page.get_by_role("link", name="Log in").first.is_visible()

""" "Email me replies to my comments": one message per reply, through the real SMTP server."""

import pytest
from support.accounts import TEST_PASSWORD
from support.comments import comment, comments_of, path_of
from support.mail import html_of, link_in, text_of

from blogapp.extensions import db
from blogapp.site_settings import SiteSettings, save_site_settings


@pytest.fixture
def thread(app, make_user, make_post):
    """A post with a comment by a reader who wants reply mail, and a second reader's client."""
    post = make_post("Caseloads")
    author = make_user(email="author@example.org", name="Original Author")
    author.notify_replies = True
    db.session.commit()
    author_client = app.test_client()
    author_client.login("author@example.org", TEST_PASSWORD)
    comment(author_client, post, "What do others think?")
    make_user(email="replier@example.org", name="Replier")
    replier = app.test_client()
    replier.login("replier@example.org", TEST_PASSWORD)
    return post, comments_of(post)[0], author_client, replier


def test_a_reply_mails_the_author_with_a_link_to_it(client, thread, mailbox):
    post, answered, _, replier = thread
    comment(
        replier, post, "I agree, see https://example.org.", anonymous=True, reply_to=answered.id
    )
    reply = comments_of(post)[-1]
    (message,) = mailbox.to("author@example.org")
    assert message["Subject"] == "Anonymous replied to your comment on “Caseloads”"
    assert "Replier" not in text_of(message)
    assert "Replier" not in html_of(message)
    assert "I agree, see https://example.org." in text_of(message)
    assert link_in(message, "/20") == path_of(post)
    assert f"{path_of(post)}#c{reply.id}" in text_of(message)
    assert "/account" in text_of(message)


def test_no_mail_for_my_own_reply_or_when_the_setting_is_off(thread, make_user, mailbox):
    post, answered, author_client, replier = thread
    comment(author_client, post, "Answering myself.", reply_to=answered.id)
    assert mailbox.messages == []
    answered.user.notify_replies = False
    db.session.commit()
    comment(replier, post, "A reply nobody is told of.", reply_to=answered.id)
    assert mailbox.messages == []


def test_a_reply_to_a_reply_mails_the_author_of_that_reply(app, thread, make_user, mailbox):
    post, answered, author_client, replier = thread
    comment(replier, post, "First answer.", reply_to=answered.id)
    first_answer = comments_of(post)[-1]
    first_answer.user.notify_replies = True
    db.session.commit()
    mailbox.clear()
    comment(author_client, post, "Answering the answer.", reply_to=first_answer.id)
    assert [m["To"] for m in mailbox.messages] == ["replier@example.org"]


def test_a_held_reply_is_mailed_when_approved_and_never_when_removed(app, thread, editor, mailbox):
    post, answered, _, replier = thread
    save_site_settings(SiteSettings(hold_first_comments=1))
    comment(replier, post, "Held reply.", reply_to=answered.id)
    comment(replier, post, "Another held reply.", reply_to=answered.id)
    held, other = comments_of(post)[-2:]
    assert mailbox.messages == []

    editor_client = app.test_client()
    editor_client.login(editor.email, TEST_PASSWORD)
    editor_client.submit(
        "/admin/comments",
        {"show": "held", "action": "remove", "comment": str(other.id)},
        page="/admin/comments",
    )
    assert mailbox.messages == []
    editor_client.submit(
        "/admin/comments",
        {"show": "held", "action": "approve", "comment": str(held.id)},
        page="/admin/comments",
    )
    (message,) = mailbox.to("author@example.org")
    assert "Held reply." in text_of(message)


def test_a_refused_address_does_not_stop_the_reply(thread, mailbox):
    post, answered, _, replier = thread
    mailbox.refuse.add("author@example.org")
    response = comment(replier, post, "Still posted.", reply_to=answered.id)
    assert response.status_code == 302
    assert comments_of(post)[-1].body == "Still posted."

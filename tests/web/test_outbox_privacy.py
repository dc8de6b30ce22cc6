"""The outbox never hands anyone a signed link meant for someone else, admins included."""

import re

import pytest
from support.accounts import TEST_PASSWORD
from support.digests import FRIDAY_EVENING, SATURDAY, at
from support.mail import LINK, html_of, text_of

from blogapp.digest.runs import run_digest
from blogapp.mail.catcher import save_to_outbox
from blogapp.models import Role

SIGNED_PATH = re.compile(r"/(?:auth/reset|auth/confirm|account/email/confirm|unsubscribe)/[\w.-]+")


@pytest.fixture
def outbox(app, tmp_path):
    folder = tmp_path / "outbox"
    app.config["MAIL_OUTBOX_FOLDER"] = str(folder)
    return folder


@pytest.fixture
def admin(make_user):
    return make_user(email="admin@example.org", name="The Admin", role=Role.ADMIN)


def caught(outbox, mailbox, address: str) -> str:
    """File the newest message to ``address`` as the mail catcher would; its outbox page."""
    (message, *_) = reversed(mailbox.to(address))
    return f"/admin/outbox/{save_to_outbox(outbox, message.as_bytes()).name}"


def signed_links_in(page: str) -> list[str]:
    return [url for url in LINK.findall(page) if SIGNED_PATH.search(url)]


def test_an_editor_cannot_take_over_the_admin_through_a_reset_link_in_the_outbox(
    client, admin, editor, mailbox, outbox
):
    client.login(editor.email, TEST_PASSWORD)
    client.submit("/auth/reset", {"email": admin.email})
    page = client.get(caught(outbox, mailbox, admin.email)).text

    assert signed_links_in(page) == []
    assert "/auth/reset/" not in page
    assert "[a password-reset link was sent to admin@example.org; only they can see it]" in page
    assert "Reset your password" in page, "the rest of the message is still shown"


def test_the_recipient_sees_their_own_mail_whole(client, admin, mailbox, outbox):
    client.login(admin.email, TEST_PASSWORD)
    client.submit("/auth/reset", {"email": admin.email})
    message = mailbox.to(admin.email)[-1]
    page = client.get(caught(outbox, mailbox, admin.email)).text

    (link,) = [url for url in LINK.findall(text_of(message)) if "/auth/reset/" in url]
    assert link in page
    assert "only they can see it" not in page


def test_a_digest_s_unsubscribe_links_are_hidden_in_its_headers_and_both_parts(
    client, editor, subscriber, make_post, mailbox, outbox
):
    subscriber("reader@example.org")
    make_post("Caseloads at breaking point", published_at=FRIDAY_EVENING)
    run_digest(clock=at(SATURDAY))
    message = mailbox.to("reader@example.org")[-1]
    assert SIGNED_PATH.search(message["List-Unsubscribe"]), "the digest carries the link"
    assert SIGNED_PATH.search(html_of(message))

    client.login(editor.email, TEST_PASSWORD)
    page = client.get(caught(outbox, mailbox, "reader@example.org")).text

    assert not SIGNED_PATH.search(page)
    assert "[an unsubscribe link was sent to reader@example.org" in page
    assert "Caseloads at breaking point" in page
    assert "/20" in page, "links to posts are not signed and stay"


def test_mail_to_the_viewer_and_someone_else_hides_the_links(client, editor, outbox, app):
    token_link = "http://blog.test/auth/confirm/abc.def-ghi"
    raw = (
        f"From: blog <noreply@blog.test>\r\nTo: {editor.email}, other@example.org\r\n"
        f"Subject: Two readers\r\nContent-Type: text/plain\r\n\r\nConfirm: {token_link}\r\n"
    ).encode()
    name = save_to_outbox(outbox, raw).name
    client.login(editor.email, TEST_PASSWORD)

    page = client.get(f"/admin/outbox/{name}").text

    assert token_link not in page
    assert "[a confirmation link was sent to editor@example.org, other@example.org" in page

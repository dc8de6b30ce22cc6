"""The editors' moderation mail over hours of the fake clock, through the real SMTP server;
and reply notices that wait for a held comment to be approved."""

from datetime import timedelta

import pytest
from support.accounts import TEST_PASSWORD
from support.clock import stop_the_app_clock
from support.comments import comment, comments_of, path_of
from support.mail import html_of, text_of

from blogapp.comments.jobs import scheduled_moderation_mail
from blogapp.dates import utcnow
from blogapp.extensions import db
from blogapp.models import Role
from blogapp.site_settings import SiteSettings, save_site_settings


@pytest.fixture
def clock(monkeypatch):
    return stop_the_app_clock(monkeypatch, utcnow())


@pytest.fixture
def editors(make_user):
    """One editor who asked for the moderation mail, and one who did not."""
    keen = make_user(email="keen@example.org", name="Keen Editor", role=Role.EDITOR)
    keen.mail_moderation_queue = True
    make_user(email="quiet@example.org", name="Quiet Editor", role=Role.EDITOR)
    db.session.commit()
    return keen


def hold_new_accounts() -> None:
    save_site_settings(SiteSettings(hold_first_comments=5))


@pytest.fixture
def newcomer(app, make_user):
    """A new reader, whose comments are held once ``hold_new_accounts()`` is called."""
    make_user(email="newcomer@example.org", name="New Comer")
    client = app.test_client()
    client.login("newcomer@example.org", TEST_PASSWORD)
    return client


def subjects(mailbox, address: str) -> list[str]:
    return [message["Subject"] for message in mailbox.to(address)]


def test_one_mail_an_hour_at_most_and_nothing_twice(
    clock, editors, newcomer, make_post, mailbox, app, make_user
):
    post = make_post("Caseloads")
    hold_new_accounts()
    comment(newcomer, post, "First held comment.", anonymous=True)
    comment(newcomer, post, "Second held comment.")
    scheduled_moderation_mail()

    (first,) = mailbox.to("keen@example.org")
    assert first["Subject"] == "2 comments waiting for moderation"
    text = text_of(first)
    assert "First held comment." in text
    assert "Second held comment." in text
    held = comments_of(post)
    assert f"/admin/comments?show=held#c{held[0].id}" in text
    assert 'Held for approval: Anonymous on "Caseloads"' in text
    assert text.count("New Comer") == 1
    assert "First held comment." in html_of(first)
    assert mailbox.to("quiet@example.org") == []

    clock.advance(timedelta(minutes=20))
    comment(newcomer, post, "Third held comment.")
    scheduled_moderation_mail()
    clock.advance(timedelta(minutes=30))
    scheduled_moderation_mail()
    assert len(mailbox.to("keen@example.org")) == 1

    clock.advance(timedelta(minutes=15))
    scheduled_moderation_mail()
    messages = mailbox.to("keen@example.org")
    assert len(messages) == 2
    assert messages[1]["Subject"] == "1 comment waiting for moderation"
    assert "Third held comment." in text_of(messages[1])
    assert "First held comment." not in text_of(messages[1])

    clock.advance(timedelta(hours=3))
    scheduled_moderation_mail()
    assert len(mailbox.to("keen@example.org")) == 2
    assert mailbox.to("quiet@example.org") == []


def test_a_reported_comment_is_mailed_with_a_link_to_its_tab(
    clock, editors, make_post, make_user, mailbox, app
):
    post = make_post("Caseloads")
    make_user(email="writer@example.org")
    make_user(email="reader@example.org")
    writer, reader = app.test_client(), app.test_client()
    writer.login("writer@example.org", TEST_PASSWORD)
    reader.login("reader@example.org", TEST_PASSWORD)
    comment(writer, post, "Something readers object to.")
    (reported,) = comments_of(post)
    reader.submit(f"/comments/{reported.id}/report", {"reason": "Abusive"})

    scheduled_moderation_mail()

    (message,) = mailbox.to("keen@example.org")
    assert "Reported" in text_of(message)
    assert f"/admin/comments?show=reported#c{reported.id}" in text_of(message)


def test_no_mail_when_nothing_waits(clock, editors, mailbox):
    scheduled_moderation_mail()
    assert mailbox.messages == []


def test_an_editor_chooses_the_mail_on_the_account_page_and_a_reader_cannot(
    app, make_user, editors
):
    quiet = app.test_client()
    quiet.login("quiet@example.org", TEST_PASSWORD)
    assert "at most once an hour" in quiet.get("/account").text
    quiet.submit(
        "/account/profile",
        {"profile-display_name": "Quiet Editor", "profile-mail_moderation_queue": "y"},
        page="/account",
    )
    reader = make_user(email="reader@example.org", name="Reader")
    reader_client = app.test_client()
    reader_client.login("reader@example.org", TEST_PASSWORD)
    assert "at most once an hour" not in reader_client.get("/account").text
    reader_client.submit(
        "/account/profile",
        {"profile-display_name": "Reader", "profile-mail_moderation_queue": "y"},
        page="/account",
    )
    db.session.expire_all()
    assert db.session.get(type(reader), reader.id).mail_moderation_queue is False
    assert db.session.get(type(editors), editors.id).mail_moderation_queue is True
    quiet_editor = db.session.scalar(
        db.select(type(reader)).where(type(reader).email == "quiet@example.org")
    )
    assert quiet_editor.mail_moderation_queue is True


def test_no_reply_notice_for_a_held_reply_until_it_is_approved(
    app, make_user, make_post, newcomer, editor, mailbox
):
    post = make_post("Caseloads")
    author = make_user(email="author@example.org", name="Original Author")
    author.notify_replies = True
    db.session.commit()
    author_client = app.test_client()
    author_client.login("author@example.org", TEST_PASSWORD)
    comment(author_client, post, "What do others think?")
    (answered,) = comments_of(post)
    hold_new_accounts()

    comment(newcomer, post, "Buy cheap pills at spam.example", reply_to=answered.id)
    held = comments_of(post)[-1]
    assert mailbox.to("author@example.org") == []

    editor_client = app.test_client()
    editor_client.login(editor.email, TEST_PASSWORD)
    editor_client.submit(
        "/admin/comments",
        {"show": "held", "action": "approve", "comment": str(held.id)},
        page="/admin/comments",
    )
    (notice,) = mailbox.to("author@example.org")
    assert "Buy cheap pills" in text_of(notice)


def test_showing_a_hidden_reply_again_does_not_repeat_its_notice(
    app, make_user, make_post, editor, mailbox
):
    app.config["REPORTS_TO_HIDE"] = 1
    post = make_post("Caseloads")
    for address in ("author@example.org", "replier@example.org", "reader@example.org"):
        make_user(email=address)
    author, replier, reader = (app.test_client() for _ in range(3))
    author.login("author@example.org", TEST_PASSWORD)
    replier.login("replier@example.org", TEST_PASSWORD)
    reader.login("reader@example.org", TEST_PASSWORD)
    comment(author, post, "What do others think?")
    (answered,) = comments_of(post)
    answered.user.notify_replies = True
    db.session.commit()
    comment(replier, post, "A reply.", reply_to=answered.id)
    reply = comments_of(post)[-1]
    assert len(mailbox.to("author@example.org")) == 1
    reader.submit(f"/comments/{reply.id}/report", {"reason": "Rude"})
    assert "hidden while the editors review it" in reader.get(path_of(post)).text

    editor_client = app.test_client()
    editor_client.login(editor.email, TEST_PASSWORD)
    editor_client.submit(
        "/admin/comments",
        {"show": "hidden", "action": "approve", "comment": str(reply.id)},
        page="/admin/comments",
    )
    assert "A reply." in reader.get(path_of(post)).text
    assert len(mailbox.to("author@example.org")) == 1

"""A reader whose address is suppressed sees why and since when on their account page,
and ends it by confirming the address again: one link, sent because they asked."""

import pytest
from sqlalchemy import select
from support.accounts import TEST_PASSWORD
from support.clock import stop_the_app_clock
from support.digests import SATURDAY
from support.mail import link_in

from blogapp.auth.mails import send_reset_link
from blogapp.extensions import db
from blogapp.mail.suppression import is_suppressed, suppress
from blogapp.models import Suppression, SuppressionLift, SuppressionReason, User

READER = "reader@example.org"


@pytest.fixture
def reader(app, make_user, client, monkeypatch):
    """READER, logged in, whose address was suppressed on Saturday 24 September 2016."""
    make_user(email=READER)
    client.login(READER, TEST_PASSWORD)
    clock = stop_the_app_clock(monkeypatch, SATURDAY)

    def suppressed(reason: SuppressionReason) -> None:
        suppress(READER, reason)
        db.session.commit()
        clock.now = SATURDAY.replace(month=10)

    return suppressed


def ask_for_the_link(client):
    return client.submit("/account/mail/resume", page="/account", follow_redirects=True)


def try_a_reset(app) -> None:
    with app.test_request_context():
        send_reset_link(db.session.scalar(select(User).where(User.email == READER)))
    db.session.commit()


def test_a_bounced_reader_sees_why_and_gets_mail_again_by_confirming(app, client, reader, mailbox):
    reader(SuppressionReason.BOUNCE)

    page = client.get("/account").text
    assert "Since Saturday, 24 September 2016 we have sent no mail to" in page
    assert "came back undelivered" in page

    response = ask_for_the_link(client)

    assert f"We have sent a link to {READER}" in response.text
    (message,) = mailbox.to(READER)
    assert is_suppressed(READER), "asking is not enough"
    try_a_reset(app)
    assert len(mailbox.to(READER)) == 1, "nothing else reaches the address yet"

    confirmed = client.get(link_in(message, "/account/mail/resume/"), follow_redirects=True)

    assert "we send you mail again" in confirmed.text
    assert "we have sent no mail" not in confirmed.text
    assert not is_suppressed(READER)
    (lift,) = db.session.scalars(select(SuppressionLift))
    assert (lift.address, lift.reason) == (READER, SuppressionReason.BOUNCE)
    assert lift.suppressed_at == SATURDAY
    try_a_reset(app)
    assert len(mailbox.to(READER)) == 2


def test_a_reader_who_complained_is_told_the_digest_stopped_and_other_mail_goes(
    client, reader, mailbox
):
    reader(SuppressionReason.COMPLAINT)

    page = client.get("/account").text

    assert "we have not sent you the daily email" in page
    assert "marked one of our daily emails as spam" in page
    ask_for_the_link(client)
    assert len(mailbox.to(READER)) == 1


def test_an_editors_stop_is_not_the_readers_to_lift(client, reader, mailbox):
    reader(SuppressionReason.MANUAL)

    assert "Write to the editors" in client.get("/account").text
    response = ask_for_the_link(client)

    assert "There is nothing to confirm" in response.text
    assert mailbox.messages == []
    assert is_suppressed(READER)


def test_a_reader_with_nothing_suppressed_sees_no_notice_and_gets_no_link(client, reader, mailbox):
    assert "we have sent no mail" not in client.get("/account").text

    ask_for_the_link(client)

    assert mailbox.messages == []


def test_a_link_for_a_suppression_that_has_since_changed_is_refused(client, reader, mailbox):
    reader(SuppressionReason.COMPLAINT)
    ask_for_the_link(client)
    (message,) = mailbox.to(READER)
    reader(SuppressionReason.BOUNCE)

    response = client.get(link_in(message, "/account/mail/resume/"))

    assert response.status_code == 400
    assert db.session.scalar(select(Suppression.reason)) == SuppressionReason.BOUNCE
    assert db.session.scalars(select(SuppressionLift)).all() == []

"""A suppressed address gets nothing: no digest, no reply notice, whatever was queued."""

import pytest
from sqlalchemy import select
from support.accounts import TEST_PASSWORD
from support.comments import comment, comments_of
from support.digests import FRIDAY_EVENING, SATURDAY, at, states

from blogapp.auth.mails import send_confirmation, send_reset_link
from blogapp.digest.runs import run_digest
from blogapp.extensions import db
from blogapp.mail.suppression import is_suppressed, suppress
from blogapp.models import DeliveryState, QueuedMail, Suppression, SuppressionReason, User

AUTHOR = "author@example.org"


def suppressed(address: str, reason: SuppressionReason = SuppressionReason.BOUNCE) -> None:
    suppress(address, reason)
    db.session.commit()


def test_a_suppressed_reader_gets_no_digest_and_the_ledger_says_why(subscriber, make_post, mailbox):
    make_post("Caseloads at breaking point", published_at=FRIDAY_EVENING)
    for address in ("kept@example.org", "gone@example.org", "other@example.org"):
        subscriber(address)
    suppressed("Gone@Example.org")

    (outcome,) = run_digest(clock=at(SATURDAY)).runs

    assert sorted(m["To"] for m in mailbox.messages) == ["kept@example.org", "other@example.org"]
    assert states() == {
        "kept@example.org": DeliveryState.SENT,
        "gone@example.org": DeliveryState.SUPPRESSED,
        "other@example.org": DeliveryState.SENT,
    }
    assert outcome.sent.suppressed == 1
    assert "suppressed (bounced or complained)" in outcome.summary


@pytest.fixture
def thread(app, make_user, make_post):
    post = make_post("Caseloads")
    for address in ("author@example.org", "second@example.org"):
        make_user(email=address).notify_replies = True
    db.session.commit()
    clients = {}
    for address in ("author@example.org", "second@example.org", "replier@example.org"):
        if address == "replier@example.org":
            make_user(email=address)
        clients[address] = app.test_client()
        clients[address].login(address, TEST_PASSWORD)
    comment(clients["author@example.org"], post, "What do others think?")
    comment(clients["second@example.org"], post, "And me?")
    return post, comments_of(post), clients["replier@example.org"]


def test_a_suppressed_reader_gets_no_reply_notice_and_others_still_do(thread, mailbox):
    post, (to_author, to_second), replier = thread
    suppressed("author@example.org", SuppressionReason.BOUNCE)

    comment(replier, post, "Answer to the author.", reply_to=to_author.id)
    comment(replier, post, "Answer to the second.", reply_to=to_second.id)

    assert [m["To"] for m in mailbox.messages] == ["second@example.org"]
    (refused,) = db.session.scalars(
        select(QueuedMail).where(QueuedMail.recipient == "author@example.org")
    )
    assert refused.state == DeliveryState.SUPPRESSED
    assert refused.data is None
    assert refused.sent_at is None


def test_mail_queued_before_the_address_was_suppressed_is_not_sent(app, make_user, mailbox):
    user = make_user(email="late@example.org", confirmed=False)
    with app.test_request_context():
        assert send_confirmation(user)
    db.session.commit()
    suppressed("late@example.org")

    assert mailbox.messages == []
    (queued,) = db.session.scalars(select(QueuedMail))
    db.session.refresh(queued)
    assert queued.state == DeliveryState.SUPPRESSED
    assert queued.sent_at is None


def test_a_complaint_stops_the_digest_but_not_reply_notices_or_a_password_reset(
    thread, app, mailbox
):
    post, (to_author, _), replier = thread
    suppressed(AUTHOR, SuppressionReason.COMPLAINT)

    comment(replier, post, "Answer to the author.", reply_to=to_author.id)
    with app.test_request_context():
        assert send_reset_link(db.session.scalar(select(User).where(User.email == AUTHOR)))
    db.session.commit()

    assert len(mailbox.to(AUTHOR)) == 2
    kinds = db.session.execute(
        select(QueuedMail.kind, QueuedMail.state).where(QueuedMail.recipient == AUTHOR)
    ).all()
    assert sorted(kinds) == [
        ("comment_reply", DeliveryState.SENT),
        ("reset_password", DeliveryState.SENT),
    ]
    assert is_suppressed(AUTHOR, "digest")
    assert not is_suppressed(AUTHOR, "reset_password")


def test_a_complaint_makes_a_digest_already_built_stay_at_home(subscriber, make_post, mailbox):
    make_post("Caseloads at breaking point", published_at=FRIDAY_EVENING)
    subscriber("kept@example.org")
    subscriber("complained@example.org")
    suppressed("complained@example.org", SuppressionReason.COMPLAINT)

    run_digest(clock=at(SATURDAY))

    assert [m["To"] for m in mailbox.messages] == ["kept@example.org"]
    assert states()["complained@example.org"] == DeliveryState.SUPPRESSED


def test_a_bounce_after_a_complaint_stops_everything_a_complaint_after_a_bounce_changes_nothing(
    app,
):
    suppressed("first@example.org", SuppressionReason.COMPLAINT)
    suppressed("first@example.org", SuppressionReason.BOUNCE)
    suppressed("second@example.org", SuppressionReason.BOUNCE)
    suppressed("second@example.org", SuppressionReason.COMPLAINT)

    reasons = {entry.address: entry.reason for entry in db.session.scalars(select(Suppression))}
    assert reasons == {
        "first@example.org": SuppressionReason.BOUNCE,
        "second@example.org": SuppressionReason.BOUNCE,
    }
    assert is_suppressed("first@example.org", "reset_password")


def test_an_address_is_suppressed_once_for_its_first_reason(app):
    suppressed("Someone@Example.org ", SuppressionReason.BOUNCE)
    suppressed("someone@example.org", SuppressionReason.COMPLAINT)

    (entry,) = db.session.scalars(select(Suppression))
    assert (entry.address, entry.reason) == ("someone@example.org", SuppressionReason.BOUNCE)
    assert is_suppressed("SOMEONE@example.org")
    assert not is_suppressed("someone.else@example.org")


def test_a_recipient_refused_at_send_time_is_suppressed_as_a_hard_bounce(app, make_user, mailbox):
    for address in ("refused@example.org", "busy@example.org"):
        user = make_user(email=address, confirmed=False)
        with app.test_request_context():
            send_confirmation(user)
    db.session.commit()
    mailbox.refuse.add("refused@example.org")
    mailbox.defer("busy@example.org")

    assert mailbox.messages == []

    assert [(entry.address, entry.reason) for entry in db.session.scalars(select(Suppression))] == [
        ("refused@example.org", SuppressionReason.BOUNCE)
    ]
    assert not is_suppressed("busy@example.org"), "a temporary refusal suppresses nobody"


def test_a_digest_refused_at_rcpt_or_for_the_mailbox_after_data_suppresses_the_address(
    subscriber, make_post, mailbox
):
    make_post("Caseloads at breaking point", published_at=FRIDAY_EVENING)
    for address in ("kept@example.org", "nouser@example.org", "late@example.org"):
        subscriber(address)
    subscriber("spammy@example.org")
    mailbox.refuse.add("nouser@example.org")
    mailbox.refuse_after_data["late@example.org"] = "550 5.1.1 No such mailbox"
    mailbox.refuse_after_data["spammy@example.org"] = "554 5.7.1 Message looks like spam"

    run_digest(clock=at(SATURDAY))

    assert [m["To"] for m in mailbox.messages] == ["kept@example.org"]
    reasons = {entry.address: entry.reason for entry in db.session.scalars(select(Suppression))}
    assert reasons == {
        "nouser@example.org": SuppressionReason.BOUNCE,
        "late@example.org": SuppressionReason.BOUNCE,
    }, "a refusal of what the message says is not the address's fault"
    assert states()["spammy@example.org"] == DeliveryState.FAILED


def test_queued_mail_refused_for_the_mailbox_after_data_suppresses_the_address(
    app, make_user, mailbox
):
    user = make_user(email="late@example.org", confirmed=False)
    mailbox.refuse_after_data["late@example.org"] = "550 5.1.1 No such mailbox"
    with app.test_request_context():
        send_confirmation(user)
    db.session.commit()

    assert mailbox.messages == []
    assert is_suppressed("late@example.org")

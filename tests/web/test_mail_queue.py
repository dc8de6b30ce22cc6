"""A page never talks SMTP: its mail is queued and the background sender sends it, once."""

import asyncio
import threading
import time
from datetime import timedelta

import pytest
from support.accounts import TEST_PASSWORD
from support.comments import comments_of, path_of
from support.mail import link_in
from support.smtp import Mailbox, free_port, start_smtp_server

from blogapp.dates import utcnow
from blogapp.extensions import db
from blogapp.mail.queue import send_queued_mail
from blogapp.mail.transport import deliver_over_smtp
from blogapp.models import DeliveryState, QueuedMail

#: How long the slow server takes to answer each message.
ANSWER_SECONDS = 5


class SlowMailbox(Mailbox):
    """A real SMTP server that takes ANSWER_SECONDS to answer each message."""

    async def handle_DATA(self, server, session, envelope) -> str:
        await asyncio.sleep(ANSWER_SECONDS)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def slow_mail_server(app):
    mailbox = SlowMailbox()
    controller = start_smtp_server(mailbox)
    app.config["MAIL_PORT"] = controller.port
    yield mailbox
    controller.stop()


def queued() -> list[QueuedMail]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(QueuedMail).order_by(QueuedMail.id)))


def timed_post(client, url: str, data: dict, page: str) -> float:
    """Seconds the POST alone takes (the form's CSRF token is fetched first)."""
    token = client.csrf_token(page)
    started = time.perf_counter()
    response = client.post(url, data={**data, "csrf_token": token})
    elapsed = time.perf_counter() - started
    assert response.status_code in (200, 302)
    return elapsed


def test_with_a_mail_server_that_takes_five_seconds_pages_answer_at_once(
    app, client, make_user, make_post, slow_mail_server
):
    post = make_post("Caseloads")
    author = make_user(email="author@example.org", name="Original Author")
    author.notify_replies = True
    db.session.commit()
    author_client = app.test_client()
    author_client.login("author@example.org", TEST_PASSWORD)
    timed_post(author_client, f"/comments/on/{post.id}", {"body": "Thoughts?"}, path_of(post))
    make_user(email="replier@example.org")
    client.login("replier@example.org", TEST_PASSWORD)
    answered = comments_of(post)[0]

    reply_seconds = timed_post(
        client,
        f"/comments/on/{post.id}",
        {"body": "I agree.", "reply_to": answered.id},
        f"/comments/{answered.id}/reply",
    )
    reset_seconds = timed_post(
        app.test_client(), "/auth/reset", {"email": "author@example.org"}, "/auth/reset"
    )

    assert reply_seconds < 1, f"posting a reply took {reply_seconds:.2f} s"
    assert reset_seconds < 1, f"asking for a reset took {reset_seconds:.2f} s"
    assert slow_mail_server.arrived == [], "nothing was sent while the pages answered"
    assert [mail.kind for mail in queued()] == ["comment_reply", "reset_password"]

    report = send_queued_mail()

    assert report.sent == 2
    subjects = [message["Subject"] for message in slow_mail_server.to("author@example.org")]
    assert subjects == [
        "Reader 2 replied to your comment on “Caseloads”",
        "Reset your password for On Probation",
    ]


def test_queued_mail_arrives_with_the_message_id_it_was_given_when_queued(
    client, make_user, mailbox
):
    make_user(email="forgetful@example.org")
    client.submit("/auth/reset", {"email": "forgetful@example.org"})
    (waiting,) = queued()
    assert waiting.state == DeliveryState.PENDING
    assert mailbox.arrived == []

    (message,) = mailbox.to("forgetful@example.org")

    assert message["Message-ID"] == waiting.message_id
    assert link_in(message, "/auth/reset/").startswith("/auth/reset/")
    (sent,) = queued()
    assert sent.state == DeliveryState.SENT
    assert sent.data is None, "a sent message's links are not kept"


class SimulatedCrash(Exception):
    """The sending process dies."""


def test_a_message_interrupted_mid_send_goes_again_once_with_the_same_message_id(
    client, make_user, mailbox
):
    for number in range(3):
        make_user(email=f"reader{number}@example.org")
        client.submit("/auth/reset", {"email": f"reader{number}@example.org"})
    sent = 0

    def dies_after_one(connection, message) -> None:
        nonlocal sent
        if sent == 1:
            raise SimulatedCrash
        deliver_over_smtp(connection, message)
        sent += 1

    with pytest.raises(SimulatedCrash):
        send_queued_mail(deliver=dies_after_one)
    interrupted = [mail for mail in queued() if mail.state == DeliveryState.SENDING]
    assert len(interrupted) == 1, "the message in hand when it died"

    send_queued_mail()

    assert sorted(address for item in mailbox.arrived for address in item.recipients) == [
        "reader0@example.org",
        "reader1@example.org",
        "reader2@example.org",
    ]
    (resent,) = mailbox.to(interrupted[0].recipient)
    assert resent["Message-ID"] == interrupted[0].message_id
    assert {mail.state for mail in queued()} == {DeliveryState.SENT}


def test_a_temporary_refusal_is_retried_after_a_pause(client, make_user, mailbox):
    make_user(email="busy@example.org")
    mailbox.defer("busy@example.org", times=1)
    client.submit("/auth/reset", {"email": "busy@example.org"})
    now = utcnow()

    send_queued_mail(clock=lambda: now)
    (waiting,) = queued()
    assert waiting.state == DeliveryState.PENDING
    assert waiting.last_error.startswith("451")
    assert waiting.next_attempt_at == now + timedelta(minutes=1)

    send_queued_mail(clock=lambda: now + timedelta(seconds=30))
    assert mailbox.arrived == [], "not before the pause is over"

    send_queued_mail(clock=lambda: now + timedelta(minutes=2))
    assert len(mailbox.arrived) == 1
    send_queued_mail(clock=lambda: now + timedelta(minutes=10))
    assert len(mailbox.to("busy@example.org")) == 1


def test_a_mail_server_that_is_down_loses_nothing(app, client, make_user, mailbox):
    make_user(email="patient@example.org")
    client.submit("/auth/reset", {"email": "patient@example.org"})
    real_port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = free_port()  # nobody listens there
    report = send_queued_mail()
    assert "Could not reach the mail server" in report.connection_error
    (waiting,) = queued()
    assert (waiting.state, waiting.attempts) == (DeliveryState.PENDING, 1)

    app.config["MAIL_PORT"] = real_port
    send_queued_mail(clock=lambda: utcnow() + timedelta(minutes=2))
    assert len(mailbox.to("patient@example.org")) == 1


def test_two_senders_at_once_send_each_message_once(client, make_user, mailbox):
    for number in range(12):
        make_user(email=f"reader{number}@example.org")
        client.submit("/auth/reset", {"email": f"reader{number}@example.org"})
    app = client.application

    def sender() -> None:
        with app.app_context():
            send_queued_mail(batch_size=2)

    senders = [threading.Thread(target=sender) for _ in range(2)]
    for thread in senders:
        thread.start()
    for thread in senders:
        thread.join()

    recipients = sorted(address for item in mailbox.arrived for address in item.recipients)
    assert recipients == sorted(f"reader{number}@example.org" for number in range(12))


def test_the_command_sends_what_is_queued(app, client, make_user, mailbox, runner):
    make_user(email="forgetful@example.org")
    client.submit("/auth/reset", {"email": "forgetful@example.org"})

    result = runner.invoke(args=["mail", "send-queued"])

    assert result.exit_code == 0, result.output
    assert "Queued mail: 1 sent." in result.output
    assert len(mailbox.arrived) == 1
    assert runner.invoke(args=["mail", "send-queued"]).output.endswith("nothing was due.\n")

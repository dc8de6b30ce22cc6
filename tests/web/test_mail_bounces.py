"""`flask mail receive`: bounces and complaints, as mail servers write them, suppress the
address they are about; anything else is kept and changes nothing."""

import smtplib
import socket

import pytest
from sqlalchemy import select
from support.reports import READER, arf, dsn
from support.smtp import free_port
from support.webhooks import mail_the_reader

from blogapp.auth.mails import send_confirmation, send_reset_link
from blogapp.extensions import db
from blogapp.mail.listener import start_listener
from blogapp.mail.suppression import is_suppressed
from blogapp.models import ReceivedReport, ReportKind, Suppression, SuppressionReason, User
from blogapp.subscriptions.operations import save_subscription, subscription_of


@pytest.fixture
def envelope(app, make_user, mailbox) -> str:
    """The envelope sender of a real message the blog sent to READER."""
    return mail_the_reader(app, make_user, mailbox)


def receive(app, raw: bytes, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=["mail", "receive", *args], input=raw)
    assert result.exit_code == 0, result.output
    return result.output


def reports() -> list[ReceivedReport]:
    return list(db.session.scalars(select(ReceivedReport).order_by(ReceivedReport.id)))


def suppressions() -> list[tuple[str, SuppressionReason]]:
    return [(entry.address, entry.reason) for entry in db.session.scalars(select(Suppression))]


def test_a_hard_bounce_suppresses_the_reader_and_nothing_more_reaches_them(app, envelope, mailbox):
    raw = dsn(envelope, "failed", "5.1.1")
    output = receive(app, raw)

    (report,) = reports()
    assert (report.kind, report.recipient, report.raw) == (ReportKind.HARD_BOUNCE, READER, raw)
    assert "5.1.1" in report.summary
    assert f"about {READER}" in output
    assert suppressions() == [(READER, SuppressionReason.BOUNCE)]
    assert db.session.scalar(select(Suppression)).report_id == report.id

    with app.test_request_context():
        assert not send_confirmation(db.session.scalar(select(User).where(User.email == READER)))
    db.session.commit()
    assert mailbox.messages == []


def test_a_temporary_failure_is_kept_and_suppresses_nobody(app, envelope):
    receive(app, dsn(envelope, "delayed", "4.2.2"))

    (report,) = reports()
    assert (report.kind, report.recipient) == (ReportKind.SOFT_BOUNCE, READER)
    assert suppressions() == []


def test_the_envelope_recipient_given_by_the_mail_server_is_enough(app, envelope):
    raw = dsn("bounces@blog.example", "failed", "5.1.1")
    receive(app, raw, "--envelope-recipient", envelope)

    assert suppressions() == [(READER, SuppressionReason.BOUNCE)]


def test_a_complaint_suppresses_the_reader_at_once(app, envelope):
    receive(app, arf(envelope))

    (report,) = reports()
    assert (report.kind, report.recipient) == (ReportKind.COMPLAINT, READER)
    assert suppressions() == [(READER, SuppressionReason.COMPLAINT)]


def test_a_complaint_stops_the_digest_and_nothing_the_reader_asks_for(app, envelope, mailbox):
    user = db.session.scalar(select(User).where(User.email == READER))
    user.email_confirmed_at = user.created_at
    db.session.commit()
    save_subscription(user, True, True)

    receive(app, arf(envelope))

    db.session.expire_all()
    assert not subscription_of(user).active
    assert is_suppressed(READER, "digest")
    with app.test_request_context():
        assert send_reset_link(user)
    db.session.commit()
    assert [m["To"] for m in mailbox.messages] == [READER]


def test_a_report_that_is_not_a_complaint_changes_nothing(app, envelope):
    receive(app, arf(envelope, feedback_type="not-spam"))

    assert [report.kind for report in reports()] == [ReportKind.UNRECOGNISED]
    assert suppressions() == []


def test_a_bounce_to_a_forged_or_plain_address_suppresses_nobody(app, envelope):
    forged = envelope.replace("=example.org", "=example.net")
    for to in (forged, "bounces@blog.example", "reader@example.org"):
        receive(app, dsn(to, "failed", "5.1.1"))

    assert [(report.kind, report.recipient) for report in reports()] == [
        (ReportKind.HARD_BOUNCE, None)
    ] * 3
    assert suppressions() == []
    assert not is_suppressed("reader@example.net")


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\xff\xfe\x00 not mail at all",
        b"From: someone@example.org\r\nSubject: Out of office\r\n\r\nI am away until Monday.\r\n",
        b"Content-Type: multipart/report; report-type=delivery-status; boundary=x\r\n\r\n--x",
    ],
)
def test_anything_unrecognised_is_kept_and_changes_nothing(app, envelope, raw):
    receive(app, raw, "--envelope-recipient", envelope)

    (report,) = reports()
    assert (report.kind, report.raw) == (ReportKind.UNRECOGNISED, raw)
    assert suppressions() == []


@pytest.fixture
def lmtp(app):
    """``flask mail listen``'s server, on a free port."""
    listener = start_listener(app, "127.0.0.1", free_port())
    yield listener.port
    listener.stop()


def test_a_bounce_delivered_by_lmtp_suppresses_the_reader_as_the_pipe_does(app, envelope, lmtp):
    with smtplib.LMTP("127.0.0.1", lmtp) as client:
        refused = client.sendmail("", [envelope], dsn(envelope, "failed", "5.1.1"))

    assert refused == {}
    (report,) = reports()
    assert (report.kind, report.recipient) == (ReportKind.HARD_BOUNCE, READER)
    assert suppressions() == [(READER, SuppressionReason.BOUNCE)]


def lmtp_dialogue(port: int, recipients: list[str], message: bytes) -> list[str]:
    """Deliver one message to several recipients and read LMTP's one answer per recipient
    (smtplib's LMTP client reads only the first)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        replies = connection.makefile("rb")
        lines = [b"LHLO test.example", b"MAIL FROM:<>"]
        lines += [f"RCPT TO:<{recipient}>".encode() for recipient in recipients]
        connection.sendall(b"\r\n".join([*lines, b"DATA"]) + b"\r\n")
        for _ in range(len(lines) + 2):  # the greeting, each command, DATA
            while replies.readline()[3:4] == b"-":
                pass
        connection.sendall(message + b"\r\n.\r\n")
        answers = [replies.readline().decode().strip() for _ in recipients]
        connection.sendall(b"QUIT\r\n")
    return answers


def test_lmtp_answers_and_keeps_a_message_once_for_each_recipient_and_junk_changes_nothing(
    app, envelope, lmtp
):
    junk = b"From: someone@example.org\r\nSubject: hello\r\n\r\nHi."

    answers = lmtp_dialogue(lmtp, [envelope, "bounces@blog.example"], junk)

    assert [answer[:3] for answer in answers] == ["250", "250"]
    assert [(report.kind, report.recipient) for report in reports()] == [
        (ReportKind.UNRECOGNISED, READER),
        (ReportKind.UNRECOGNISED, None),
    ]
    assert suppressions() == []

"""Webhook calls as the mail providers make them, and a reader who was sent a message."""

import hashlib
import hmac
import json
import secrets
import time

from sqlalchemy import select

from blogapp.auth.mails import send_confirmation
from blogapp.extensions import db
from blogapp.models import ReceivedReport, Suppression, SuppressionReason

from .reports import READER

MAILGUN_KEY = "key-mailgun-webhook-signing-key"
POSTMARK_SECRET = "postmark-webhook-secret-1234"


def mail_the_reader(app, make_user, mailbox) -> str:
    """Send READER a real message; the envelope sender it went with."""
    app.config["BOUNCE_ADDRESS"] = "bounces@blog.example"
    user = make_user(email=READER, confirmed=False)
    with app.test_request_context():
        send_confirmation(user)
    db.session.commit()
    (received,) = mailbox.received
    mailbox.clear()
    return received.sender


def mailgun_call(
    event: dict, key: str = MAILGUN_KEY, timestamp: int | None = None, token: str | None = None
) -> bytes:
    """A Mailgun webhook body, signed with ``key`` as Mailgun signs it."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    token = token or secrets.token_hex(25)
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256)
    block = {"timestamp": str(timestamp), "token": token, "signature": signature.hexdigest()}
    return json.dumps({"signature": block, "event-data": event}).encode()


def mailgun_failure(envelope: str, severity: str = "permanent") -> dict:
    code = 550 if severity == "permanent" else 452
    return {
        "event": "failed",
        "severity": severity,
        "recipient": READER,
        "id": secrets.token_hex(8),
        "timestamp": time.time(),
        "reason": "bounce" if severity == "permanent" else "generic",
        "envelope": {"sender": envelope, "targets": READER, "transport": "smtp"},
        "delivery-status": {"code": code, "message": "No such user", "attempt-no": 1},
        "message": {"headers": {"to": READER, "message-id": "1@blog.test"}},
    }


def postmark_bounce(kind: str = "HardBounce", record: str = "Bounce") -> bytes:
    return json.dumps(
        {
            "RecordType": record,
            "ID": secrets.randbelow(10**12),
            "Type": kind,
            "TypeCode": 1,
            "Name": kind,
            "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
            "Description": "The server was unable to deliver your message.",
            "Details": "smtp;550 5.1.1 The email account does not exist.",
            "Email": READER,
            "From": "noreply@blog.test",
            "BouncedAt": "2026-12-07T04:33:54.9070259Z",
            "Inactive": True,
            "MessageStream": "outbound",
        }
    ).encode()


def reports() -> list[ReceivedReport]:
    db.session.expire_all()
    return list(db.session.scalars(select(ReceivedReport).order_by(ReceivedReport.id)))


def suppressions() -> list[tuple[str, SuppressionReason]]:
    return [(entry.address, entry.reason) for entry in db.session.scalars(select(Suppression))]

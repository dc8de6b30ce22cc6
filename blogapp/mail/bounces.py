"""What comes back to the bounce address: delivery reports (RFC 3464, and what
flufl.bounce's detectors recognise) and complaints (ARF feedback reports, RFC 5965).

Every message is kept raw. Whom it is about comes only from our own signed envelope
sender (see ``verp``), never from what the report claims, so a forged report cannot
suppress anyone. What a report leads to is ``intake``'s business, the same for every
way reports arrive.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from email import message_from_bytes
from email.message import Message

from flufl.bounce import all_failures

from ..models import ReceivedReport, ReportKind
from .intake import Event, keep_report
from .verp import BounceTarget, read_envelope_sender

log = logging.getLogger(__name__)

#: The most of a report that is read and kept; bounces quote the message they return.
MAX_REPORT_BYTES = 2 * 1024 * 1024
#: ARF feedback types that mean "this is spam" (RFC 5965); ``virus``, ``not-spam``… do not.
COMPLAINT_TYPES = {"abuse", "fraud", "other"}
#: Where the address a report was delivered to may be written, most trustworthy first.
DELIVERY_HEADERS = ("Delivered-To", "X-Original-To", "Envelope-To", "To")


@dataclass(frozen=True)
class Reading:
    """What a report says, before we know whom it is about."""

    kind: ReportKind
    summary: str


def feedback_reports(message: Message) -> list[Message]:
    """The header blocks of the message's message/feedback-report parts."""
    blocks = []
    for part in message.walk():
        if part.get_content_type() != "message/feedback-report":
            continue
        payload = part.get_payload()
        if isinstance(payload, list):
            blocks.extend(payload)
        elif isinstance(payload, str | bytes):
            text = payload if isinstance(payload, str) else payload.decode("ascii", "replace")
            blocks.append(message_from_bytes(text.strip().encode("utf-8", "replace")))
    return blocks


def status_codes(message: Message) -> list[str]:
    """The RFC 3464 Status codes of the message's delivery-status blocks."""
    codes = []
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        payload = part.get_payload()
        for block in payload if isinstance(payload, list) else []:
            if block.get("Status"):
                codes.append(str(block["Status"]).split()[0])
    return codes


def read_report(message: Message) -> Reading:
    """Whether ``message`` is a complaint, a hard or soft bounce, or none of these."""
    for block in feedback_reports(message):
        feedback_type = str(block.get("Feedback-Type", "")).strip().lower()
        if feedback_type in COMPLAINT_TYPES:
            return Reading(ReportKind.COMPLAINT, f"feedback report: {feedback_type}")
    temporary, permanent = all_failures(message)
    codes = ", ".join(status_codes(message)) or "no status code"
    if permanent:
        return Reading(ReportKind.HARD_BOUNCE, f"permanent failure ({codes})")
    if temporary:
        return Reading(ReportKind.SOFT_BOUNCE, f"temporary failure ({codes})")
    return Reading(ReportKind.UNRECOGNISED, "not a delivery report or complaint")


def addresses_named(message: Message, envelope_recipient: str | None) -> Iterable[str]:
    """Where the report may have been delivered to, and what it says the original was
    sent from (a complaint quotes the original message and its envelope sender)."""
    if envelope_recipient:
        yield envelope_recipient
    for header in DELIVERY_HEADERS:
        yield from (str(value) for value in message.get_all(header, []))
    for block in feedback_reports(message):
        yield from (str(value) for value in block.get_all("Original-Mail-From", []))
    for part in message.walk():
        if part.get_content_type() in ("message/rfc822", "text/rfc822-headers"):
            yield from returned_paths(part)


def returned_paths(part: Message) -> list[str]:
    """The Return-Path of a quoted original message."""
    payload = part.get_payload()
    if isinstance(payload, list):
        return [str(value) for inner in payload for value in inner.get_all("Return-Path", [])]
    text = payload if isinstance(payload, str) else ""
    quoted = message_from_bytes(text.encode("utf-8", "replace"))
    return [str(value) for value in quoted.get_all("Return-Path", [])]


def target_of(message: Message, envelope_recipient: str | None) -> BounceTarget | None:
    """Whom the report is about: the first of our signed envelope senders it names."""
    for address in addresses_named(message, envelope_recipient):
        target = read_envelope_sender(address)
        if target is not None:
            return target
    return None


def understand(raw: bytes, envelope_recipient: str | None) -> Event:
    """What the report says and whom it is about; unrecognised if it cannot be read."""
    try:
        message = message_from_bytes(raw)
        target = target_of(message, envelope_recipient)
        reading = read_report(message)
    except Exception as error:
        log.warning("Could not read a returned message: %r", error)
        return Event(ReportKind.UNRECOGNISED, f"unreadable: {type(error).__name__}")
    if target is None:
        return Event(reading.kind, reading.summary)
    return Event(reading.kind, reading.summary, target.recipient, target.kind)


def receive_report(raw: bytes, envelope_recipient: str | None = None) -> ReceivedReport:
    """Keep a returned message and act on it (see ``intake``; committed)."""
    raw = raw[:MAX_REPORT_BYTES]
    return keep_report(raw, understand(raw, envelope_recipient))

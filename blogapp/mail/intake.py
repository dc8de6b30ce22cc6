"""What the blog does with a report about a message it sent, however it came back (the
bounce address by pipe or LMTP, or a provider's signed webhook).

Every report is kept with its raw bytes. One about a known recipient marks the message it
is about as bounced, and then: a hard bounce suppresses the address for all mail; a
complaint stops the reader's digest and suppresses the address for digests only; soft
bounces suppress it only once BOUNCE_SOFT_LIMIT of them in a row, with no message getting
through in between, span BOUNCE_SOFT_DAYS. Anything unrecognised changes nothing.
"""

import hashlib
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..dates import utcnow
from ..extensions import db
from ..models import (
    DeliveryState,
    DigestDelivery,
    QueuedMail,
    ReceivedReport,
    ReportKind,
    SuppressionLift,
    SuppressionReason,
    User,
)
from ..subscriptions.operations import stop_subscription_after_complaint
from .suppression import DIGEST_KINDS, normalised, suppress

BOUNCES = (ReportKind.HARD_BOUNCE, ReportKind.SOFT_BOUNCE)
#: RFC 5321's longest forward path; anything longer is no address we sent to.
MAX_ADDRESS_LENGTH = 254
#: What ``mail_reports.event_id`` holds.
MAX_EVENT_ID = 255
#: A message that reached the server and, as far as anyone has said, the reader.
DELIVERED_STATES = (DeliveryState.SENT, DeliveryState.BOUNCED)


@dataclass(frozen=True)
class Event:
    """What a report says, and about whom (None when it names nobody we can trust)."""

    kind: ReportKind
    summary: str
    recipient: str | None = None
    #: ``digest`` or a queued message's template, when the report says.
    mail_kind: str | None = None
    #: The provider's id of the event, so that a replay is kept once.
    event_id: str | None = None


def keep_report(raw: bytes, event: Event) -> ReceivedReport:
    """Keep a report and act on it (committed). A replayed event changes nothing and
    gives back the report first kept for it."""
    event = fitted(event)
    if event.event_id is not None:
        kept = report_for_event(event.event_id)
        if kept is not None:
            return kept
    report = ReceivedReport(
        raw=raw,
        kind=event.kind,
        recipient=plausible_address(event.recipient),
        summary=event.summary,
        mail_kind=event.mail_kind,
        event_id=event.event_id,
        received_at=utcnow(),
    )
    db.session.add(report)
    if report.recipient is not None:
        act_on(report)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        kept = report_for_event(event.event_id) if event.event_id else None
        if kept is None:
            raise
        return kept
    return report


def fitted(event: Event) -> Event:
    """``event`` with what a provider sent cut to what the columns hold (a long event id
    is replaced by its digest, so it still names one event)."""
    event_id = event.event_id
    if event_id is not None and len(event_id) > MAX_EVENT_ID:
        event_id = "sha256:" + hashlib.sha256(event_id.encode()).hexdigest()
    mail_kind = event.mail_kind if event.mail_kind and len(event.mail_kind) <= 40 else None
    return replace(event, event_id=event_id, mail_kind=mail_kind)


def plausible_address(address: str | None) -> str | None:
    """``address`` normalised, or None when it cannot be one (a provider's odd field)."""
    if address is None:
        return None
    address = normalised(address)
    local, at, domain = address.rpartition("@")
    fits = at and local and "." in domain and len(address) <= MAX_ADDRESS_LENGTH
    return address if fits and not any(char.isspace() for char in address) else None


def report_for_event(event_id: str) -> ReceivedReport | None:
    return db.session.scalar(select(ReceivedReport).where(ReceivedReport.event_id == event_id))


def act_on(report: ReceivedReport) -> None:
    """Mark the message bounced and suppress as the report's kind says (flushed)."""
    address = report.recipient
    if report.kind in BOUNCES:
        mark_bounced(address, report.mail_kind)
    if report.kind == ReportKind.HARD_BOUNCE:
        suppress(address, SuppressionReason.BOUNCE, report)
    elif report.kind == ReportKind.COMPLAINT:
        suppress(address, SuppressionReason.COMPLAINT, report)
        for user in db.session.scalars(select(User).where(User.email == address)):
            stop_subscription_after_complaint(user)
    elif report.kind == ReportKind.SOFT_BOUNCE:
        db.session.flush()
        if soft_limit_reached(address):
            suppress(address, SuppressionReason.SOFT_BOUNCES, report)


def latest_digest(address: str) -> DigestDelivery | None:
    return db.session.scalar(
        select(DigestDelivery)
        .join(User, User.id == DigestDelivery.user_id)
        .where(User.email == address, DigestDelivery.state.in_(DELIVERED_STATES))
        .order_by(DigestDelivery.sent_at.desc(), DigestDelivery.id.desc())
        .limit(1)
    )


def latest_queued(address: str, mail_kind: str | None) -> QueuedMail | None:
    query = select(QueuedMail).where(
        QueuedMail.recipient == address, QueuedMail.state.in_(DELIVERED_STATES)
    )
    if mail_kind is not None:
        query = query.where(QueuedMail.kind == mail_kind)
    return db.session.scalar(
        query.order_by(QueuedMail.sent_at.desc(), QueuedMail.id.desc()).limit(1)
    )


def mark_bounced(address: str, mail_kind: str | None) -> None:
    """Mark the latest message of ``mail_kind`` (any, when unknown) sent to ``address`` as
    bounced: a report names the recipient and the kind, not the message."""
    candidates = []
    if mail_kind is None or mail_kind in DIGEST_KINDS:
        candidates.append(latest_digest(address))
    if mail_kind not in DIGEST_KINDS:
        candidates.append(latest_queued(address, mail_kind))
    sent = [message for message in candidates if message is not None and message.sent_at]
    if sent:
        max(sent, key=lambda message: message.sent_at).state = DeliveryState.BOUNCED


def delivered_times(address: str, since: datetime) -> list[datetime]:
    """When messages to ``address`` sent after ``since`` went without bouncing."""
    digests = (
        select(DigestDelivery.sent_at)
        .join(User, User.id == DigestDelivery.user_id)
        .where(
            User.email == address,
            DigestDelivery.state == DeliveryState.SENT,
            DigestDelivery.sent_at > since,
        )
    )
    queued = select(QueuedMail.sent_at).where(
        QueuedMail.recipient == address,
        QueuedMail.state == DeliveryState.SENT,
        QueuedMail.sent_at > since,
    )
    return [*db.session.scalars(digests), *db.session.scalars(queued)]


def last_lifted(address: str) -> datetime:
    """When a suppression of ``address`` was last lifted (earlier reports no longer count)."""
    lifted = db.session.scalar(
        select(SuppressionLift.lifted_at)
        .where(SuppressionLift.address == address)
        .order_by(SuppressionLift.lifted_at.desc())
        .limit(1)
    )
    return lifted or datetime.min.replace(tzinfo=utcnow().tzinfo)


def soft_bounces_in_a_row(address: str) -> list[datetime]:
    """When the latest soft bounces of ``address`` arrived, newest first, back to the
    last message that got through (or the last lift)."""
    since = last_lifted(address)
    arrivals = db.session.scalars(
        select(ReceivedReport.received_at)
        .where(
            ReceivedReport.recipient == address,
            ReceivedReport.kind == ReportKind.SOFT_BOUNCE,
            ReceivedReport.received_at > since,
        )
        .order_by(ReceivedReport.received_at.desc(), ReceivedReport.id.desc())
    ).all()
    delivered = delivered_times(address, since)
    in_a_row = arrivals[:1]
    for earlier in arrivals[1:]:
        if any(earlier < sent < in_a_row[-1] for sent in delivered):
            break
        in_a_row.append(earlier)
    return in_a_row


def soft_limit_reached(address: str) -> bool:
    """Whether ``address`` has had BOUNCE_SOFT_LIMIT soft bounces in a row, over at least
    BOUNCE_SOFT_DAYS: a full mailbox for a day is no reason to stop, one for weeks is."""
    config = current_app.config
    in_a_row = soft_bounces_in_a_row(address)
    if len(in_a_row) < config["BOUNCE_SOFT_LIMIT"]:
        return False
    return in_a_row[0] - in_a_row[-1] >= timedelta(days=config["BOUNCE_SOFT_DAYS"])

"""The mail queue (every message a page causes, written before anything is sent), the
addresses mail is no longer sent to, and the reports that came back."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..dates import utcnow
from ..extensions import db
from .digests import DeliveryState
from .types import UTCDateTime, text_enum


class QueuedMail(db.Model):
    """One message, composed when it was asked for and sent by the background sender.

    The bytes (Message-ID included) are fixed when it is queued, so every attempt sends
    the same message; they are dropped once it is sent or has failed for good, and the
    row stays a while longer (MAIL_PER_ADDRESS_PER_DAY counts the last 24 hours).
    """

    __tablename__ = "mail_queue"
    __table_args__ = (
        Index("ix_mail_queue_state_next_attempt", "state", "next_attempt_at"),
        Index("ix_mail_queue_recipient_queued", "recipient", "queued_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: What the message is (its template's name: ``reset_password``, ``comment_reply``…).
    kind: Mapped[str] = mapped_column(String(40))
    recipient: Mapped[str] = mapped_column(String(320))
    envelope_from: Mapped[str] = mapped_column(String(320))
    message_id: Mapped[str] = mapped_column(String(255))
    data: Mapped[bytes | None] = mapped_column(LargeBinary)
    state: Mapped[DeliveryState] = mapped_column(
        text_enum(DeliveryState), default=DeliveryState.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Not before this time (a temporary SMTP error backs off); None means now.
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The sender holding this message, and until when its claim lasts.
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<QueuedMail {self.id} {self.kind} to {self.recipient} {self.state}>"


class SuppressionReason(enum.StrEnum):
    #: The address bounced for good (a 5.x.x report, or refused at send time).
    BOUNCE = "bounce"
    #: The reader marked a message as spam (an ARF feedback report).
    COMPLAINT = "complaint"
    #: An editor suppressed it.
    MANUAL = "manual"
    #: Mail to the address kept failing for a while (BOUNCE_SOFT_LIMIT temporary failures).
    SOFT_BOUNCES = "soft_bounces"


#: Reasons that stop only the digest: a complaint means "not this list", not "not me",
#: so the mail a reader asks for (a password reset) still reaches them.
DIGEST_ONLY_REASONS = frozenset({SuppressionReason.COMPLAINT})
#: Reasons a reader may lift by confirming the address again (an editor's stop is the
#: editor's to lift).
LIFTABLE_REASONS = frozenset(
    {SuppressionReason.BOUNCE, SuppressionReason.COMPLAINT, SuppressionReason.SOFT_BOUNCES}
)


class ReportKind(enum.StrEnum):
    HARD_BOUNCE = "hard_bounce"
    SOFT_BOUNCE = "soft_bounce"
    COMPLAINT = "complaint"
    #: Nothing the blog could read in it: kept for an editor, changes nothing.
    UNRECOGNISED = "unrecognised"


class ReceivedReport(db.Model):
    """A message that came back to the bounce address, kept raw whatever it says."""

    __tablename__ = "mail_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    kind: Mapped[ReportKind] = mapped_column(text_enum(ReportKind))
    #: Whom it was about, as the envelope sender of what we sent names them (None: unknown).
    recipient: Mapped[str | None] = mapped_column(String(320))
    #: What was found in it, in a few words (status codes, feedback type…).
    summary: Mapped[str | None] = mapped_column(Text)
    #: A provider's own name for the event (``mailgun:<token>``…), so a replay is kept once.
    event_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    #: What kind of message it was about (``digest``, a template name), when known.
    mail_kind: Mapped[str | None] = mapped_column(String(40))


class Suppression(db.Model):
    """An address the blog sends nothing to, and why."""

    __tablename__ = "mail_suppressions"

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(320), unique=True)
    reason: Mapped[SuppressionReason] = mapped_column(text_enum(SuppressionReason))
    suppressed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The report that caused it (None when an editor or a refusal at send time did).
    report_id: Mapped[int | None] = mapped_column(ForeignKey("mail_reports.id"))
    report: Mapped[ReceivedReport | None] = relationship()

    def __repr__(self) -> str:
        return f"<Suppression {self.address} {self.reason}>"


class SuppressionLift(db.Model):
    """A suppression a reader ended by confirming their address again: who, what and when."""

    __tablename__ = "mail_suppression_lifts"

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(320), index=True)
    reason: Mapped[SuppressionReason] = mapped_column(text_enum(SuppressionReason))
    suppressed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    lifted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

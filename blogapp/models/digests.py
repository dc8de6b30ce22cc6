"""The record of every daily digest run and message."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..dates import utcnow
from ..extensions import db
from .types import UTCDateTime, text_enum
from .users import User


class DigestRun(db.Model):
    """One day's digest: the window of new content [start, end) it covers.

    The unique window end (and start) decides which process creates a run when several
    start the same one; the deliveries say what was sent.
    """

    __tablename__ = "digest_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime, unique=True)
    window_end: Mapped[datetime] = mapped_column(UTCDateTime, unique=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    post_count: Mapped[int] = mapped_column(default=0)
    bulletin_count: Mapped[int] = mapped_column(default=0)
    subscriber_count: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<DigestRun {self.id} ending {self.window_end:%Y-%m-%d %H:%M}>"


class DeliveryState(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    #: Nothing new matched the subscriber's choice: no message.
    SKIPPED_EMPTY = "skipped_empty"
    #: The subscriber stopped the digest (or lost the right to it) before it went.
    CANCELLED = "cancelled"
    #: The address is suppressed (it bounced, complained or an editor stopped it): not sent.
    SUPPRESSED = "suppressed"
    #: Sent, and a bounce report about it came back afterwards.
    BOUNCED = "bounced"
    #: Still waiting to retry when the reader's next edition was made, which carries what it
    #: held instead (one email, and nothing lost if the retries would have failed for good).
    SUPERSEDED = "superseded"


UNFINISHED_STATES = (DeliveryState.PENDING, DeliveryState.SENDING)
#: A delivery in these states did not carry what it holds: the reader's next mail carries it.
NOT_COVERING = (
    DeliveryState.FAILED,
    DeliveryState.CANCELLED,
    DeliveryState.SUPPRESSED,
    DeliveryState.SUPERSEDED,
)


class DigestDelivery(db.Model):
    """One subscriber's message of a run, written before anything is sent."""

    __tablename__ = "digest_deliveries"
    __table_args__ = (
        UniqueConstraint("run_id", "user_id", name="uq_digest_deliveries_run_user"),
        Index("ix_digest_deliveries_run_state", "run_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("digest_runs.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: Chosen before the first attempt and re-used by every re-send of the message.
    message_id: Mapped[str | None] = mapped_column(String(255))
    state: Mapped[DeliveryState] = mapped_column(
        text_enum(DeliveryState), default=DeliveryState.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Not before this time (a temporary SMTP error backs off); None means now.
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The sender process holding this delivery, and until when its claim lasts.
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

    run: Mapped[DigestRun] = relationship()
    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<DigestDelivery {self.id} run {self.run_id} user {self.user_id} {self.state}>"


class DigestStream(enum.StrEnum):
    """What an edition can hold, each with the reader's own rhythm and window."""

    POSTS = "posts"
    BULLETINS = "bulletins"
    #: Replies to the reader's comments and new comments in threads they follow.
    CONVERSATION = "conversation"


class DigestDeliveryWindow(db.Model):
    """The window [start, end) one stream of one delivery covers, fixed when the run is made.

    A retry sends what these say, and a reader's next window of a stream starts where
    their last covering one ended (see ``blogapp.digest.streams``).
    """

    __tablename__ = "digest_delivery_windows"
    __table_args__ = (
        Index("ix_digest_delivery_windows_reader", "user_id", "stream", "window_end"),
    )

    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("digest_deliveries.id", ondelete="CASCADE"), primary_key=True
    )
    stream: Mapped[DigestStream] = mapped_column(text_enum(DigestStream), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    window_start: Mapped[datetime] = mapped_column(UTCDateTime)
    window_end: Mapped[datetime] = mapped_column(UTCDateTime)

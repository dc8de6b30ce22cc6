"""A sender's record of one run: which deliveries it holds, and where each one stands.

Claims are taken in batches (on PostgreSQL with ``FOR UPDATE SKIP LOCKED``, so several
senders share a run without waiting on each other) and last DIGEST_CLAIM_SECONDS unless
renewed. Everything here works on the sender's own connection and leaves committing to
the sender, which decides what has to be durable before the next SMTP step.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Connection, Row, bindparam, or_, select, update

from ..mail.sender import chunks, postpone_rows
from ..models import (
    UNFINISHED_STATES,
    DeliveryState,
    DigestDelivery,
    DigestStream,
    Subscription,
    User,
)
from ..subscriptions.receiving import Mailing, may_receive_sql
from .build import Recipient
from .conversation import Conversation, Shown, recorded_conversations
from .streams import Windows, has_conversation, recut, rewrite_windows, windows_of

#: What the builder needs to know about a subscriber, read along with the claim.
SUBSCRIBER_COLUMNS = (
    User.id.label("user_id"),
    User.email,
    may_receive_sql(Mailing.DIGEST).label("may_receive"),
    Subscription.posts_rhythm,
    Subscription.bulletins_rhythm,
)

DELIVERIES = DigestDelivery.__table__
#: Before an attempt, and only while this sender still holds the delivery.
START_SENDING = (
    DELIVERIES.update()
    .where(
        DELIVERIES.c.id == bindparam("delivery_id"),
        DELIVERIES.c.claimed_by == bindparam("worker"),
        # Not IN (…): a list parameter is expanded again on every execution.
        or_(*(DELIVERIES.c.state == state for state in UNFINISHED_STATES)),
    )
    .values(state=DeliveryState.SENDING, attempts=bindparam("attempts"))
)
#: After an attempt: where the delivery stands, and the claim handed back.
RECORD_OUTCOME = (
    DELIVERIES.update()
    .where(DELIVERIES.c.id == bindparam("delivery_id"))
    .values(
        state=bindparam("outcome"),
        sent_at=bindparam("when_sent"),
        last_error=bindparam("error"),
        next_attempt_at=bindparam("retry_at"),
        claimed_by=None,
        claimed_until=None,
    )
)


@dataclass(frozen=True)
class Claimed:
    """A delivery this sender holds, with the subscriber as they are now (None: no longer),
    and the stream windows and conversation recorded for it when the run was made."""

    delivery_id: int
    message_id: str
    attempts: int
    recipient: Recipient | None
    windows: Windows = ()
    conversation: Conversation = ()


def recipient_now(row: Row) -> Recipient | None:
    """The subscriber as they stand now: None if they stopped or may no longer receive it."""
    if not row.may_receive:
        return None
    return Recipient(row.user_id, row.email)


@dataclass
class Ledger:
    connection: Connection
    run_id: int
    worker: str
    claim_seconds: int
    clock: Callable[[], datetime]
    run_start: datetime
    run_end: datetime
    claims_renewed_at: datetime | None = None
    #: The conversation comments this sender has shown so far, kept for its next batches.
    shown: Shown = field(default_factory=Shown)

    def due(self, now: datetime) -> tuple[ColumnElement[bool], ...]:
        """Unfinished deliveries of this run whose time has come."""
        return (
            DigestDelivery.run_id == self.run_id,
            DigestDelivery.state.in_(UNFINISHED_STATES),
            or_(DigestDelivery.next_attempt_at.is_(None), DigestDelivery.next_attempt_at <= now),
        )

    def unclaimed(self, now: datetime) -> ColumnElement[bool]:
        return or_(DigestDelivery.claimed_until.is_(None), DigestDelivery.claimed_until < now)

    def mine(self) -> tuple[ColumnElement[bool], ...]:
        return DigestDelivery.run_id == self.run_id, DigestDelivery.claimed_by == self.worker

    def claim(self, limit: int) -> list[Claimed]:
        """Take up to ``limit`` due deliveries no live sender holds (committed)."""
        now = self.clock()
        rows = self.connection.execute(
            select(
                DigestDelivery.id,
                DigestDelivery.message_id,
                DigestDelivery.attempts,
                DigestDelivery.state,
                *SUBSCRIBER_COLUMNS,
            )
            .join(User, User.id == DigestDelivery.user_id)
            .outerjoin(Subscription, Subscription.user_id == DigestDelivery.user_id)
            .where(*self.due(now), self.unclaimed(now))
            .order_by(DigestDelivery.id)
            .limit(limit)
            .with_for_update(skip_locked=True, of=DigestDelivery)
        ).all()
        recorded = windows_of([row.id for row in rows], self.connection)
        conversations = self.conversations(recorded)
        claimed = [
            Claimed(
                row.id,
                row.message_id,
                row.attempts,
                recipient_now(row),
                self.windows_now(row, recorded),
                conversations.get(row.id, ()),
            )
            for row in rows
        ]
        until = now + timedelta(seconds=self.claim_seconds)
        for chunk in chunks([item.delivery_id for item in claimed]):
            self.connection.execute(
                update(DigestDelivery)
                .where(DigestDelivery.id.in_(chunk))
                .values(claimed_by=self.worker, claimed_until=until)
            )
        self.connection.commit()
        self.claims_renewed_at = now
        return claimed

    def conversations(self, recorded: dict[int, Windows]) -> dict[int, Conversation]:
        """The conversation recorded for each delivery with a conversation window."""
        with_conversation = [
            delivery_id for delivery_id, windows in recorded.items() if has_conversation(windows)
        ]
        if not with_conversation:
            return {}
        return recorded_conversations(with_conversation, self.connection, self.shown)

    def windows_now(self, row: Row, recorded: dict[int, Windows]) -> Windows:
        """The recorded windows; those of a delivery not yet attempted follow the reader's
        choice of posts and bulletins as it is now (rewritten in the claim's transaction).
        The conversation stays as recorded: its comments are recorded as this delivery's."""
        windows = recorded.get(row.id, ())
        if row.state != DeliveryState.PENDING or not row.may_receive:
            return windows
        rhythms = {
            DigestStream.POSTS: row.posts_rhythm,
            DigestStream.BULLETINS: row.bulletins_rhythm,
        }
        now = recut(windows, rhythms, self.run_start, self.run_end)
        rewrite_windows(self.connection, row.id, row.user_id, windows, now)
        return now

    def renew_claims_if_old(self) -> None:
        """Keep this sender's claims alive while a slow batch goes out (committed)."""
        now = self.clock()
        renew_after = timedelta(seconds=self.claim_seconds / 3)
        if self.claims_renewed_at is not None and now - self.claims_renewed_at < renew_after:
            return
        self.connection.execute(
            update(DigestDelivery)
            .where(*self.mine())
            .values(claimed_until=now + timedelta(seconds=self.claim_seconds))
        )
        self.connection.commit()
        self.claims_renewed_at = now

    def release_claims(self) -> None:
        """Hand back whatever this sender still holds (committed), whatever went before."""
        self.connection.rollback()
        self.connection.execute(
            update(DigestDelivery).where(*self.mine()).values(claimed_by=None, claimed_until=None)
        )
        self.connection.commit()

    def start_sending(self, item: Claimed) -> bool:
        """Record the attempt before it is made; False if the claim was lost meanwhile."""
        result = self.connection.execute(
            START_SENDING,
            {"delivery_id": item.delivery_id, "worker": self.worker, "attempts": item.attempts + 1},
        )
        return result.rowcount == 1

    def record(
        self,
        delivery_id: int,
        state: DeliveryState,
        error: str | None = None,
        retry_at: datetime | None = None,
    ) -> None:
        """Where a delivery stands after an attempt; hands back its claim."""
        self.connection.execute(
            RECORD_OUTCOME,
            {
                "delivery_id": delivery_id,
                "outcome": state,
                "when_sent": self.clock() if state == DeliveryState.SENT else None,
                "error": error,
                "retry_at": retry_at,
            },
        )

    def commit(self) -> None:
        self.connection.commit()

    def postpone_due(
        self, error: str, retry_at: Callable[[int], datetime | None]
    ) -> tuple[int, int]:
        """Count an attempt against every due delivery no other live sender holds.

        Each waits until ``retry_at(attempts)``, or fails when that is None. Committed;
        returns how many will be retried and how many failed.
        """
        now = self.clock()
        rows = self.connection.execute(
            select(DigestDelivery.id, DigestDelivery.attempts)
            .where(
                *self.due(now), or_(self.unclaimed(now), DigestDelivery.claimed_by == self.worker)
            )
            .with_for_update(skip_locked=True)
        ).all()
        return postpone_rows(self.connection, DigestDelivery, rows, error, retry_at)

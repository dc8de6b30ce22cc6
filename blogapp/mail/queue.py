"""The mail queue: a page writes its message here, in its own transaction; the background
sender sends it ("select what is due, send, mark sent, commit"), so a request never
talks SMTP and a slow or dead mail server never holds a page.

The queue is a ledger for ``sender.Sender``: messages are claimed in batches (on
PostgreSQL with ``FOR UPDATE SKIP LOCKED``; a claim only takes rows no live sender holds,
so senders on SQLite cannot take the same row either), each is marked ``sending`` before
it goes, and retried with back-off after a temporary failure. The bytes, Message-ID
included, were fixed when the message was queued, so a re-send is the same message.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from operator import attrgetter

from flask import current_app
from sqlalchemy import ColumnElement, Connection, delete, or_, select, update

from .. import changes
from ..dates import utcnow
from ..extensions import db
from ..models import UNFINISHED_STATES, DeliveryState, QueuedMail
from .sender import PassReport, Sender, SendOptions, new_worker_id, postpone_rows
from .transport import OutgoingMessage

changes.declare_unseen(QueuedMail)

#: Messages sent over one SMTP connection.
BATCH_SIZE = 50
#: How long a sender's claim lasts without being renewed.
CLAIM_SECONDS = 300
#: Sent and failed messages are forgotten after this long (the daily cap needs one day).
KEPT_FOR = timedelta(days=7)
FINISHED_STATES = (
    DeliveryState.SENT,
    DeliveryState.FAILED,
    DeliveryState.CANCELLED,
    DeliveryState.SUPPRESSED,
    DeliveryState.BOUNCED,
)


def add_to_queue(kind: str, message: OutgoingMessage, message_id: str) -> QueuedMail:
    """Queue one message in the session's transaction (the caller commits)."""
    queued = QueuedMail(
        kind=kind,
        recipient=message.recipient,
        envelope_from=message.envelope_from,
        message_id=message_id,
        data=message.data,
        queued_at=utcnow(),
    )
    db.session.add(queued)
    return queued


def record_suppressed(kind: str, recipient: str, envelope_from: str) -> QueuedMail:
    """Record, without its bytes, a message not queued because its address is suppressed."""
    record = QueuedMail(
        kind=kind,
        recipient=recipient,
        envelope_from=envelope_from,
        message_id="",
        data=None,
        state=DeliveryState.SUPPRESSED,
        queued_at=utcnow(),
    )
    db.session.add(record)
    return record


@dataclass(frozen=True)
class QueuedClaim:
    """A queued message this sender holds."""

    delivery_id: int
    attempts: int
    outgoing: OutgoingMessage


def due(now: datetime) -> tuple[ColumnElement[bool], ...]:
    """Unsent messages whose time has come."""
    return (
        QueuedMail.state.in_(UNFINISHED_STATES),
        or_(QueuedMail.next_attempt_at.is_(None), QueuedMail.next_attempt_at <= now),
    )


def unclaimed(now: datetime) -> ColumnElement[bool]:
    return or_(QueuedMail.claimed_until.is_(None), QueuedMail.claimed_until < now)


@dataclass
class QueueLedger:
    """One sender's record of the queue, on its own connection (see ``sender.Ledger``)."""

    connection: Connection
    worker: str
    claim_seconds: int
    clock: Callable[[], datetime]
    claims_renewed_at: datetime | None = None

    def claim(self, limit: int) -> list[QueuedClaim]:
        now = self.clock()
        candidates = self.connection.scalars(
            select(QueuedMail.id)
            .where(*due(now), unclaimed(now))
            .order_by(QueuedMail.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        if not candidates:
            self.connection.commit()
            return []
        self.connection.execute(
            update(QueuedMail)
            .where(QueuedMail.id.in_(candidates), *due(now), unclaimed(now))
            .values(claimed_by=self.worker, claimed_until=now + self.claim_length)
        )
        rows = self.connection.execute(
            select(
                QueuedMail.id,
                QueuedMail.attempts,
                QueuedMail.envelope_from,
                QueuedMail.recipient,
                QueuedMail.data,
                QueuedMail.kind,
            )
            .where(QueuedMail.id.in_(candidates), QueuedMail.claimed_by == self.worker)
            .order_by(QueuedMail.id)
        ).all()
        self.connection.commit()
        self.claims_renewed_at = now
        return [
            QueuedClaim(
                row.id,
                row.attempts,
                OutgoingMessage(row.envelope_from, row.recipient, row.data, row.kind),
            )
            for row in rows
        ]

    @property
    def claim_length(self) -> timedelta:
        return timedelta(seconds=self.claim_seconds)

    def start_sending(self, item: QueuedClaim) -> bool:
        result = self.connection.execute(
            update(QueuedMail)
            .where(
                QueuedMail.id == item.delivery_id,
                QueuedMail.claimed_by == self.worker,
                QueuedMail.state.in_(UNFINISHED_STATES),
            )
            .values(state=DeliveryState.SENDING, attempts=item.attempts + 1)
        )
        return result.rowcount == 1

    def record(
        self,
        delivery_id: int,
        state: DeliveryState,
        error: str | None = None,
        retry_at: datetime | None = None,
    ) -> None:
        finished = state in FINISHED_STATES
        values = {
            "state": state,
            "sent_at": self.clock() if state == DeliveryState.SENT else None,
            "last_error": error,
            "next_attempt_at": retry_at,
            "claimed_by": None,
            "claimed_until": None,
        }
        if finished:
            values["data"] = None  # its links are no business of the database any more
        self.connection.execute(
            update(QueuedMail).where(QueuedMail.id == delivery_id).values(**values)
        )

    def commit(self) -> None:
        self.connection.commit()

    def renew_claims_if_old(self) -> None:
        now = self.clock()
        if (
            self.claims_renewed_at is not None
            and now - self.claims_renewed_at < self.claim_length / 3
        ):
            return
        self.connection.execute(
            update(QueuedMail)
            .where(QueuedMail.claimed_by == self.worker)
            .values(claimed_until=now + self.claim_length)
        )
        self.connection.commit()
        self.claims_renewed_at = now

    def postpone_due(
        self, error: str, retry_at: Callable[[int], datetime | None]
    ) -> tuple[int, int]:
        now = self.clock()
        rows = self.connection.execute(
            select(QueuedMail.id, QueuedMail.attempts)
            .where(*due(now), or_(unclaimed(now), QueuedMail.claimed_by == self.worker))
            .with_for_update(skip_locked=True)
        ).all()
        return postpone_rows(self.connection, QueuedMail, rows, error, retry_at)

    def release_claims(self) -> None:
        self.connection.rollback()
        self.connection.execute(
            update(QueuedMail)
            .where(QueuedMail.claimed_by == self.worker)
            .values(claimed_by=None, claimed_until=None)
        )
        self.connection.commit()


def queue_send_options(**overrides: object) -> SendOptions:
    """How the queue is sent: MAIL_MAX_ATTEMPTS, with ``overrides`` (``clock``, ``stop``…)."""
    options = SendOptions(
        batch_size=BATCH_SIZE,
        max_attempts=current_app.config["MAIL_MAX_ATTEMPTS"],
        claim_seconds=CLAIM_SECONDS,
    )
    return options.overridden(**overrides)


def forget_finished_mail(now: datetime) -> None:
    """Delete what was sent or failed for good more than KEPT_FOR ago (committed)."""
    db.session.execute(
        delete(QueuedMail).where(
            QueuedMail.state.in_(FINISHED_STATES), QueuedMail.queued_at < now - KEPT_FOR
        )
    )
    db.session.commit()


def send_queued_mail(**overrides: object) -> PassReport:
    """Send every queued message that is due (the scheduler's job, and a command's)."""
    options = queue_send_options(**overrides)
    forget_finished_mail(options.clock())
    with db.engine.connect() as connection:
        ledger = QueueLedger(connection, new_worker_id(), options.claim_seconds, options.clock)
        return Sender(ledger, attrgetter("outgoing"), options).send_all_due()

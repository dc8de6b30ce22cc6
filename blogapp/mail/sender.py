"""Sending recorded messages so that nothing is lost and nothing is sent twice.

A sender works through a *ledger*, the record of the messages it sends (a digest run's
deliveries, the mail queue): it claims due messages in batches and sends each batch over
one SMTP connection while a worker thread builds the next. Each message is committed as
``sending`` before it goes and as ``sent`` or failed after (a success and the next
message's ``sending`` share one commit). A message found in ``sending`` without a live
claim was interrupted mid-send: it is sent again with the same Message-ID. In the worst
case (the server took it just before the sender died) that is one duplicate, which
clients that de-duplicate by Message-ID hide; the other choice would lose messages.

A 4xx for one message backs it off (RETRY_DELAYS); a 5xx fails it, and the batch goes
on (a 5xx refusing the recipient also suppresses the address: a hard bounce); a refused
or dropped connection backs off everything due. After ``max_attempts`` a temporary
failure counts as a failure.
"""

import secrets
import threading
from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Generic, Protocol, TypeVar

from flask import Flask, current_app
from sqlalchemy import Connection, update

from ..dates import utcnow
from ..models import DeliveryState, SuppressionReason
from .signing import signed_message
from .suppression import suppress_on, suppressed_among
from .transport import (
    SEND_ERRORS,
    MailConnection,
    Outcome,
    OutgoingMessage,
    SendFailure,
    classify,
    close_quietly,
    deliver_over_smtp,
    describe_connection_error,
    open_connection,
)

#: Waits after the 1st, 2nd, 3rd… temporary failure of a message (the last one repeats).
RETRY_DELAYS = tuple(timedelta(minutes=minutes) for minutes in (1, 5, 15, 60, 180))

Deliver = Callable[[MailConnection, OutgoingMessage], None]


class Claim(Protocol):
    """A message a sender holds: which one, and how often it was tried before."""

    @property
    def delivery_id(self) -> int: ...

    @property
    def attempts(self) -> int: ...


ClaimT = TypeVar("ClaimT", bound=Claim)


class Ledger(Protocol[ClaimT]):
    """Where a sender claims messages and records what became of each.

    Everything works on the ledger's own database connection; committing is left to the
    sender, which decides what has to be durable before the next SMTP step.
    """

    connection: Connection

    def claim(self, limit: int) -> list[ClaimT]:
        """Take up to ``limit`` due messages no live sender holds (committed)."""

    def start_sending(self, item: ClaimT) -> bool:
        """Record the attempt before it is made; False if the claim was lost meanwhile."""

    def record(
        self,
        delivery_id: int,
        state: DeliveryState,
        error: str | None = None,
        retry_at: datetime | None = None,
    ) -> None:
        """Where a message stands after an attempt; hands back its claim."""

    def commit(self) -> None: ...

    def renew_claims_if_old(self) -> None:
        """Keep this sender's claims alive while a slow batch goes out (committed)."""

    def postpone_due(
        self, error: str, retry_at: Callable[[int], datetime | None]
    ) -> tuple[int, int]:
        """Count an attempt against everything due that no other live sender holds."""

    def release_claims(self) -> None:
        """Hand back whatever this sender still holds (committed), whatever went before."""


#: Rows per UPDATE … WHERE id IN (…), well under every database's parameter limit.
ID_CHUNK = 500


def chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), ID_CHUNK):
        yield ids[start : start + ID_CHUNK]


def postpone_rows(
    connection: Connection,
    model: type,
    rows: Iterable[tuple[int, int]],
    error: str,
    retry_at: Callable[[int], datetime | None],
) -> tuple[int, int]:
    """Count one more attempt against each (id, attempts) row of a ledger's table (digest
    deliveries, queued mail): it waits until ``retry_at(attempts)``, or fails when that is
    None. Committed; returns how many will be retried and how many failed."""
    by_attempts: dict[int, list[int]] = defaultdict(list)
    for row_id, attempts in rows:
        by_attempts[attempts + 1].append(row_id)
    retrying = failed = 0
    for attempts, ids in by_attempts.items():
        when = retry_at(attempts)
        for chunk in chunks(ids):
            connection.execute(
                update(model)
                .where(model.id.in_(chunk))
                .values(
                    attempts=attempts,
                    last_error=error,
                    state=DeliveryState.PENDING if when else DeliveryState.FAILED,
                    next_attempt_at=when,
                    claimed_by=None,
                    claimed_until=None,
                )
            )
        if when:
            retrying += len(ids)
        else:
            failed += len(ids)
    connection.commit()
    return retrying, failed


def new_worker_id() -> str:
    """A name for one sender's claims."""
    return secrets.token_hex(8)


@dataclass(frozen=True)
class SendOptions:
    """How a sender works; tests replace the clock, the connection or the delivery step."""

    batch_size: int
    max_attempts: int
    claim_seconds: int
    deliver: Deliver = deliver_over_smtp
    connect: Callable[[], MailConnection] = open_connection
    clock: Callable[[], datetime] = utcnow
    stop: threading.Event | None = None

    def overridden(self, **overrides: object) -> "SendOptions":
        """These options with the fields given (and not None) replaced."""
        chosen = {name: value for name, value in overrides.items() if value is not None}
        return replace(self, **chosen)

    @property
    def stopping(self) -> bool:
        return self.stop is not None and self.stop.is_set()

    def retry_at(self, attempts: int) -> datetime | None:
        """When to try again after ``attempts`` attempts; None once they are used up."""
        if attempts >= self.max_attempts:
            return None
        return self.clock() + RETRY_DELAYS[min(attempts, len(RETRY_DELAYS)) - 1]


@dataclass
class PassReport:
    """What one sender did in one pass over its ledger."""

    sent: int = 0
    failed: int = 0
    retrying: int = 0
    cancelled: int = 0
    suppressed: int = 0
    connection_error: str | None = None

    @property
    def summary(self) -> str:
        """'2 sent, 1 waiting to retry', or 'nothing was due'."""
        counts = (
            (self.sent, "sent"),
            (self.retrying, "waiting to retry"),
            (self.failed, "failed"),
            (self.cancelled, "cancelled"),
            (self.suppressed, "not sent to suppressed addresses"),
        )
        said = ", ".join(f"{count} {words}" for count, words in counts if count)
        return said or "nothing was due"


@dataclass
class Sender(Generic[ClaimT]):
    """One pass of one sender over one ledger.

    ``build`` turns a claimed message into what goes over SMTP, or None when it should no
    longer be sent (it is then recorded as cancelled); it runs in the builder thread, in
    an app context, and touches no database. Each built message is signed there too.
    """

    ledger: Ledger[ClaimT]
    build: Callable[[ClaimT], OutgoingMessage | None]
    options: SendOptions
    report: PassReport = field(default_factory=PassReport)

    def send_all_due(self) -> PassReport:
        """Claim, build and send until nothing is due, building ahead in a worker thread."""
        app = current_app._get_current_object()
        try:
            with ThreadPoolExecutor(1, thread_name_prefix="mail-builder") as builder:
                upcoming = self.build_next(builder, app)
                while upcoming is not None and not self.options.stopping:
                    built = upcoming.result()
                    upcoming = self.build_next(builder, app)
                    if not self.send_batch(built):
                        break
        finally:
            self.ledger.release_claims()
        return self.report

    def build_next(self, builder: ThreadPoolExecutor, app: Flask) -> Future | None:
        batch = [] if self.options.stopping else self.ledger.claim(self.options.batch_size)
        if not batch:
            return None
        return builder.submit(build_batch, app, self.build, batch)

    def send_batch(self, built: list[tuple[ClaimT, OutgoingMessage | None]]) -> bool:
        """Send one built batch over one connection; False when the server went away."""
        to_send = []
        suppressed = suppressed_among(
            self.ledger.connection,
            [(outgoing.recipient, outgoing.kind) for _, outgoing in built if outgoing],
        )
        for item, outgoing in built:
            if outgoing is None:
                self.ledger.record(item.delivery_id, DeliveryState.CANCELLED)
                self.report.cancelled += 1
            elif outgoing.recipient in suppressed:
                self.ledger.record(item.delivery_id, DeliveryState.SUPPRESSED)
                self.report.suppressed += 1
            else:
                to_send.append((item, outgoing))
        self.ledger.commit()
        if not to_send:
            return True
        try:
            connection = self.options.connect()
        except SEND_ERRORS as error:
            self.postpone_all(describe_connection_error(error))
            return False
        try:
            return self.send_over(connection, deque(to_send))
        finally:
            close_quietly(connection)

    def send_over(
        self, connection: MailConnection, queue: deque[tuple[ClaimT, OutgoingMessage]]
    ) -> bool:
        """Send a batch in order; False when the connection was lost."""
        current = self.start_next(queue)
        while current is not None:
            item, outgoing = current
            try:
                self.options.deliver(connection, outgoing)
            except SEND_ERRORS as error:
                failure = classify(error)
                if failure.outcome is Outcome.CONNECTION_LOST:
                    self.retry_later(item, failure.error)
                    self.ledger.commit()
                    self.postpone_all(failure.error)
                    return False
                self.record_failure(item, outgoing, failure)
            else:
                self.ledger.record(item.delivery_id, DeliveryState.SENT)
                self.report.sent += 1
            current = self.start_next(queue)
            self.ledger.renew_claims_if_old()
        return True

    def start_next(
        self, queue: deque[tuple[ClaimT, OutgoingMessage]]
    ) -> tuple[ClaimT, OutgoingMessage] | None:
        """Mark the next message this sender still holds as ``sending``; commit either way."""
        current = None
        while queue and current is None and not self.options.stopping:
            candidate = queue.popleft()
            if self.ledger.start_sending(candidate[0]):
                current = candidate
        self.ledger.commit()
        return current

    def record_failure(self, item: ClaimT, outgoing: OutgoingMessage, failure: SendFailure) -> None:
        if failure.is_hard_bounce:
            suppress_on(self.ledger.connection, outgoing.recipient, SuppressionReason.BOUNCE)
        if failure.outcome is Outcome.PERMANENT:
            self.ledger.record(item.delivery_id, DeliveryState.FAILED, error=failure.error)
            self.report.failed += 1
        else:
            self.retry_later(item, failure.error)

    def retry_later(self, item: ClaimT, error: str) -> None:
        """A temporary failure: back off, or give up once the attempts are used up."""
        retry_at = self.options.retry_at(item.attempts + 1)
        if retry_at is None:
            self.ledger.record(item.delivery_id, DeliveryState.FAILED, error=error)
            self.report.failed += 1
        else:
            self.ledger.record(
                item.delivery_id, DeliveryState.PENDING, error=error, retry_at=retry_at
            )
            self.report.retrying += 1

    def postpone_all(self, error: str) -> None:
        retrying, failed = self.ledger.postpone_due(error, self.options.retry_at)
        self.report.retrying += retrying
        self.report.failed += failed
        self.report.connection_error = error


def build_batch(
    app: Flask, build: Callable[[ClaimT], OutgoingMessage | None], batch: list[ClaimT]
) -> list[tuple[ClaimT, OutgoingMessage | None]]:
    """Build and DKIM-sign a batch's messages (in the builder thread, so that signing does not
    hold up the SMTP loop; touches no database)."""
    with app.app_context():
        return [(item, signed_message(build(item))) for item in batch]

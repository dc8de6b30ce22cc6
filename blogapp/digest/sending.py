"""Sending a run's messages so that nothing is lost and nothing is sent twice.

A sender claims due deliveries in batches (see ``ledger``) and sends each batch over one
SMTP connection while a worker thread builds the next. Each message is committed as
``sending`` before it goes and as ``sent`` or failed after (a success and the next
message's ``sending`` share one commit). A delivery found in ``sending`` without a live
claim was interrupted mid-send: it is sent again with the same Message-ID. In the worst
case (the server took it just before the sender died) that is one duplicate, which
clients that de-duplicate by Message-ID hide; the other choice would lose messages.

A 4xx for one message backs it off (RETRY_DELAYS); a 5xx fails it, and the batch goes
on; a refused or dropped connection backs off the whole run. After DIGEST_MAX_ATTEMPTS
a temporary failure counts as a failure.
"""

import secrets
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from flask import Flask, current_app

from ..dates import utcnow
from ..extensions import db
from ..models import DeliveryState
from .build import Editions, OutgoingMessage
from .ledger import Claimed, Ledger
from .smtp import (
    SEND_ERRORS,
    MailConnection,
    Outcome,
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
Built = list[tuple[Claimed, OutgoingMessage | None]]


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

    @classmethod
    def from_config(cls, **overrides: object) -> "SendOptions":
        config = current_app.config
        options = cls(
            batch_size=config["DIGEST_BATCH_SIZE"],
            max_attempts=config["DIGEST_MAX_ATTEMPTS"],
            claim_seconds=config["DIGEST_CLAIM_SECONDS"],
        )
        chosen = {name: value for name, value in overrides.items() if value is not None}
        return replace(options, **chosen)

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
    """What one sender did in one pass over a run."""

    sent: int = 0
    failed: int = 0
    retrying: int = 0
    cancelled: int = 0
    connection_error: str | None = None


@dataclass
class Sender:
    """One pass of one sender over one run."""

    run_id: int
    editions: Editions
    options: SendOptions
    worker: str = field(default_factory=lambda: secrets.token_hex(8))
    report: PassReport = field(default_factory=PassReport)

    def send_all_due(self) -> PassReport:
        """Claim, build and send until nothing is due, building ahead in a worker thread."""
        app = current_app._get_current_object()
        with db.engine.connect() as connection:
            ledger = Ledger(
                connection, self.run_id, self.worker, self.options.claim_seconds, self.options.clock
            )
            try:
                with ThreadPoolExecutor(1, thread_name_prefix="digest-builder") as builder:
                    upcoming = self.build_next(builder, app, ledger)
                    while upcoming is not None and not self.options.stopping:
                        built = upcoming.result()
                        upcoming = self.build_next(builder, app, ledger)
                        if not self.send_batch(ledger, built):
                            break
            finally:
                ledger.release_claims()
        return self.report

    def build_next(self, builder: ThreadPoolExecutor, app: Flask, ledger: Ledger) -> Future | None:
        batch = [] if self.options.stopping else ledger.claim(self.options.batch_size)
        if not batch:
            return None
        return builder.submit(build_batch, app, self.editions, batch)

    def send_batch(self, ledger: Ledger, built: Built) -> bool:
        """Send one built batch over one connection; False when the server went away."""
        to_send = []
        for item, outgoing in built:
            if outgoing is None:
                ledger.record(item.delivery_id, DeliveryState.CANCELLED)
                self.report.cancelled += 1
            else:
                to_send.append((item, outgoing))
        ledger.commit()
        if not to_send:
            return True
        try:
            connection = self.options.connect()
        except SEND_ERRORS as error:
            self.postpone_run(ledger, describe_connection_error(error))
            return False
        try:
            return self.send_over(ledger, connection, deque(to_send))
        finally:
            close_quietly(connection)

    def send_over(
        self,
        ledger: Ledger,
        connection: MailConnection,
        queue: deque[tuple[Claimed, OutgoingMessage]],
    ) -> bool:
        """Send a batch in order; False when the connection was lost."""
        current = self.start_next(ledger, queue)
        while current is not None:
            item, outgoing = current
            try:
                self.options.deliver(connection, outgoing)
            except SEND_ERRORS as error:
                failure = classify(error)
                if failure.outcome is Outcome.CONNECTION_LOST:
                    self.retry_later(ledger, item, failure.error)
                    ledger.commit()
                    self.postpone_run(ledger, failure.error)
                    return False
                self.record_failure(ledger, item, failure)
            else:
                ledger.record(item.delivery_id, DeliveryState.SENT)
                self.report.sent += 1
            current = self.start_next(ledger, queue)
            ledger.renew_claims_if_old()
        return True

    def start_next(
        self, ledger: Ledger, queue: deque[tuple[Claimed, OutgoingMessage]]
    ) -> tuple[Claimed, OutgoingMessage] | None:
        """Mark the next message this sender still holds as ``sending``; commit either way."""
        current = None
        while queue and current is None and not self.options.stopping:
            candidate = queue.popleft()
            if ledger.start_sending(candidate[0]):
                current = candidate
        ledger.commit()
        return current

    def record_failure(self, ledger: Ledger, item: Claimed, failure: SendFailure) -> None:
        if failure.outcome is Outcome.PERMANENT:
            ledger.record(item.delivery_id, DeliveryState.FAILED, error=failure.error)
            self.report.failed += 1
        else:
            self.retry_later(ledger, item, failure.error)

    def retry_later(self, ledger: Ledger, item: Claimed, error: str) -> None:
        """A temporary failure: back off, or give up once the attempts are used up."""
        retry_at = self.options.retry_at(item.attempts + 1)
        if retry_at is None:
            ledger.record(item.delivery_id, DeliveryState.FAILED, error=error)
            self.report.failed += 1
        else:
            ledger.record(item.delivery_id, DeliveryState.PENDING, error=error, retry_at=retry_at)
            self.report.retrying += 1

    def postpone_run(self, ledger: Ledger, error: str) -> None:
        retrying, failed = ledger.postpone_due(error, self.options.retry_at)
        self.report.retrying += retrying
        self.report.failed += failed
        self.report.connection_error = error


def build_batch(app: Flask, editions: Editions, batch: list[Claimed]) -> Built:
    """Build a batch's messages (in the builder thread; touches no database)."""
    with app.app_context():
        return [(item, prepare(editions, item)) for item in batch]


def prepare(editions: Editions, item: Claimed) -> OutgoingMessage | None:
    """The message, or None when the subscriber no longer wants it (or nothing matches)."""
    if item.recipient is None:
        return None
    return editions.message_for(item.recipient, item.message_id)

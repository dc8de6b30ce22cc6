"""Sending digests through crashes, restarts and SMTP trouble: nothing lost, nothing twice."""

import threading
from datetime import timedelta

import pytest
from support.digests import FRIDAY_EVENING, SATURDAY, at, deliveries, later, runs, states
from support.smtp import Mailbox, free_port, start_smtp_server

from blogapp.auth.operations import user_by_email
from blogapp.digest.runs import run_digest
from blogapp.extensions import db
from blogapp.mail.transport import deliver_over_smtp
from blogapp.models import DeliveryState
from blogapp.subscriptions.operations import stop_subscription

SENT = DeliveryState.SENT
FAILED = DeliveryState.FAILED
PENDING = DeliveryState.PENDING


class SimulatedCrash(Exception):
    """The sending process dies."""


def crash_after(count: int):
    """A delivery step that sends ``count`` messages for real, then dies before the next."""
    sent = 0

    def deliver(connection, message) -> None:
        nonlocal sent
        if sent == count:
            raise SimulatedCrash
        deliver_over_smtp(connection, message)
        sent += 1

    return deliver


@pytest.fixture
def seven_subscribers(subscriber, make_post) -> list[str]:
    make_post("Caseloads at breaking point", published_at=FRIDAY_EVENING)
    addresses = [f"reader{number}@example.org" for number in range(1, 8)]
    for address in addresses:
        subscriber(address)
    return addresses


def recipients(mailbox: Mailbox) -> list[str]:
    return sorted(address for item in mailbox.received for address in item.recipients)


@pytest.fixture
def small_batches(app):
    app.config["DIGEST_BATCH_SIZE"] = 3


def test_a_run_stopped_after_k_messages_then_resumed_sends_exactly_the_others(
    app, small_batches, seven_subscribers, mailbox
):
    with pytest.raises(SimulatedCrash):
        run_digest(clock=at(SATURDAY), deliver=crash_after(4))

    assert len(mailbox.messages) == 4
    left = states()
    assert sorted(left.values()).count(SENT) == 4
    interrupted = [email for email, state in left.items() if state == DeliveryState.SENDING]
    assert len(interrupted) == 1, "the message in hand when it died"
    assert runs()[0].finished_at is None

    run_digest(clock=later(1))

    assert recipients(mailbox) == sorted(seven_subscribers)
    (resent,) = mailbox.to(interrupted[0])
    assert resent["Message-ID"] == deliveries()[interrupted[0]].message_id
    assert set(states().values()) == {SENT}
    assert runs()[0].finished_at is not None


def test_a_sender_that_dies_without_cleaning_up_is_taken_over(
    app, small_batches, seven_subscribers, mailbox
):
    """A hard kill leaves claims behind: on SQLite the next sender knows it is alone;
    on PostgreSQL the claims lapse after DIGEST_CLAIM_SECONDS."""
    with pytest.raises(SimulatedCrash):
        run_digest(clock=at(SATURDAY), deliver=crash_after(2))
    db.session.execute(
        db.update(db.metadata.tables["digest_deliveries"]).values(
            claimed_by="dead-sender", claimed_until=SATURDAY + timedelta(minutes=5)
        )
    )
    db.session.commit()

    run_digest(clock=later(10))

    assert recipients(mailbox) == sorted(seven_subscribers)


def test_smtp_refusing_connections_then_coming_back_delivers_everything_once(
    app, seven_subscribers
):
    port = free_port()
    app.config["MAIL_PORT"] = port

    run_digest(clock=at(SATURDAY))

    waiting = deliveries()
    assert {delivery.state for delivery in waiting.values()} == {PENDING}
    assert all(delivery.attempts == 1 for delivery in waiting.values())
    assert all(
        "Could not reach the mail server" in delivery.last_error for delivery in waiting.values()
    )
    assert all(delivery.next_attempt_at == later(1)() for delivery in waiting.values())

    run_digest(clock=at(SATURDAY + timedelta(seconds=30)))  # too soon: no new attempt
    assert all(delivery.attempts == 1 for delivery in deliveries().values())

    mailbox = Mailbox()
    server = start_smtp_server(mailbox, port)
    try:
        run_digest(clock=later(2))
    finally:
        server.stop()

    assert recipients(mailbox) == sorted(seven_subscribers)
    assert set(states().values()) == {SENT}
    assert runs()[0].finished_at is not None


def test_a_recipient_refused_with_550_is_recorded_as_failed_and_the_rest_go(
    seven_subscribers, mailbox
):
    mailbox.refuse.add("reader3@example.org")

    run_digest(clock=at(SATURDAY))

    assert recipients(mailbox) == sorted(set(seven_subscribers) - {"reader3@example.org"})
    refused = deliveries()["reader3@example.org"]
    assert refused.state == FAILED
    assert refused.last_error.startswith("550")
    assert runs()[0].finished_at is not None

    run_digest(clock=later(600))
    assert len(mailbox.messages) == 6, "a permanent failure is not retried"


def test_a_temporary_451_is_retried_after_a_pause(seven_subscribers, mailbox):
    mailbox.defer("reader5@example.org", times=1)

    run_digest(clock=at(SATURDAY))

    assert len(mailbox.messages) == 6
    deferred = deliveries()["reader5@example.org"]
    assert (deferred.state, deferred.attempts) == (PENDING, 1)
    assert deferred.last_error.startswith("451")
    assert runs()[0].finished_at is None

    run_digest(clock=later(2))

    assert len(mailbox.to("reader5@example.org")) == 1
    assert recipients(mailbox) == sorted(seven_subscribers)
    assert runs()[0].finished_at is not None


def test_temporary_failures_give_up_after_the_last_attempt(app, subscriber, make_post, mailbox):
    app.config["DIGEST_MAX_ATTEMPTS"] = 3
    make_post("Caseloads at breaking point", published_at=FRIDAY_EVENING)
    subscriber("busy@example.org")
    mailbox.defer("busy@example.org", times=100)

    for hours in range(4):
        run_digest(clock=later(hours * 60))

    busy = deliveries()["busy@example.org"]
    assert (busy.state, busy.attempts) == (FAILED, 3)
    assert busy.last_error.startswith("451")
    assert mailbox.messages == []


def test_a_reader_who_unsubscribes_before_a_retry_is_not_sent_it(seven_subscribers, mailbox):
    mailbox.defer("reader2@example.org", times=1)
    run_digest(clock=at(SATURDAY))

    stop_subscription(user_by_email("reader2@example.org"))

    run_digest(clock=later(2))

    assert mailbox.to("reader2@example.org") == []
    assert states()["reader2@example.org"] == DeliveryState.CANCELLED
    assert runs()[0].finished_at is not None


def run_in_threads(app, count: int, **options) -> list:
    """Start ``count`` digest runs at the same moment, each with its own app context."""
    start = threading.Barrier(count)
    reports, errors = [], []

    def run() -> None:
        with app.app_context():
            start.wait()
            try:
                reports.append(run_digest(**options))
            except Exception as error:
                errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return reports


def test_two_runs_started_at_once_send_each_message_once(
    app, small_batches, subscriber, make_post, mailbox
):
    make_post("Caseloads at breaking point", published_at=FRIDAY_EVENING)
    addresses = [f"reader{number}@example.org" for number in range(1, 31)]
    for address in addresses:
        subscriber(address)

    reports = run_in_threads(app, 2, clock=at(SATURDAY))

    assert recipients(mailbox) == sorted(addresses)
    assert len(runs()) == 1
    assert set(states().values()) == {SENT}
    if db.engine.dialect.name == "postgresql":
        assert all(len(report.runs) == 1 for report in reports), "both worked on the one run"
        assert sum(report.runs[0].sent.sent for report in reports) == len(addresses)
    else:
        assert sorted(report.busy for report in reports) == [False, True], "one sender on SQLite"

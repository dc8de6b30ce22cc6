"""Resuming a digest run after the mail server hung up, refused for a while, or another
sender took over: the rest goes out, nobody gets it twice, and nobody who may no longer
receive it gets it."""

import threading
from datetime import timedelta

import pytest
from support.accounts import TEST_PASSWORD
from support.bulletins import add_bulletin
from support.clock import AppClock
from support.digests import (
    FRIDAY_EVENING,
    SATURDAY,
    at,
    deliveries,
    later,
    runs,
)
from support.mail import text_of
from support.smtp import Mailbox, connect_to

from blogapp.account.operations import delete_account
from blogapp.auth.moderation import set_banned
from blogapp.digest.runs import run_digest
from blogapp.extensions import db
from blogapp.models import DeliveryState, Role
from blogapp.subscriptions.operations import save_subscription


def recipients(mailbox: Mailbox) -> list[str]:
    return sorted(address for item in mailbox.received for address in item.recipients)


@pytest.fixture
def seven_subscribers(app, subscriber, make_post) -> list[str]:
    app.config["DIGEST_BATCH_SIZE"] = 3
    make_post("Caseloads at breaking point", published_at=FRIDAY_EVENING)
    addresses = [f"reader{number}@example.org" for number in range(1, 8)]
    for address in addresses:
        subscriber(address)
    return addresses


def test_a_server_that_hangs_up_midway_gets_the_rest_on_resume_and_nobody_twice(
    seven_subscribers, mailbox
):
    mailbox.hang_up_after(4)

    run_digest(clock=at(SATURDAY))

    assert len(mailbox.messages) == 4
    first_four = recipients(mailbox)
    assert runs()[0].finished_at is None

    mailbox.stop_hanging_up()
    run_digest(clock=later(1))

    assert recipients(mailbox) == sorted(seven_subscribers)
    assert set(first_four).isdisjoint(mailbox.tried[4:]), "nobody who had it was tried again"
    sent_at = {email: delivery.sent_at for email, delivery in deliveries().items()}
    assert {sent_at[email] for email in first_four} == {SATURDAY}, "the record says when"
    assert set(sent_at.values()) == {SATURDAY, later(1)()}
    assert runs()[0].finished_at is not None

    run_digest(clock=later(600))
    assert len(mailbox.messages) == 7


def test_after_a_451_each_retry_waits_its_delay_until_the_last_attempt(
    app, subscriber, make_post, mailbox
):
    """Waits of 1 and then 5 minutes; the third attempt is the last one."""
    app.config["DIGEST_MAX_ATTEMPTS"] = 3
    make_post("Caseloads at breaking point", published_at=FRIDAY_EVENING)
    subscriber("busy@example.org")
    mailbox.defer("busy@example.org", times=100)
    schedule = [(0, 1), (59, 1), (60, 2), (60 + 299, 2), (60 + 300, 3), (600 * 60, 3)]

    for seconds, attempts_so_far in schedule:
        run_digest(clock=at(SATURDAY + timedelta(seconds=seconds)))
        assert mailbox.tried.count("busy@example.org") == attempts_so_far, f"at {seconds} s"

    busy = deliveries()["busy@example.org"]
    assert (busy.state, busy.attempts, busy.sent_at) == (DeliveryState.FAILED, 3, None)
    assert mailbox.to("busy@example.org") == []
    assert runs()[0].finished_at is not None


def test_readers_who_may_no_longer_receive_it_get_nothing_when_a_run_resumes(
    make_user, make_post, mailbox
):
    make_post("Caseloads at breaking point", published_at=FRIDAY_EVENING)
    admin = make_user(email="admin@example.org", role=Role.ADMIN)
    names = ("stays", "banned", "unconfirmed", "deleted")
    readers = {name: make_user(email=f"{name}@example.org") for name in names}
    for reader in readers.values():
        save_subscription(reader, True, True)
    mailbox.hang_up_after(0)
    run_digest(clock=at(SATURDAY))
    assert mailbox.messages == []

    set_banned(admin, readers["banned"], True)
    readers["unconfirmed"].email_confirmed_at = None
    db.session.commit()
    delete_account(readers["deleted"], TEST_PASSWORD)
    mailbox.stop_hanging_up()
    run_digest(clock=later(1))

    assert recipients(mailbox) == ["stays@example.org"]
    assert sorted(set(mailbox.tried)) == ["stays@example.org"]
    assert runs()[0].finished_at is not None


def test_readers_who_changed_their_choice_before_a_run_resumes_get_what_they_chose_now(
    subscriber, make_post, mailbox
):
    make_post("Caseloads at breaking point", published_at=FRIDAY_EVENING)
    bulletin = add_bulletin("Pay talks resume", published_at=FRIDAY_EVENING)
    bulletin.created_at = FRIDAY_EVENING
    db.session.commit()
    readers = {
        name: subscriber(f"{name}@example.org", streams={"posts"})
        for name in ("unchanged", "to-bulletins", "to-nothing")
    }
    mailbox.hang_up_after(0)
    run_digest(clock=at(SATURDAY))

    save_subscription(readers["to-bulletins"], False, True)
    save_subscription(readers["to-nothing"], False, False)
    mailbox.stop_hanging_up()
    run_digest(clock=later(1))

    assert recipients(mailbox) == ["to-bulletins@example.org", "unchanged@example.org"]
    (switched,) = mailbox.to("to-bulletins@example.org")
    assert "Pay talks resume" in text_of(switched)
    assert "Caseloads at breaking point" not in text_of(switched)
    (kept,) = mailbox.to("unchanged@example.org")
    assert "Caseloads at breaking point" in text_of(kept)
    assert "Pay talks resume" not in text_of(kept)
    assert runs()[0].finished_at is not None


class HeldAtConnect:
    """A sender's way to the mail server that waits at the door until the test opens it."""

    def __init__(self, mailbox: Mailbox) -> None:
        self.mailbox = mailbox
        self.arrived = threading.Event()
        self.door = threading.Event()

    def connect(self):
        self.arrived.set()
        if not self.door.wait(timeout=60):
            raise TimeoutError("the test never let this sender through")
        return connect_to(self.mailbox)


def digest_in_thread(app, results: dict, name: str, **options) -> threading.Thread:
    def run() -> None:
        with app.app_context():
            try:
                results[name] = run_digest(**options)
            except Exception as error:
                results[name] = error

    thread = threading.Thread(target=run, name=name)
    thread.start()
    return thread


@pytest.fixture
def shared_run(app, subscriber, make_post) -> list[str]:
    """Seven subscribers of a run that several senders may share (PostgreSQL only)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("senders share a run only on PostgreSQL (SQLite has one sender at a time)")
    make_post("Caseloads at breaking point", published_at=FRIDAY_EVENING)
    addresses = [f"reader{number}@example.org" for number in range(1, 8)]
    for address in addresses:
        subscriber(address)
    return addresses


def test_a_sender_whose_claim_lapsed_and_was_taken_over_sends_nothing_more(
    app, shared_run, mailbox
):
    addresses = shared_run
    claim = timedelta(seconds=app.config["DIGEST_CLAIM_SECONDS"])
    slow, quick = HeldAtConnect(mailbox), HeldAtConnect(mailbox)
    results: dict = {}

    paused = digest_in_thread(app, results, "slow", clock=at(SATURDAY), connect=slow.connect)
    assert slow.arrived.wait(timeout=30), "the slow sender claimed its batch"
    taking_over = digest_in_thread(
        app, results, "quick", clock=at(SATURDAY + claim + timedelta(minutes=1)),
        connect=quick.connect,
    )  # fmt: skip
    assert quick.arrived.wait(timeout=30), "the claims had lapsed, so the quick sender took them"
    slow.door.set()
    paused.join(timeout=60)
    assert mailbox.messages == [], "the slow sender holds none of them any more"
    quick.door.set()
    taking_over.join(timeout=60)

    assert recipients(mailbox) == sorted(addresses)
    assert results["slow"].runs[0].sent.sent == 0
    assert results["quick"].runs[0].sent.sent == len(addresses)
    assert runs()[0].finished_at is not None


def done_or_at_the_door(thread: threading.Thread, held: HeldAtConnect, seconds: float) -> None:
    """Wait until ``thread`` has finished or is waiting at ``held``'s door."""
    for _ in range(int(seconds * 20)):
        if not thread.is_alive() or held.arrived.is_set():
            return
        thread.join(timeout=0.05)


def test_a_sender_busy_for_longer_than_its_claim_keeps_it_while_it_sends(app, shared_run, mailbox):
    """Each message takes 40 % of the claim time; a second sender comes after the third."""
    claim = timedelta(seconds=app.config["DIGEST_CLAIM_SECONDS"])
    clock, newcomer = AppClock(SATURDAY), HeldAtConnect(mailbox)
    results: dict = {}
    started: list[threading.Thread] = []

    def each_message() -> None:
        clock.advance(claim * 0.4)
        if len(mailbox.received) == 3:
            started.append(
                digest_in_thread(
                    app, results, "newcomer", clock=at(clock.now), connect=newcomer.connect
                )
            )
            done_or_at_the_door(started[0], newcomer, seconds=20)

    mailbox.after_each_message = each_message
    report = run_digest(clock=clock)
    newcomer.door.set()
    started[0].join(timeout=60)

    assert not newcomer.arrived.is_set(), "the newcomer found nothing to take"
    assert results["newcomer"].runs[0].sent.sent == 0
    assert report.runs[0].sent.sent == len(shared_run)
    assert recipients(mailbox) == sorted(shared_run)


def test_a_second_sender_takes_nothing_another_holds_within_its_claim(app, shared_run, mailbox):
    """The latecomer comes at the last instant of the first sender's claim."""
    last_instant = SATURDAY + timedelta(seconds=app.config["DIGEST_CLAIM_SECONDS"])
    holder, latecomer = HeldAtConnect(mailbox), HeldAtConnect(mailbox)
    results: dict = {}
    holding = digest_in_thread(app, results, "holder", clock=at(SATURDAY), connect=holder.connect)
    assert holder.arrived.wait(timeout=30), "the first sender claimed its batch"

    late = digest_in_thread(
        app, results, "latecomer", clock=at(last_instant), connect=latecomer.connect
    )  # fmt: skip
    done_or_at_the_door(late, latecomer, seconds=30)
    holder.door.set()
    latecomer.door.set()
    holding.join(timeout=60)
    late.join(timeout=60)

    assert not latecomer.arrived.is_set(), "the latecomer found nothing to take"
    assert results["latecomer"].runs[0].sent.sent == 0
    assert results["holder"].runs[0].sent.sent == len(shared_run)
    assert recipients(mailbox) == sorted(shared_run)

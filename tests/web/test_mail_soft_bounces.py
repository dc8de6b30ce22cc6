"""Temporary failures suppress an address only when they keep coming: BOUNCE_SOFT_LIMIT of
them over at least BOUNCE_SOFT_DAYS, with nothing getting through in between. Each
report marks the digest it is about as bounced in the run's ledger."""

from datetime import timedelta

import pytest
from support.clock import stop_the_app_clock
from support.digests import SATURDAY, at, states
from support.reports import READER, dsn

from blogapp.digest.runs import run_digest
from blogapp.extensions import db
from blogapp.mail.suppression import is_suppressed
from blogapp.models import DeliveryState, Suppression, SuppressionReason


def day(number: int):
    return SATURDAY + timedelta(days=number)


class Days:
    """A reader's digests and the reports coming back for them, day by day."""

    def __init__(self, app, make_post, mailbox, clock) -> None:
        self.app, self.make_post, self.mailbox, self.clock = app, make_post, mailbox, clock

    def digest(self, number: int) -> str:
        """Send day ``number``'s digest; the envelope sender it went with."""
        self.make_post(f"News of day {number}", published_at=day(number) - timedelta(hours=6))
        self.clock.now = day(number)
        run_digest(clock=at(day(number)))
        (received,) = self.mailbox.received
        self.mailbox.arrived.clear()
        return received.sender

    def bounce(self, number: int, status: str = "4.2.2") -> None:
        """Day ``number``'s digest comes back, a few hours after it went."""
        envelope = self.digest(number)
        self.clock.now = day(number) + timedelta(hours=3)
        action = "failed" if status.startswith("5") else "delayed"
        result = self.app.test_cli_runner().invoke(
            args=["mail", "receive"], input=dsn(envelope, action, status)
        )
        assert result.exit_code == 0, result.output


@pytest.fixture
def days(app, subscriber, make_post, mailbox, monkeypatch) -> Days:
    app.config["BOUNCE_ADDRESS"] = "bounces@blog.example"
    subscriber(READER)
    return Days(app, make_post, mailbox, stop_the_app_clock(monkeypatch, SATURDAY))


def test_three_soft_bounces_over_a_week_suppress_the_address(days):
    days.bounce(0)
    days.bounce(3)
    assert not is_suppressed(READER)
    assert states() == {READER: DeliveryState.BOUNCED}

    days.bounce(7)

    (entry,) = db.session.scalars(db.select(Suppression))
    assert (entry.address, entry.reason) == (READER, SuppressionReason.SOFT_BOUNCES)


def test_soft_bounces_within_a_few_days_do_not_suppress(days):
    for number in (0, 1, 2, 3, 4, 5):
        days.bounce(number)

    assert not is_suppressed(READER), "six days of a full mailbox is no reason to stop"

    days.bounce(7)
    assert is_suppressed(READER)


def test_a_message_that_gets_through_starts_the_count_again(days):
    days.bounce(0)
    days.digest(3)
    days.bounce(4)
    days.bounce(7)

    assert not is_suppressed(READER), "the digest of day 3 got through"

    days.bounce(11)
    assert is_suppressed(READER)


def test_the_limit_is_a_setting(app, days):
    app.config["BOUNCE_SOFT_LIMIT"] = 4
    for number in (0, 3, 7):
        days.bounce(number)
    assert not is_suppressed(READER)

    days.bounce(8)
    assert is_suppressed(READER)


def test_a_hard_bounce_marks_the_digest_bounced_and_suppresses_at_once(days):
    days.bounce(0, status="5.1.1")

    assert states() == {READER: DeliveryState.BOUNCED}
    assert is_suppressed(READER)

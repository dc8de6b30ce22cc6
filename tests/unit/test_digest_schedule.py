"""The digest's clock: 07:00 in London, summer time or not."""

from datetime import UTC, datetime, timedelta

import pytest

from blogapp import create_app
from blogapp.digest.schedule import (
    digest_trigger,
    latest_digest_time,
    next_digest_time,
    previous_digest_time,
)


@pytest.fixture
def settings(tmp_path):
    """An app context for settings only: nothing here touches the database."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-that-is-long-enough",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.db'}",
            "DIGEST_TIME": "07:00",
        }
    )
    with app.app_context():
        yield app.config


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def fire_times(trigger, start: datetime, count: int) -> list[datetime]:
    """The trigger's next ``count`` fire times after ``start``, in UTC."""
    times, previous = [], None
    for _ in range(count):
        previous = trigger.get_next_fire_time(previous, previous or start)
        times.append(previous.astimezone(UTC))
    return times


def test_the_trigger_follows_british_summer_time_in_march(settings):
    # Clocks go forward at 01:00 UTC on Sunday 29 March 2026.
    assert fire_times(digest_trigger(), utc(2026, 3, 27, 12), 4) == [
        utc(2026, 3, 28, 7),  # Saturday, GMT
        utc(2026, 3, 29, 6),  # Sunday, BST: still 07:00 in London
        utc(2026, 3, 30, 6),
        utc(2026, 3, 31, 6),
    ]


def test_the_trigger_follows_the_end_of_summer_time_in_october(settings):
    # Clocks go back at 01:00 UTC on Sunday 25 October 2026.
    assert fire_times(digest_trigger(), utc(2026, 10, 23, 12), 4) == [
        utc(2026, 10, 24, 6),  # Saturday, BST
        utc(2026, 10, 25, 7),  # Sunday, GMT: still 07:00 in London
        utc(2026, 10, 26, 7),
        utc(2026, 10, 27, 7),
    ]


@pytest.mark.parametrize(
    ("now", "latest", "following"),
    [
        (utc(2026, 3, 29, 5, 59), utc(2026, 3, 28, 7), utc(2026, 3, 29, 6)),
        (utc(2026, 3, 29, 6, 0), utc(2026, 3, 29, 6), utc(2026, 3, 30, 6)),
        (utc(2026, 10, 25, 6, 30), utc(2026, 10, 24, 6), utc(2026, 10, 25, 7)),
        (utc(2026, 10, 25, 7, 0), utc(2026, 10, 25, 7), utc(2026, 10, 26, 7)),
    ],
)
def test_run_windows_end_where_the_trigger_fires(settings, now, latest, following):
    assert latest_digest_time(now) == latest
    assert next_digest_time(now) == following
    after_latest = latest + timedelta(seconds=1)
    assert digest_trigger().get_next_fire_time(None, after_latest).astimezone(UTC) == following


def test_a_window_across_the_clock_change_is_23_or_25_hours(settings):
    march = latest_digest_time(utc(2026, 3, 29, 12))
    october = latest_digest_time(utc(2026, 10, 25, 12))
    assert (march - previous_digest_time(march)).total_seconds() == 23 * 3600
    assert (october - previous_digest_time(october)).total_seconds() == 25 * 3600


def test_a_malformed_digest_time_is_a_clear_error(settings):
    settings["DIGEST_TIME"] = "7am"
    with pytest.raises(ValueError, match="DIGEST_TIME must look like 07:00"):
        digest_trigger()

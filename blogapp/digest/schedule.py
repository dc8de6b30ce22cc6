"""When digests go out: DIGEST_TIME every day in the blog's zone, summer time or not."""

import re
from datetime import UTC, date, datetime, time, timedelta

from apscheduler.triggers.cron import CronTrigger
from flask import current_app

from ..dates import blog_zone

CLOCK_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def digest_clock_time() -> time:
    """``DIGEST_TIME`` ("07:00") as a time of day; a malformed setting is a clear error."""
    setting = str(current_app.config["DIGEST_TIME"]).strip()
    match = CLOCK_TIME.match(setting)
    if match is None:
        raise ValueError(f"DIGEST_TIME must look like 07:00 (24-hour clock), not {setting!r}.")
    return time(int(match.group(1)), int(match.group(2)))


def digest_time_on(day: date) -> datetime:
    """The UTC instant of the digest on a calendar day in the blog's zone."""
    local = datetime.combine(day, digest_clock_time(), tzinfo=blog_zone())
    return local.astimezone(UTC)


def latest_digest_time(now: datetime) -> datetime:
    """The most recent scheduled digest time at or before ``now``: the end of the due run."""
    today = now.astimezone(blog_zone()).date()
    scheduled = digest_time_on(today)
    return scheduled if scheduled <= now else digest_time_on(today - timedelta(days=1))


def previous_digest_time(moment: datetime) -> datetime:
    """The scheduled time before ``moment``: where the very first run's window starts."""
    return latest_digest_time(moment - timedelta(microseconds=1))


def next_digest_time(now: datetime) -> datetime:
    """The first scheduled time after ``now``."""
    today = now.astimezone(blog_zone()).date()
    scheduled = digest_time_on(today)
    return scheduled if scheduled > now else digest_time_on(today + timedelta(days=1))


def digest_trigger() -> CronTrigger:
    """Fire at DIGEST_TIME on the blog's clock, so 07:00 stays 07:00 across clock changes."""
    clock = digest_clock_time()
    return CronTrigger(hour=clock.hour, minute=clock.minute, timezone=blog_zone())

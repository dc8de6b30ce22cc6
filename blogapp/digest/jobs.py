"""The digest's scheduled jobs: the daily run at DIGEST_TIME, and retries every minute."""

from apscheduler.triggers.interval import IntervalTrigger

from ..scheduler import Job, shutting_down
from .runs import run_digest
from .schedule import digest_trigger


def scheduled_digest() -> str | None:
    """Send the due digest (or what is due of an unfinished one); says what was sent."""
    report = run_digest(stop=shutting_down())
    said = [outcome.summary for outcome in report.runs]
    if report.busy:
        said.insert(0, "Another digest sender is at work on this database; this one leaves it.")
    return " ".join(said) or None


def every_minute() -> IntervalTrigger:
    return IntervalTrigger(minutes=1)


JOBS = [
    Job("digest", "Daily email digest", scheduled_digest, digest_trigger, run_at_start=True),
    Job("digest-retries", "Digest retries after mail errors", scheduled_digest, every_minute),
]

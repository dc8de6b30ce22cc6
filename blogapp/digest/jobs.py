"""The digest's scheduled jobs: the daily run at DIGEST_TIME, and retries every minute."""

import logging

from apscheduler.triggers.interval import IntervalTrigger

from ..scheduler import Job, shutting_down
from .runs import DigestReport, run_digest
from .schedule import digest_trigger

log = logging.getLogger(__name__)


def scheduled_digest() -> DigestReport:
    """Send the due digest (or what is due of an unfinished one)."""
    report = run_digest(stop=shutting_down())
    if report.busy:
        log.info("Another digest sender is at work on this database; this one leaves it to it")
    for outcome in report.runs:
        log.info(outcome.summary)
    return report


def every_minute() -> IntervalTrigger:
    return IntervalTrigger(minutes=1)


JOBS = [
    Job("digest", "Daily email digest", scheduled_digest, digest_trigger, run_at_start=True),
    Job("digest-retries", "Digest retries after mail errors", scheduled_digest, every_minute),
]

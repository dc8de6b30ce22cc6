"""The bulletins' scheduled job: polling the union feeds every BULLETIN_POLL_MINUTES."""

import logging

from apscheduler.triggers.interval import IntervalTrigger
from flask import current_app

from ..scheduler import Job
from .ingest import poll_all_feeds

log = logging.getLogger(__name__)


def feed_polling_interval() -> IntervalTrigger:
    return IntervalTrigger(minutes=current_app.config["BULLETIN_POLL_MINUTES"])


def scheduled_feed_poll() -> None:
    """Fetch every union feed; each failure is recorded on its feed."""
    for result in poll_all_feeds():
        log.info(result.summary)


JOBS = [Job("bulletin-feeds", "Poll union feeds", scheduled_feed_poll, feed_polling_interval)]

"""The bulletins' scheduled job: polling the union feeds every BULLETIN_POLL_MINUTES."""

from apscheduler.triggers.interval import IntervalTrigger
from flask import current_app

from ..scheduler import Job
from .ingest import poll_all_feeds


def feed_polling_interval() -> IntervalTrigger:
    return IntervalTrigger(minutes=current_app.config["BULLETIN_POLL_MINUTES"])


def scheduled_feed_poll() -> str | None:
    """Fetch every union feed; each failure is recorded on its feed. Says what each gave."""
    results = poll_all_feeds()
    if not results:
        return None
    said = "; ".join(result.summary() for result in results)
    return said if said.endswith(".") else f"{said}."


JOBS = [Job("bulletin-feeds", "Poll union feeds", scheduled_feed_poll, feed_polling_interval)]

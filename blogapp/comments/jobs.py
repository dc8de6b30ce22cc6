"""The comments' scheduled job: the editors' moderation mail."""

import logging

from apscheduler.triggers.interval import IntervalTrigger

from ..scheduler import Job
from .moderation_mail import mail_moderation_queue

log = logging.getLogger(__name__)

#: Checked often so the first item of a quiet hour is mailed soon; each editor still gets
#: at most one mail an hour (``moderation_mail.MAIL_SPACING``).
CHECK_MINUTES = 5


def scheduled_moderation_mail() -> int:
    """Mail the editors who asked for it about newly held or reported comments."""
    mailed = mail_moderation_queue()
    if mailed:
        log.info("Moderation mail queued for %d editor(s)", mailed)
    return mailed


def every_few_minutes() -> IntervalTrigger:
    return IntervalTrigger(minutes=CHECK_MINUTES)


JOBS = [
    Job(
        "moderation-mail",
        "Mail editors what waits for moderation",
        scheduled_moderation_mail,
        every_few_minutes,
    )
]

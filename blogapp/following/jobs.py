"""The following feature's scheduled job: mailing followers their threads' new comments."""

import logging

from apscheduler.triggers.interval import IntervalTrigger
from flask import current_app

from ..scheduler import Job, shutting_down
from .mailing import mail_followers

log = logging.getLogger(__name__)


def scheduled_thread_mail() -> int:
    """Queue the thread mail that is due (the mail queue's job sends it)."""
    queued = mail_followers(stop=shutting_down())
    if queued:
        log.info("Thread mail: %d queued for followers", queued)
    return queued


def thread_mail_interval() -> IntervalTrigger:
    return IntervalTrigger(seconds=current_app.config["THREAD_MAIL_CHECK_SECONDS"])


JOBS = [
    Job("thread-mail", "Mail followers new comments", scheduled_thread_mail, thread_mail_interval)
]

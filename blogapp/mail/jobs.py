"""The mail feature's scheduled job: sending what pages have queued."""

from apscheduler.triggers.interval import IntervalTrigger
from flask import current_app

from ..scheduler import Job, shutting_down
from .queue import send_queued_mail


def scheduled_mail_queue() -> str | None:
    """Send the mail pages have queued (confirmations, resets, reply notices…); says what
    happened, if anything did."""
    report = send_queued_mail(stop=shutting_down())
    if report.sent or report.failed or report.retrying:
        return f"{report.summary}."
    return None


def mail_queue_interval() -> IntervalTrigger:
    return IntervalTrigger(seconds=current_app.config["MAIL_QUEUE_SECONDS"])


JOBS = [
    Job(
        "mail-queue",
        "Send queued mail",
        scheduled_mail_queue,
        mail_queue_interval,
        run_at_start=True,
    ),
]

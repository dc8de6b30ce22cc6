"""Background jobs on APScheduler: the daily digest, its retries, and union feed polling.

``create_app`` never starts this. ``flask scheduler`` runs it in a process of its own
(production); ``make run`` starts it once inside the development server. The database
says what has been sent, so a restart never repeats a digest and a missed one is sent
as soon as the scheduler is back.
"""

import logging
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask, current_app

from .bulletins.ingest import poll_all_feeds
from .dates import blog_zone, utcnow
from .digest.runs import DigestReport, run_digest
from .digest.schedule import digest_trigger
from .remote_images import copy_remote_images

log = logging.getLogger(__name__)

SHUTDOWN_KEY = "blogapp.shutdown"


@dataclass(frozen=True)
class Job:
    """A function run in an app context, on a trigger built from the app's settings."""

    id: str
    name: str
    run: Callable[[], Any]
    trigger: Callable[[], BaseTrigger]
    #: Also run once as soon as the scheduler starts (to catch up on what was missed).
    run_at_start: bool = False


def shutting_down() -> threading.Event:
    """Set when the scheduler is stopping, so a long job can end between two steps."""
    return current_app.extensions.setdefault(SHUTDOWN_KEY, threading.Event())


def scheduled_digest() -> DigestReport:
    """Send the due digest (or what is due of an unfinished one)."""
    report = run_digest(stop=shutting_down())
    for outcome in report.runs:
        log.info(outcome.summary)
    return report


def every_minute() -> IntervalTrigger:
    return IntervalTrigger(minutes=1)


def feed_polling_interval() -> IntervalTrigger:
    return IntervalTrigger(minutes=current_app.config["BULLETIN_POLL_MINUTES"])


def scheduled_feed_poll() -> None:
    """Fetch every union feed; each failure is recorded on its feed."""
    for result in poll_all_feeds():
        log.info(result.summary)


def every_ten_minutes() -> IntervalTrigger:
    return IntervalTrigger(minutes=10)


def scheduled_image_copy() -> None:
    """Copy here the remote images that posts and bulletins were saved or imported with."""
    changed = copy_remote_images()
    if changed:
        log.info("Copied the remote images of %d posts and bulletins.", changed)


def scheduled_jobs() -> list[Job]:
    """Everything the scheduler runs; another feature's job is one more line here."""
    return [
        Job("digest", "Daily email digest", scheduled_digest, digest_trigger, run_at_start=True),
        Job("digest-retries", "Digest retries after mail errors", scheduled_digest, every_minute),
        Job("bulletin-feeds", "Poll union feeds", scheduled_feed_poll, feed_polling_interval),
        Job(
            "remote-images",
            "Copy remote images of posts and bulletins",
            scheduled_image_copy,
            every_ten_minutes,
            run_at_start=True,
        ),
    ]


class BackgroundJobs:
    """The scheduler, its jobs, and a clean stop."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        with app.app_context():
            self.scheduler = BackgroundScheduler(
                timezone=blog_zone(),
                job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
            )
            for job in scheduled_jobs():
                self.add(job)

    def add(self, job: Job) -> None:
        options: dict[str, Any] = {}
        if job.run_at_start:
            options["next_run_time"] = utcnow()
        self.scheduler.add_job(
            self.in_app_context(job.run), job.trigger(), id=job.id, name=job.name, **options
        )

    def in_app_context(self, function: Callable[[], Any]) -> Callable[[], Any]:
        def run() -> Any:
            with self.app.app_context():
                return function()

        return run

    def start(self) -> None:
        self.app.extensions[SHUTDOWN_KEY] = threading.Event()
        self.scheduler.start()

    def stop(self) -> None:
        """Ask running jobs to finish what they are doing, then wait for them."""
        self.app.extensions[SHUTDOWN_KEY].set()
        self.scheduler.shutdown(wait=True)


def run_until_signalled(app: Flask) -> None:
    """Run the jobs in this process until SIGTERM or SIGINT (Ctrl-C), then stop cleanly."""
    stop = threading.Event()
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda *_: stop.set())
    jobs = BackgroundJobs(app)
    jobs.start()
    log.info("Scheduler started: %s", ", ".join(job.name for job in jobs.scheduler.get_jobs()))
    stop.wait()
    jobs.stop()

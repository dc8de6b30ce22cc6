"""Background jobs on APScheduler, and the services a server process runs beside the blog.

Each feature lists its jobs in its ``jobs.py`` (``JOBS``) and ``create_app`` collects them
as it does blueprints; every job runs through ``run_job`` (its app context, its log line:
a job returns a sentence saying what it did, or None when there was nothing to do).
``create_app`` never starts anything: ``flask scheduler`` runs ``background_services`` in
a process of its own (production), ``make run`` inside the development server. The
database says what has been sent, so a restart never repeats a digest and a missed one is
sent as soon as the scheduler is back.

Any number of scheduler processes may run on one database: the one holding the scheduler
lock (``locks``) acts, the others wait and try to take it every SCHEDULER_LOCK_SECONDS, so
one of them takes over when the acting one dies. ``run_job`` asks before every job.
"""

import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any

import click
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from flask import Flask, current_app
from sqlalchemy.exc import DBAPIError

from .dates import blog_zone, utcnow
from .extensions import db
from .health import record_heartbeat
from .locks import ProcessLock, process_lock
from .mail.catcher import local_mail_unless_configured
from .mail.transport import LOCAL_SERVER_KEY

log = logging.getLogger(__name__)

SHUTDOWN_KEY = "blogapp.shutdown"
JOBS_KEY = "blogapp.jobs"
LEADERSHIP_KEY = "blogapp.scheduler_leadership"


@dataclass(frozen=True)
class Job:
    """A function run in an app context, on a trigger built from the app's settings."""

    id: str
    name: str
    run: Callable[[], Any]
    trigger: Callable[[], BaseTrigger]
    #: Also run once as soon as the scheduler starts (to catch up on what was missed).
    run_at_start: bool = False


def register_jobs(app: Flask, *feature_jobs: Iterable[Job]) -> None:
    """Collect the features' jobs, as blueprints are collected."""
    app.extensions[JOBS_KEY] = [job for jobs in feature_jobs for job in jobs]


def scheduled_jobs() -> list[Job]:
    """Everything the scheduler runs in this app."""
    return list(current_app.extensions.get(JOBS_KEY, []))


def shutting_down() -> threading.Event:
    """Set when the scheduler is stopping, so a long job can end between two steps."""
    return current_app.extensions.setdefault(SHUTDOWN_KEY, threading.Event())


class Leadership:
    """Whether this process is the scheduler that acts: the one holding the scheduler lock.

    Jobs run on several threads at once; one thread at a time asks the lock.
    """

    def __init__(self, lock: ProcessLock, retry_seconds: float) -> None:
        self.lock = lock
        self.retry_seconds = retry_seconds
        self.leading = False
        self.next_try = 0.0
        self.asking = threading.Lock()

    def leads(self) -> bool:
        """True while this process holds the lock; a follower tries again once a period."""
        with self.asking:
            if self.leading and self.lock.still_held():
                return True
            if self.leading:
                log.warning("This scheduler lost the lock; it stops acting and waits to retake it")
                self.leading = False
            if time.monotonic() < self.next_try:
                return False
            self.next_try = time.monotonic() + self.retry_seconds
            try:
                self.leading = self.lock.try_acquire()
            except DBAPIError as error:
                log.warning("The scheduler lock cannot be asked for now: %s", error.orig or error)
            return self.leading

    def release(self) -> None:
        with self.asking:
            self.lock.release()
            self.leading = False


def job_may_run(app: Flask) -> bool:
    """Whether this process acts: always, unless it is a scheduler that is not the leader."""
    leadership: Leadership | None = app.extensions.get(LEADERSHIP_KEY)
    return leadership is None or leadership.leads()


def run_job(app: Flask, job: Job) -> Any:
    """Run one job as every job runs: in an app context, only in the scheduler that holds
    the lock, its failure logged, never raised."""
    with app.app_context():
        if not job_may_run(app):
            log.debug("%s: another scheduler holds the lock and runs it", job.name)
            return None
        started = time.monotonic()
        try:
            result = job.run()
        except Exception:
            log.exception("%s failed; it runs again at its next time", job.name)
            return None
        finally:
            record_heartbeat()
        said = outcome_in_words(result)
        took = time.monotonic() - started
        if said:
            log.info("%s: %s (%.2f s)", job.name, said, took)
        else:
            log.debug("%s: nothing to do (%.2f s)", job.name, took)
        return result


def outcome_in_words(result: Any) -> str | None:
    """A job's result as a sentence: the text it returned, or its ``summary``; None when it
    had nothing to report (logged only at debug level, so quiet minutes stay quiet)."""
    summary = getattr(result, "summary", result)
    if callable(summary):
        summary = summary()
    return summary if isinstance(summary, str) and summary else None


WAITING = "Another scheduler holds the lock and runs the jobs; this one waits, ready to take over"


class BackgroundJobs:
    """The scheduler, its jobs, the lock that lets one scheduler act, and a clean stop."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        with app.app_context():
            self.scheduler = BackgroundScheduler(
                timezone=blog_zone(),
                job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
            )
            self.jobs = scheduled_jobs()
            for job in self.jobs:
                self.add(job)
            retry_seconds = app.config["SCHEDULER_LOCK_SECONDS"]
            lock = process_lock(app, db.engine, "scheduler")
        self.leadership = Leadership(lock, retry_seconds)
        self.scheduler.add_job(
            self.watch_the_lock, "interval", seconds=retry_seconds, id="scheduler-lock"
        )

    def add(self, job: Job) -> None:
        options: dict[str, Any] = {}
        if job.run_at_start:
            options["next_run_time"] = utcnow()
        self.scheduler.add_job(
            run_job, job.trigger(), args=(self.app, job), id=job.id, name=job.name, **options
        )

    def start(self) -> None:
        self.app.extensions[SHUTDOWN_KEY] = threading.Event()
        self.app.extensions[LEADERSHIP_KEY] = self.leadership
        leading = self.leadership.leads()
        self.scheduler.start()
        log.info("Scheduler started: %s", ", ".join(job.name for job in self.jobs))
        log.info("This scheduler holds the lock and runs the jobs" if leading else WAITING)

    def watch_the_lock(self) -> None:
        """Keep trying to take the lock while waiting; on taking it, catch up at once."""
        was_leading = self.leadership.leading
        leading = self.leadership.leads()
        if leading and not was_leading:
            log.info("This scheduler took the lock: it runs the jobs from now on")
            for job in self.jobs:
                if job.run_at_start:
                    self.scheduler.modify_job(job.id, next_run_time=utcnow())

    def stop(self) -> None:
        """Ask running jobs to finish what they are doing, wait for them, then hand the lock
        to a waiting scheduler."""
        self.app.extensions[SHUTDOWN_KEY].set()
        self.scheduler.shutdown(wait=True)
        self.leadership.release()
        self.app.extensions.pop(LEADERSHIP_KEY, None)


@contextmanager
def background_services(app: Flask, *, embedded: bool = False) -> Iterator[None]:
    """What runs beside the blog: the local mail catcher (unless MAIL_SERVER is set) and
    the scheduler with every job, queued mail included. For ``serve`` (``embedded``, which
    catches mail unasked) and ``scheduler``."""
    port = app.config["MAIL_CATCHER_PORT"]
    with ExitStack() as stack:
        try:
            outbox = stack.enter_context(local_mail_unless_configured(app, port, embedded=embedded))
        except OSError as error:
            raise click.ClickException(str(error)) from error
        if outbox is None:
            click.echo(f"  Mail goes out through {app.config['MAIL_SERVER']}.")
        else:
            caught = f"port {app.extensions[LOCAL_SERVER_KEY][1]} and kept in {outbox}"
            click.echo(f"  Mail is caught on {caught}: see /admin/outbox.")
        jobs = BackgroundJobs(app)
        jobs.start()
        stack.callback(jobs.stop)
        yield

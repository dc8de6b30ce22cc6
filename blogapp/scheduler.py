"""Background jobs on APScheduler, and the services a server process runs beside the blog.

Each feature lists its jobs in its ``jobs.py`` (``JOBS``) and ``create_app`` collects them
as it does blueprints; every job runs through ``run_job`` (its app context, its log line).
``create_app`` never starts anything: ``flask scheduler`` runs ``background_services`` in
a process of its own (production), ``make run`` inside the development server. The
database says what has been sent, so a restart never repeats a digest and a missed one is
sent as soon as the scheduler is back.
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

from .dates import blog_zone, utcnow
from .health import record_heartbeat
from .mail.catcher import local_mail_unless_configured
from .mail.transport import LOCAL_SERVER_KEY

log = logging.getLogger(__name__)

SHUTDOWN_KEY = "blogapp.shutdown"
JOBS_KEY = "blogapp.jobs"


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


def run_job(app: Flask, job: Job) -> Any:
    """Run one job as every job runs: in an app context, its failure logged, never raised."""
    with app.app_context():
        started = time.monotonic()
        try:
            result = job.run()
        except Exception:
            log.exception("%s failed; it runs again at its next time", job.name)
            return None
        finally:
            record_heartbeat()
        log.debug("%s took %.2f s", job.name, time.monotonic() - started)
        return result


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
            run_job, job.trigger(), args=(self.app, job), id=job.id, name=job.name, **options
        )

    def start(self) -> None:
        self.app.extensions[SHUTDOWN_KEY] = threading.Event()
        self.scheduler.start()
        log.info("Scheduler started: %s", ", ".join(job.name for job in self.scheduler.get_jobs()))

    def stop(self) -> None:
        """Ask running jobs to finish what they are doing, then wait for them."""
        self.app.extensions[SHUTDOWN_KEY].set()
        self.scheduler.shutdown(wait=True)


@contextmanager
def background_services(app: Flask) -> Iterator[None]:
    """What runs beside the blog: the local mail catcher (unless MAIL_SERVER is set) and
    the scheduler with every job, queued mail included. For ``serve`` and ``scheduler``."""
    port = app.config["MAIL_CATCHER_PORT"]
    with ExitStack() as stack:
        try:
            outbox = stack.enter_context(local_mail_unless_configured(app, port))
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

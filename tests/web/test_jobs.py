"""One registry of background jobs, each feature's collected as blueprints are, all run
through one wrapper."""

import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from flask import current_app

from blogapp.digest.jobs import every_minute
from blogapp.scheduler import Job, run_job, scheduled_jobs


def test_every_features_jobs_are_registered_and_the_queue_goes_every_half_minute(app):
    jobs = {job.id: job for job in scheduled_jobs()}

    assert set(jobs) == {
        "mail-queue",
        "digest",
        "digest-retries",
        "bulletin-feeds",
        "remote-images",
        "moderation-mail",
        "backup",
        "thread-mail",
    }
    assert jobs["mail-queue"].trigger().interval == timedelta(seconds=30)
    assert jobs["mail-queue"].run_at_start
    assert jobs["thread-mail"].trigger().interval == timedelta(seconds=300)


def test_a_job_runs_in_an_app_context_of_its_own_even_from_another_thread(app):
    title = Job("title", "Blog title", lambda: current_app.config["BLOG_TITLE"], every_minute)
    with ThreadPoolExecutor(1) as thread:
        assert thread.submit(run_job, app, title).result() == "On Probation"


def test_a_failing_job_is_logged_and_does_not_stop_the_scheduler(app, caplog):
    def broken() -> None:
        raise RuntimeError("the feed server is on fire")

    with caplog.at_level(logging.ERROR, logger="blogapp.scheduler"):
        assert run_job(app, Job("broken", "A broken job", broken, every_minute)) is None

    assert "A broken job failed; it runs again at its next time" in caplog.text
    assert "the feed server is on fire" in caplog.text

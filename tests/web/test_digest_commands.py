"""``flask digest run`` / ``preview``, and the scheduler catching up after downtime."""

import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from support.bulletins import add_bulletin
from support.digests import wait_for
from support.mail import text_of

from blogapp.dates import utcnow
from blogapp.digest.schedule import latest_digest_time
from blogapp.extensions import db
from blogapp.models import DigestRun
from blogapp.scheduler import BackgroundJobs, scheduled_jobs

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def due_window():
    """The window of the digest due now: [yesterday's digest time, today's)."""
    end = latest_digest_time(utcnow())
    return end - timedelta(days=1), end


@pytest.fixture
def missed_digest(app, subscriber, make_post, due_window):
    """The last run ended a day before the due digest time: the scheduler was down."""
    start, end = due_window
    db.session.add(DigestRun(window_start=start - timedelta(days=1), window_end=start))
    db.session.commit()
    subscriber("follower@example.org")
    make_post("Written while the scheduler was down", published_at=end - timedelta(hours=1))


def test_digest_run_sends_the_due_digest_once(runner, subscriber, make_post, due_window, mailbox):
    subscriber("follower@example.org")
    make_post("Caseloads at breaking point", published_at=due_window[1] - timedelta(hours=2))

    result = runner.invoke(args=["digest", "run"])

    assert result.exit_code == 0, result.output
    assert "1 sent" in result.output
    assert "finished" in result.output
    assert len(mailbox.to("follower@example.org")) == 1

    again = runner.invoke(args=["digest", "run"])
    assert again.exit_code == 0
    assert "Nothing due: the next digest goes at" in again.output
    assert len(mailbox.messages) == 1


def test_digest_preview_prints_what_a_reader_would_get_and_sends_nothing(
    runner, subscriber, make_post, due_window, mailbox
):
    subscriber("follower@example.org", streams={"posts"})
    make_post("Caseloads at breaking point", published_at=due_window[1] - timedelta(hours=2))

    text = runner.invoke(args=["digest", "preview", "--email", "Follower@Example.org"])
    html = runner.invoke(args=["digest", "preview", "--email", "follower@example.org", "--html"])

    assert text.exit_code == 0, text.output
    assert "Subject: 1 new post — On Probation," in text.output
    assert "NEW POSTS" in text.output
    assert "Caseloads at breaking point" in text.output
    assert "Unsubscribe: http://blog.test/unsubscribe/" in text.output
    assert "<h2" in html.output
    assert "Caseloads at breaking point</a>" in html.output
    assert mailbox.messages == []
    assert DigestRun.query.count() == 0


def test_digest_preview_explains_an_unknown_address_and_an_empty_digest(runner, make_user):
    unknown = runner.invoke(args=["digest", "preview", "--email", "nobody@example.org"])
    assert unknown.exit_code != 0
    assert "There is no account with the address nobody@example.org." in unknown.output

    make_user(email="reader@example.org")
    empty = runner.invoke(args=["digest", "preview", "--email", "reader@example.org"])
    assert empty.exit_code == 0
    assert "does not subscribe" in empty.output
    assert "Nothing new for reader@example.org since" in empty.output


def test_digest_preview_without_a_secret_key_says_what_is_missing(app, runner, subscriber):
    subscriber("follower@example.org")
    app.config["SECRET_KEY"] = None

    result = runner.invoke(args=["digest", "preview", "--email", "follower@example.org"])

    assert result.exit_code != 0
    assert "No secret key: run `flask setup` first (or set SECRET_KEY)." in result.output
    assert not isinstance(result.exception, TypeError)


def test_the_jobs_run_the_digest_at_digest_time_and_retry_every_minute(app):
    jobs = {job.id: job for job in scheduled_jobs()}
    assert str(jobs["digest"].trigger()) == "cron[hour='7', minute='0']"
    assert jobs["digest"].run_at_start
    assert jobs["digest-retries"].trigger().interval == timedelta(minutes=1)


def test_a_missed_digest_is_sent_when_the_scheduler_starts(app, missed_digest, mailbox):
    jobs = BackgroundJobs(app)
    jobs.start()
    try:
        assert wait_for(lambda: mailbox.to("follower@example.org")), "no digest arrived"
    finally:
        jobs.stop()

    (message,) = mailbox.to("follower@example.org")
    assert "Written while the scheduler was down" in message.get_body(("plain",)).get_content()


def test_flask_scheduler_catches_up_then_stops_cleanly_on_sigterm(
    app, app_config, missed_digest, mailbox
):
    environment = {
        **os.environ,
        "DATABASE_URL": app_config["DATABASE_URL"],
        "SECRET_KEY": app_config["SECRET_KEY"],
        "SITE_URL": app_config["SITE_URL"],
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(app_config["MAIL_PORT"]),
        "BLOGAPP_INSTANCE_PATH": app.instance_path,
    }
    flask = Path(sys.executable).with_name("flask")
    process = subprocess.Popen(
        [str(flask), "--app", "blogapp", "scheduler"],
        cwd=REPO,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        arrived = wait_for(lambda: mailbox.to("follower@example.org"))
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=60)

    assert arrived, output
    assert process.returncode == 0, output
    assert "Scheduler started" in output
    assert len(mailbox.to("follower@example.org")) == 1


def test_digest_send_mails_the_next_digest_marked_as_a_test_and_records_nothing(
    runner, subscriber, make_post, due_window, mailbox
):
    subscriber("follower@example.org")
    make_post("Caseloads at breaking point", published_at=due_window[1] - timedelta(hours=2))

    result = runner.invoke(args=["digest", "send", "--to", "Trying@Example.org"])

    assert result.exit_code == 0, result.output
    (message,) = mailbox.to("trying@example.org")
    assert message["Subject"].startswith("[Test] ")
    assert message["X-Blogapp-Test"]
    assert "Caseloads at breaking point" in text_of(message)
    assert DigestRun.query.count() == 0
    assert mailbox.to("follower@example.org") == []

    assert runner.invoke(args=["digest", "run"]).exit_code == 0
    assert len(mailbox.to("follower@example.org")) == 1, "subscribers still get the digest"


def test_digest_send_to_a_subscriber_follows_their_choice(
    runner, subscriber, make_post, due_window, mailbox
):
    db.session.add(DigestRun(window_start=due_window[0], window_end=due_window[1]))
    db.session.commit()
    subscriber("follower@example.org", streams={"bulletins"})
    make_post("Caseloads at breaking point", published_at=utcnow())
    add_bulletin("Pay offer rejected", published_at=utcnow())

    result = runner.invoke(args=["digest", "send", "--to", "follower@example.org"])
    assert result.exit_code == 0, result.output

    (message,) = mailbox.to("follower@example.org")
    assert "Pay offer rejected" in text_of(message)
    assert "Caseloads at breaking point" not in text_of(message)


def test_digest_send_with_nothing_new_says_so_and_sends_nothing(runner, mailbox):
    result = runner.invoke(args=["digest", "send", "--to", "someone@example.org"])

    assert result.exit_code == 1
    assert "Nothing new since" in result.output
    assert mailbox.messages == []

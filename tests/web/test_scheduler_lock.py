"""Any number of schedulers on one database: the one holding the lock acts, another takes
over when it dies; two migrations at once take turns."""

import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from support.database import reset_postgres_schema
from support.digests import wait_for

from blogapp.digest.jobs import every_minute
from blogapp.extensions import db
from blogapp.locks import process_lock
from blogapp.mail.queue import add_to_queue
from blogapp.mail.transport import OutgoingMessage
from blogapp.scheduler import LEADERSHIP_KEY, Job, Leadership, run_job

REPO = Path(__file__).resolve().parents[2]
LEADING = "This scheduler holds the lock and runs the jobs"
WAITING = "Another scheduler holds the lock and runs the jobs; this one waits"
TOOK_OVER = "This scheduler took the lock: it runs the jobs from now on"


def leadership(app) -> Leadership:
    return Leadership(process_lock(app, db.engine, "scheduler"), retry_seconds=0)


def test_one_process_holds_the_scheduler_lock_until_it_lets_go(app):
    first, second = leadership(app), leadership(app)
    try:
        assert first.leads()
        assert not second.leads(), "two schedulers would act at once"
        assert first.leads(), "the leader keeps the lock"

        first.release()

        assert second.leads(), "the waiting scheduler did not take the free lock"
        assert not first.leads()
    finally:
        first.release()
        second.release()


def test_a_leader_whose_database_connection_dies_stops_acting(app, caplog):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("only a PostgreSQL lock lives on a connection")
    leader, standby = leadership(app), leadership(app)
    try:
        assert leader.leads()
        backend = leader.lock.connection.scalar(text("SELECT pg_backend_pid()"))
        with db.engine.begin() as connection:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
        assert wait_for(standby.leads, seconds=10), "the lock was not freed"

        with caplog.at_level(logging.WARNING, logger="blogapp.scheduler"):
            assert not leader.leads(), "it went on acting without the lock"
        assert "This scheduler lost the lock" in caplog.text
    finally:
        leader.release()
        standby.release()


def test_a_scheduler_without_the_lock_runs_no_job(app):
    holder, waiting = leadership(app), leadership(app)
    ran = []
    job = Job("note", "Note a run", lambda: ran.append(1), every_minute)
    try:
        assert holder.leads()
        app.extensions[LEADERSHIP_KEY] = waiting

        assert run_job(app, job) is None
        assert ran == []

        holder.release()
        run_job(app, job)
        assert ran == [1], "the job did not run once this scheduler took the lock"
    finally:
        app.extensions.pop(LEADERSHIP_KEY, None)
        holder.release()
        waiting.release()


def queue_hello() -> None:
    data = b"Subject: Hello\r\nTo: reader@example.org\r\n\r\nFrom the standby.\r\n"
    add_to_queue("test", OutgoingMessage("blog@example.org", "reader@example.org", data), "<1@x>")
    db.session.commit()


def start_scheduler(app, app_config, mailbox, log_path: Path) -> subprocess.Popen:
    environment = {
        **os.environ,
        "DATABASE_URL": app_config["DATABASE_URL"],
        "SECRET_KEY": app_config["SECRET_KEY"],
        "SITE_URL": app_config["SITE_URL"],
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(app_config["MAIL_PORT"]),
        "BLOGAPP_INSTANCE_PATH": app.instance_path,
        "SCHEDULER_LOCK_SECONDS": "1",
        "MAIL_QUEUE_SECONDS": "1",
    }
    flask = Path(sys.executable).with_name("flask")
    with log_path.open("w") as log:
        return subprocess.Popen(
            [str(flask), "--app", "blogapp", "scheduler"],
            cwd=REPO,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def test_a_standby_scheduler_takes_over_when_the_leader_is_killed(
    app, app_config, mailbox, tmp_path
):
    logs = [tmp_path / "first.log", tmp_path / "second.log"]
    processes = [start_scheduler(app, app_config, mailbox, path) for path in logs]
    try:
        assert wait_for(
            lambda: all(WAITING in path.read_text() or LEADING in path.read_text() for path in logs)
        ), [path.read_text() for path in logs]
        said = [path.read_text() for path in logs]
        assert sum(LEADING in text for text in said) == 1, said
        assert sum(WAITING in text for text in said) == 1, said
        leader = 0 if LEADING in said[0] else 1
        standby = 1 - leader

        processes[leader].send_signal(signal.SIGKILL)
        processes[leader].wait(timeout=30)
        killed_at = time.monotonic()
        took_over = wait_for(lambda: TOOK_OVER in logs[standby].read_text(), seconds=60)
        print(f"standby took over in {time.monotonic() - killed_at:.1f} s")
        queue_hello()
        # ``arrived``, not ``to()``: reading that way would send the queue from this process.
        sent_by_standby = wait_for(lambda: mailbox.arrived, seconds=30)
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(timeout=60)

    assert took_over, logs[standby].read_text()
    assert sent_by_standby, "the standby took the lock but did not run the mail queue"
    assert processes[standby].returncode == 0, logs[standby].read_text()


def test_two_migrations_at_once_take_turns(app, app_config, tmp_path):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite test databases are prepared from a template")
    db.session.remove()
    db.engine.dispose()
    reset_postgres_schema(app_config["DATABASE_URL"])
    environment = {
        **os.environ,
        "DATABASE_URL": app_config["DATABASE_URL"],
        "SECRET_KEY": app_config["SECRET_KEY"],
        "BLOGAPP_INSTANCE_PATH": app.instance_path,
    }
    flask = Path(sys.executable).with_name("flask")
    upgrades = [
        subprocess.Popen(
            [str(flask), "--app", "blogapp", "db", "upgrade"],
            cwd=REPO,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [upgrade.communicate(timeout=180)[0] for upgrade in upgrades]

    assert [upgrade.returncode for upgrade in upgrades] == [0, 0], outputs
    assert "DuplicateTable" not in "".join(outputs)
    assert "posts" in inspect(db.engine).get_table_names()

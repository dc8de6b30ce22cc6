"""PostgreSQL names each process's connections, so an operator looking at pg_stat_activity
sees which are the web workers', the scheduler's or a command's."""

import pytest
from sqlalchemy import text

from blogapp.config import application_name
from blogapp.extensions import db


@pytest.mark.parametrize(
    ("argv", "name"),
    [
        (["/srv/blog/.venv/bin/gunicorn", "-w", "4", "blogapp.wsgi:app"], "blogapp web"),
        (["/srv/blog/.venv/bin/flask", "--app", "blogapp", "scheduler"], "blogapp scheduler"),
        (["/usr/lib/python3/flask/__main__.py", "-A", "blogapp", "serve"], "blogapp serve"),
        (["/srv/blog/.venv/bin/flask", "--app=blogapp", "digest", "run"], "blogapp digest"),
        (["/srv/blog/.venv/bin/flask", "--help"], "blogapp"),
        ([], "blogapp web"),
    ],
)
def test_each_process_is_named_after_what_it_runs(argv, name):
    assert application_name(argv) == name


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_postgresql_shows_the_name_of_the_process(app):
    shown = db.session.scalar(
        text("SELECT application_name FROM pg_stat_activity WHERE pid = pg_backend_pid()")
    )

    assert shown == "blogapp web"

"""Logs a person running the blog can follow: one line per request with its id, the same id
in X-Request-Id and in any error logged while serving it, times and levels on every line,
JSON for log shippers, and scheduled jobs saying what they did in words."""

import io
import json
import logging
import os
import re
import uuid
from collections.abc import Iterator

import pytest
from flask import Flask
from support.feed_server import feed_server
from werkzeug.test import TestResponse

from blogapp import create_app
from blogapp.bulletins.jobs import scheduled_feed_poll
from blogapp.bulletins.operations import add_feed
from blogapp.extensions import db
from blogapp.ops.logs import configure_logging
from blogapp.scheduler import Job, run_job

TEXT_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (INFO|WARNING|ERROR) \[([^\]]+)\] ")


def logged_app(config: dict) -> Iterator[tuple[Flask, io.StringIO]]:
    """An app whose log lines are captured, with a view that fails (and fails as in
    production: a 500 page, not an exception raised into the test)."""
    app = create_app({**config, "PROPAGATE_EXCEPTIONS": False})
    lines = io.StringIO()
    configure_logging(app, lines)

    @app.get("/fails")
    def fails() -> str:
        raise RuntimeError("the view broke")

    yield app, lines
    logging.getLogger().handlers[:] = [
        handler for handler in logging.getLogger().handlers if handler.stream is not lines
    ]
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def logged(app_config) -> Iterator[tuple[Flask, io.StringIO]]:
    yield from logged_app(app_config)


@pytest.fixture
def logged_json(app_config) -> Iterator[tuple[Flask, io.StringIO]]:
    yield from logged_app({**app_config, "LOG_FORMAT": "json"})


def get(app: Flask, path: str, **options) -> TestResponse:
    """A request whose answer is read and closed, as a real server does before logging."""
    return app.test_client().get(path, buffered=True, **options)


def access_lines(lines: io.StringIO) -> list[str]:
    return [line for line in lines.getvalue().splitlines() if "blogapp.access:" in line]


def test_each_request_gets_one_line_with_its_id_method_path_status_time_and_worker(logged):
    app, lines = logged

    response = get(app, "/about-nothing?x=1")

    request_id = response.headers["X-Request-Id"]
    assert re.fullmatch(r"[0-9a-f]{16}", request_id)
    [line] = access_lines(lines)
    assert TEXT_LINE.match(line).groups() == ("INFO", request_id)
    assert re.search(rf"GET /about-nothing 404 \d+\.\d ms pid={os.getpid()} from ", line)


def test_a_page_served_from_the_page_cache_is_logged_too(logged):
    app, lines = logged
    get(app, "/")
    get(app, "/")

    assert [" 200 " in line for line in access_lines(lines)] == [True, True]


@pytest.mark.parametrize(
    ("incoming", "kept"),
    [
        ("req-7f3a9c21-proxy", True),
        ("short", False),
        ("has spaces in it and more", False),
        ('quote"and<angle>brackets', False),
        ("a" * 101, False),
    ],
)
def test_an_incoming_request_id_is_kept_only_when_it_looks_sane(logged, incoming, kept):
    app, lines = logged

    response = get(app, "/", headers={"X-Request-Id": incoming})

    assert (response.headers["X-Request-Id"] == incoming) is kept
    assert response.headers.getlist("X-Request-Id") == [response.headers["X-Request-Id"]]
    assert f"[{response.headers['X-Request-Id']}]" in access_lines(lines)[0]


def test_an_error_while_serving_is_logged_with_the_request_id(logged):
    app, lines = logged

    response = get(app, "/fails")

    assert response.status_code == 500
    request_id = response.headers["X-Request-Id"]
    errors = [line for line in lines.getvalue().splitlines() if TEXT_LINE.match(line)]
    error = next(line for line in errors if " ERROR " in line)
    assert TEXT_LINE.match(error).groups() == ("ERROR", request_id)
    assert "RuntimeError: the view broke" in lines.getvalue()


def test_a_warning_outside_a_request_has_its_time_and_level(logged):
    _, lines = logged

    # Words of its own: pelican (read by the export tests) drops a message it has seen before.
    name = f"blogapp.test{uuid.uuid4().hex}"
    logging.getLogger(name).warning("Something to look at, %s", name)

    # Only this test's line: a thread an earlier test left behind may log meanwhile.
    [line] = [line for line in lines.getvalue().splitlines() if name in line]
    assert TEXT_LINE.match(line).groups() == ("WARNING", "-")
    assert line.endswith(f"{name}: Something to look at, {name}")


def test_json_logs_are_one_object_a_line_with_the_request_fields(logged_json):
    app, lines = logged_json

    response = get(app, "/fails")

    records = [json.loads(line) for line in lines.getvalue().splitlines() if line.startswith("{")]
    assert len(records) == len(lines.getvalue().splitlines())
    error = next(record for record in records if record["level"] == "ERROR")
    access = next(record for record in records if record["logger"] == "blogapp.access")
    request_id = response.headers["X-Request-Id"]
    assert error["request_id"] == access["request_id"] == request_id
    assert "RuntimeError: the view broke" in error["exception"]
    assert access["method"] == "GET"
    assert access["path"] == "/fails"
    assert access["status"] == 500
    assert access["pid"] == os.getpid()
    assert isinstance(access["duration_ms"], float)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", access["time"])


@pytest.mark.parametrize(("proxies", "shown"), [(0, "127.0.0.1"), (1, "203.0.113.9")])
def test_x_forwarded_for_is_believed_only_behind_configured_proxies(app_config, proxies, shown):
    for app, lines in logged_app({**app_config, "TRUSTED_PROXIES": proxies}):
        get(
            app,
            "/",
            headers={"X-Forwarded-For": "203.0.113.9"},
            environ_base={"REMOTE_ADDR": "127.0.0.1"},
        )

        assert access_lines(lines)[0].endswith(f" from {shown}")


def test_the_feed_poll_says_what_each_feed_gave(logged, caplog):
    app, _ = logged
    with feed_server() as server, app.app_context():
        add_feed("Broken", server.serve("/broken", status=500))
        with caplog.at_level(logging.INFO, logger="blogapp.scheduler"):
            run_job(app, Job("bulletin-feeds", "Poll union feeds", scheduled_feed_poll, list))

    [message] = [record.getMessage() for record in caplog.records if "Poll" in record.getMessage()]
    assert re.fullmatch(
        r"Poll union feeds: Broken: error: The server answered HTTP 500 Internal Server Error\. "
        r"\(\d+\.\d\d s\)",
        message,
    )
    assert "bound method" not in message


def test_a_job_with_nothing_to_report_stays_quiet(app, caplog):
    with caplog.at_level(logging.INFO, logger="blogapp.scheduler"):
        run_job(app, Job("quiet", "A quiet job", lambda: None, list))

    assert not [record for record in caplog.records if "A quiet job" in record.getMessage()]

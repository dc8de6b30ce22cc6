"""Logging for the whole process: every line with its time and level, the request it belongs
to, and, with ``LOG_FORMAT=json``, one JSON object per line for a log shipper.

``configure_logging`` is called once by ``create_app`` (again for another app, it replaces
its own handler rather than adding a second). The request id comes from a context variable
that the request log (``request_log``) sets while a request is served, so a warning or a
traceback logged deep inside a view carries the id the visitor sees in ``X-Request-Id``.
"""

import json
import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, TextIO

from flask import Flask
from flask.logging import default_handler

#: The id of the request being served on this thread, "-" outside requests.
current_request_id: ContextVar[str] = ContextVar("current_request_id", default="-")

TEXT_FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"
#: Attributes every LogRecord has; whatever else a record carries was passed in ``extra``.
STANDARD_ATTRIBUTES = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


class RequestIdFilter(logging.Filter):
    """Give every record the id of the request it was logged in (``request_id``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, request id, and the
    request's fields (method, path, status…) when the record carries them."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        entry |= {
            name: value
            for name, value in record.__dict__.items()
            if name not in STANDARD_ATTRIBUTES and name not in entry
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class StandardErrorHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time, as Python's last-resort handler does."""

    @property  # type: ignore[override]
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        """StreamHandler sets its stream; this handler always asks sys.stderr instead."""


def log_handler(log_format: str, stream: TextIO | None = None) -> logging.Handler:
    """A handler writing ``text`` or ``json`` lines, each with its request id."""
    handler = StandardErrorHandler() if stream is None else logging.StreamHandler(stream)
    formatter = JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)
    handler.setFormatter(formatter)
    handler.addFilter(RequestIdFilter())
    handler.blogapp_handler = True  # type: ignore[attr-defined]
    return handler


def install_handler(handler: logging.Handler, level: str | int) -> None:
    """Make ``handler`` the root logger's blogapp handler, replacing one installed before."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "blogapp_handler", False)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)


#: Loggers that say at INFO what the blog already says better: APScheduler's executors log
#: "Running job…" and "executed successfully" for every run; ``run_job`` gives a sentence.
QUIETED = ("apscheduler.executors",)


def configure_logging(app: Flask, stream: TextIO | None = None) -> None:
    """Send every logger's records (the app's, the scheduler's, the servers') through one
    handler on the root logger, in LOG_FORMAT, from LOG_LEVEL up."""
    app.logger.removeHandler(default_handler)
    install_handler(log_handler(app.config["LOG_FORMAT"], stream), app.config["LOG_LEVEL"])
    for name in QUIETED:
        logging.getLogger(name).setLevel(logging.WARNING)

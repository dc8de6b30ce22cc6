"""One log line per request, its id in ``X-Request-Id``, and the request counters.

The middleware sits outside the page cache's own middleware, so a page answered straight
from the cache is logged and counted like any other.
"""

import logging
import os
import re
import secrets
import time
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask
from werkzeug.exceptions import HTTPException
from werkzeug.wsgi import ClosingIterator

from .counters import REQUEST_SECONDS, REQUESTS
from .logs import current_request_id

log = logging.getLogger("blogapp.access")

#: An id a proxy or a client may hand in: short, and nothing a log reader could trip on.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,99}")
REQUEST_ID_KEY = "blogapp.request_id"
#: Requests no route matches share one label, so made-up addresses cannot grow the metrics.
UNMATCHED = "unmatched"


def request_id_for(environ: dict[str, Any]) -> str:
    """The incoming X-Request-Id when it looks sane, else a new random one."""
    incoming = environ.get("HTTP_X_REQUEST_ID", "")
    if SANE_REQUEST_ID.fullmatch(incoming):
        return incoming
    return secrets.token_hex(8)


class RequestLog:
    """WSGI middleware: give the request an id, answer with it, then log and count it."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.wrapped = app.wsgi_app

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        started = time.perf_counter()
        request_id = request_id_for(environ)
        environ[REQUEST_ID_KEY] = request_id
        token = current_request_id.set(request_id)
        answered: dict[str, int] = {}

        def start_with_id(status: str, headers: list, exc_info: Any = None) -> Callable:
            answered["status"] = int(status.split(" ", 1)[0])
            headers = [(name, value) for name, value in headers if name.lower() != "x-request-id"]
            return start_response(status, [*headers, ("X-Request-Id", request_id)], exc_info)

        try:
            body = self.wrapped(environ, start_with_id)
        finally:
            current_request_id.reset(token)
        return ClosingIterator(
            body, lambda: self.finish(environ, answered.get("status", 500), started)
        )

    def finish(self, environ: dict[str, Any], status: int, started: float) -> None:
        """Log the request's line and count it, once its answer has been sent."""
        seconds = time.perf_counter() - started
        endpoint = self.endpoint_of(environ)
        method = environ.get("REQUEST_METHOD", "-")
        REQUESTS.labels(endpoint, method, str(status)).inc()
        REQUEST_SECONDS.labels(endpoint).observe(seconds)
        path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
        fields = {
            "request_id": environ[REQUEST_ID_KEY],
            "method": method,
            "path": path,
            "status": status,
            "duration_ms": round(seconds * 1000, 1),
            "pid": os.getpid(),
            "remote_addr": environ.get("REMOTE_ADDR", "-"),
        }
        log.info(
            "%s %s %s %.1f ms pid=%s from %s",
            method,
            path[:300],
            status,
            fields["duration_ms"],
            fields["pid"],
            fields["remote_addr"],
            extra=fields,
        )

    def endpoint_of(self, environ: dict[str, Any]) -> str:
        """The view that answered; for a page the cache answered, the view that would have."""
        request = environ.get("werkzeug.request")
        if request is not None and getattr(request, "url_rule", None) is not None:
            return request.url_rule.endpoint
        try:
            endpoint, _ = self.app.url_map.bind_to_environ(environ).match()
        except HTTPException:
            return UNMATCHED
        return str(endpoint)


def register_request_log(app: Flask) -> None:
    """Wrap the app (its page cache included) in the request log."""
    app.wsgi_app = RequestLog(app)

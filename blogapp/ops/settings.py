"""Settings for logs and metrics."""

from pathlib import Path
from typing import Any

ENVIRONMENT: dict[str, type] = {
    "LOG_FORMAT": str,
    "LOG_LEVEL": str,
    "METRICS_TOKEN": str,
    "METRICS_LOCALHOST": bool,
    "SERVE_THREADS": int,
}


def defaults(_instance: Path) -> dict[str, Any]:
    return {
        #: "text" (time, level, request id, logger, message) or "json" (one object a line).
        "LOG_FORMAT": "text",
        "LOG_LEVEL": "INFO",
        #: /metrics answers a request carrying ``Authorization: Bearer <METRICS_TOKEN>``…
        "METRICS_TOKEN": "",
        #: …or, when this is on, any request from this machine; otherwise it is a 404.
        "METRICS_LOCALHOST": False,
        #: Threads of `flask serve` (waitress) answering requests at once.
        "SERVE_THREADS": 8,
    }

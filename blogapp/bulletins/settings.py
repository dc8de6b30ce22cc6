"""The union feeds' settings: how often they are polled and what a fetch may take."""

from pathlib import Path
from typing import Any

#: Environment variables read as they are, and the type each one is parsed as.
ENVIRONMENT: dict[str, type] = {
    "BULLETIN_FETCH_TIMEOUT": float,
    "BULLETIN_POLL_MINUTES": int,
    "BULLETIN_FEEDS_ALLOW_PRIVATE": bool,
}


def defaults(_instance: Path) -> dict[str, Any]:
    return {
        "BULLETIN_FETCH_TIMEOUT": 20,
        "BULLETIN_POLL_MINUTES": 30,
        #: Let union feeds live on this machine or the local network (off: the server would
        #: otherwise fetch whatever internal address an editor typed).
        "BULLETIN_FEEDS_ALLOW_PRIVATE": False,
        "BULLETIN_FEED_MAX_BYTES": 5_000_000,
    }

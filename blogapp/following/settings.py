"""Following threads' settings: how often a follower may be mailed, and how often to look."""

from pathlib import Path
from typing import Any

#: Environment variables read as they are, and the type each one is parsed as.
ENVIRONMENT: dict[str, type] = {
    "THREAD_MAIL_MINUTES": int,
    "THREAD_MAIL_CHECK_SECONDS": int,
}


def defaults(_instance: Path) -> dict[str, Any]:
    return {
        #: A follower gets at most one mail of new comments in this many minutes.
        "THREAD_MAIL_MINUTES": 60,
        #: How often the scheduler looks for new comments to mail to followers.
        "THREAD_MAIL_CHECK_SECONDS": 300,
    }

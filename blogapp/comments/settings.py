"""Comment threads' settings: how many top-level comments a page of a long thread shows."""

from pathlib import Path
from typing import Any

#: Environment variables read as they are, and the type each one is parsed as.
ENVIRONMENT: dict[str, type] = {
    "COMMENTS_PER_PAGE": int,
}


def defaults(_instance: Path) -> dict[str, Any]:
    return {
        #: Top-level comments on one page of a thread (replies stay with theirs), as Blogger.
        "COMMENTS_PER_PAGE": 200,
    }

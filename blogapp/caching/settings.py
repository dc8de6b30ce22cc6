"""The cache's settings: which layers are on, how long a new comment and the counts may wait."""

from pathlib import Path
from typing import Any

#: Environment variables read as they are, and the type each one is parsed as.
ENVIRONMENT: dict[str, type] = {
    "CACHE_REDIS_URL": str,
    "PAGE_CACHE_ENABLED": bool,
    "FRAGMENT_CACHE_ENABLED": bool,
    "COMMENT_CACHE_SECONDS": float,
    "LISTING_COUNT_SECONDS": float,
    "CACHE_THRESHOLD": int,
    "CACHE_RETRY_SECONDS": float,
}


def defaults(_instance: Path) -> dict[str, Any]:
    return {
        #: Whole pages for anonymous readers.
        "PAGE_CACHE_ENABLED": True,
        #: Rendered pieces every reader shares: the sidebar boxes, comment threads.
        "FRAGMENT_CACHE_ENABLED": True,
        #: How long anonymous readers may wait to see a new comment (its author sees it at once).
        "COMMENT_CACHE_SECONDS": 5,
        #: How far behind the "N comments" beside posts on listings may be.
        "LISTING_COUNT_SECONDS": 60,
        #: After the shared cache failed to answer, how long pages are served without asking it.
        "CACHE_RETRY_SECONDS": 30,
    }

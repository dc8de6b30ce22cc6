"""The comment settings: what holds a comment back for an editor to read first, how many
readers' reports take one out of its thread, and how many top-level comments a page of a
long thread shows."""

from pathlib import Path
from typing import Any

#: Environment variables read as they are, and the type each one is parsed as.
ENVIRONMENT: dict[str, type] = {
    "REPORTS_TO_HIDE": int,
    "COMMENT_MIN_SECONDS": float,
    "COMMENT_MAX_LINKS": int,
    "TRUSTED_AFTER": int,
    "COMMENTS_PER_PAGE": int,
}


def defaults(_instance: Path) -> dict[str, Any]:
    return {
        #: Different readers whose open reports hide a comment until an editor decides
        #: (0 never hides one).
        "REPORTS_TO_HIDE": 3,
        #: A comment, registration or report sent sooner than this after its form was shown
        #: came from a script: the comment is held, the others are asked for again.
        "COMMENT_MIN_SECONDS": 3,
        #: A comment with more links than this is held for an editor.
        "COMMENT_MAX_LINKS": 2,
        #: How many of a reader's comments an editor approves before theirs are published at
        #: once, until the editors choose another number at /admin/settings.
        "TRUSTED_AFTER": 1,
        #: Top-level comments on one page of a thread (replies stay with theirs), as Blogger.
        "COMMENTS_PER_PAGE": 200,
    }

"""The comments' settings: how many readers' reports take a comment out of its thread."""

from pathlib import Path
from typing import Any

#: Environment variables read as they are, and the type each one is parsed as.
ENVIRONMENT: dict[str, type] = {
    "REPORTS_TO_HIDE": int,
}


def defaults(_instance: Path) -> dict[str, Any]:
    return {
        #: Different readers whose open reports hide a comment until an editor decides
        #: (0 never hides one).
        "REPORTS_TO_HIDE": 3,
    }

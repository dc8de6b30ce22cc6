"""The Blogger import's settings."""

from pathlib import Path
from typing import Any

#: Environment variables read as they are, and the type each one is parsed as.
ENVIRONMENT: dict[str, type] = {
    "IMPORT_MAX_BYTES": int,
}


def defaults(_instance: Path) -> dict[str, Any]:
    return {
        "IMPORT_MAX_BYTES": 256 * 1024 * 1024,
    }

"""The backups' settings: where the daily backup goes, when, and how many are kept."""

from pathlib import Path
from typing import Any

#: Environment variables read as they are, and the type each one is parsed as.
ENVIRONMENT: dict[str, type] = {
    "BACKUP_DIR": str,
    "BACKUP_TIME": str,
    "BACKUP_KEEP": int,
}


def defaults(_instance: Path) -> dict[str, Any]:
    return {
        #: Where the scheduler writes a backup every day; unset, it makes none.
        "BACKUP_DIR": None,
        #: When, on the blog's clock (a quiet hour, before the digest).
        "BACKUP_TIME": "03:30",
        #: How many backups are kept: older ones are deleted after a new one is made.
        "BACKUP_KEEP": 14,
    }

"""The daily digest's settings: when it goes, and how it is sent in batches."""

from pathlib import Path
from typing import Any

#: Environment variables read as they are, and the type each one is parsed as.
ENVIRONMENT: dict[str, type] = {
    "DIGEST_TIME": str,
    "DIGEST_BATCH_SIZE": int,
}


def defaults(_instance: Path) -> dict[str, Any]:
    return {
        "DIGEST_TIME": "07:00",
        #: Messages sent over one SMTP connection before the next is opened.
        "DIGEST_BATCH_SIZE": 100,
        #: Attempts at one message before a temporary SMTP error counts as a failure.
        "DIGEST_MAX_ATTEMPTS": 6,
        #: How long a sender's claim on a batch lasts without being renewed.
        "DIGEST_CLAIM_SECONDS": 300,
    }

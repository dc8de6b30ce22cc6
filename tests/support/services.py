"""Outside services the suite uses: skipped when absent, unless CI demands them."""

import os
from pathlib import Path

import pytest

REQUIRE_SERVICES = os.environ.get("BLOGAPP_REQUIRE_SERVICES") == "1"
REPO_ROOT = Path(__file__).resolve().parents[2]


def skip_or_fail(reason: str) -> None:
    """Skip with ``reason``; under BLOGAPP_REQUIRE_SERVICES=1 (CI) fail instead."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (BLOGAPP_REQUIRE_SERVICES=1 requires it)")
    pytest.skip(reason)


def shared_fixtures_folder() -> Path | None:
    """``../shared/fixtures`` beside the checkout (or BLOGAPP_SHARED_FIXTURES)."""
    candidates = [
        os.environ.get("BLOGAPP_SHARED_FIXTURES"),
        REPO_ROOT.parent / "shared" / "fixtures",
        "/work/shared/fixtures",
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return None

"""The demo blog's union bulletins, read from ``bulletins.toml``."""

import tomllib
from collections.abc import Callable
from datetime import datetime, time
from pathlib import Path

from ..bulletins.operations import BulletinFields, create_bulletin

BULLETINS_FILE = Path(__file__).parent / "bulletins.toml"


def load_demo_bulletins(publication_time: Callable[[int, time], datetime]) -> None:
    """Publish the demo bulletins, oldest first, each at ``publication_time(days_ago, time)``."""
    items = tomllib.loads(BULLETINS_FILE.read_text(encoding="utf-8"))["bulletin"]
    for item in sorted(items, key=lambda item: (-item["days_ago"], item["time"])):
        when = publication_time(item["days_ago"], time.fromisoformat(item["time"]))
        fields = BulletinFields(
            source=item["source"],
            title=item["title"],
            body=item["body"],
            link=item.get("link"),
            published_at=when,
        )
        create_bulletin(fields)

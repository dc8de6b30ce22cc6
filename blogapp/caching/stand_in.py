"""What the cache falls back on while the shared one cannot be reached: this process's memory.

While Redis is down or hung, each worker keeps the generations, pages and fragments it makes
in a small store of its own, each for at most ``COMMENT_CACHE_SECONDS`` (the delay anonymous
readers already accept for a new comment). A busy page is then rendered once per worker in
that time rather than once per reader, so pages keep coming at near their normal speed. A
change made in this process ends its own copies at once, as it would in the shared cache; one
made in another process reaches this one when its copies expire. What this process changed
during the outage is announced to the shared cache when it answers again (``outage``), so no
page kept there from before is served afterwards.
"""

import threading
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from ..dates import utcnow
from .worker_copies import WorkerCopies


class StandInCache:
    """A bounded in-memory cache with the calls the caching layer makes of the shared one:
    the worker's copies, each with the time it expires.

    Values are kept as they are (not copied): like the worker's copies of shared values,
    nothing that reads them changes them.
    """

    def __init__(self, lifetime: timedelta, kept: int) -> None:
        self.lifetime = lifetime
        self.copies = WorkerCopies(kept)
        self.adding = threading.Lock()

    def get(self, key: str) -> Any:
        entry = self.copies.get(key)
        if entry is None:
            return None
        expires_at, value = entry
        return value if utcnow() < expires_at else None

    def get_many(self, *keys: str) -> list[Any]:
        return [self.get(key) for key in keys]

    def has(self, key: str) -> bool:
        return self.get(key) is not None

    def set(self, key: str, value: Any, timeout: int | None = None) -> bool:
        """Keep ``value`` for the stand-in's lifetime, whatever ``timeout`` the shared cache
        would have kept it for: another process may change what it shows meanwhile."""
        self.copies.keep(key, (utcnow() + self.lifetime, value))
        return True

    def set_many(self, mapping: Mapping[str, Any], timeout: int | None = None) -> list[str]:
        for key, value in mapping.items():
            self.set(key, value)
        return list(mapping)

    def add(self, key: str, value: Any, timeout: int | None = None) -> bool:
        with self.adding:
            return not self.has(key) and self.set(key, value)

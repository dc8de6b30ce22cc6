"""When the shared cache cannot be reached: leave it alone for a while, and say so rarely.

A Redis that is down answers at once with an error, but one that hangs makes every call wait
for its timeout; a page makes a dozen calls. After one failure the cache is not asked again
for ``CACHE_RETRY_SECONDS``: meanwhile this process keeps what it makes in its own memory
(``stand_in``), and the log gets one line a minute rather than one per call.
"""

import logging
import threading
from datetime import datetime, timedelta

from flask import Flask

from ..dates import utcnow
from .stand_in import StandInCache

log = logging.getLogger(__name__)

OUTAGE_KEY = "blogapp.cache_outage"
#: How often an outage that goes on is logged again.
WARNING_INTERVAL = timedelta(minutes=1)
#: How many generations, pages and fragments a worker keeps for itself during an outage.
STAND_IN_ENTRIES = 256


class CacheOutage:
    """This process's view of whether the shared cache can be reached (a circuit breaker),
    and what it keeps for itself meanwhile."""

    def __init__(self, retry_after: timedelta, stand_in: StandInCache) -> None:
        self.retry_after = retry_after
        self.stand_in = stand_in
        self.down_until: datetime | None = None
        self.warned_at: datetime | None = None
        self.changed_while_down = False
        self.lock = threading.Lock()

    def is_down(self) -> bool:
        """True while the cache is being left alone after a failure."""
        down_until = self.down_until
        return down_until is not None and utcnow() < down_until

    def failed(self, error: Exception) -> None:
        now = utcnow()
        with self.lock:
            self.down_until = now + self.retry_after
            if self.warned_at is not None and now - self.warned_at < WARNING_INTERVAL:
                return
            self.warned_at = now
        log.warning(
            "the shared cache is unavailable (%s: %s): pages are kept in each process's memory "
            "for a few seconds and the cache is tried again in %d s",
            type(error).__name__,
            error,
            self.retry_after.total_seconds(),
        )

    def note_change(self) -> None:
        """Remember that a change readers see was announced while the cache was down: the
        shared cache must hear of it when it answers again."""
        if self.is_down():
            self.changed_while_down = True

    def succeeded(self) -> bool:
        """Note that the cache answered; True when it had been down and this process changed
        something meanwhile."""
        if self.down_until is None:
            return False
        with self.lock:
            changed, self.changed_while_down = self.changed_while_down, False
            self.down_until = self.warned_at = None
        log.info("the shared cache is reachable again")
        return changed


def cache_outage(app: Flask) -> CacheOutage:
    """The app's outage record, made on first use."""
    outage = app.extensions.get(OUTAGE_KEY)
    if outage is None:
        retry_after = timedelta(seconds=app.config["CACHE_RETRY_SECONDS"])
        lifetime = timedelta(seconds=app.config["COMMENT_CACHE_SECONDS"])
        stand_in = StandInCache(lifetime, STAND_IN_ENTRIES)
        outage = app.extensions.setdefault(OUTAGE_KEY, CacheOutage(retry_after, stand_in))
    return outage

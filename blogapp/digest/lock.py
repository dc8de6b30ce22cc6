"""One digest sender at a time on SQLite; on PostgreSQL row claims let senders share a run."""

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..extensions import db


def sender_lock_path() -> Path | None:
    """A file beside the SQLite database; None for a server database."""
    if db.engine.dialect.name != "sqlite" or not db.engine.url.database:
        return None
    return Path(db.engine.url.database).with_suffix(".digest-sender.lock")


@contextmanager
def sender_turn() -> Iterator[bool]:
    """Whether this sender may go ahead.

    SQLite has no row locks to share a run with, so every sender (thread or process)
    takes an exclusive, non-blocking ``flock`` on one file; the kernel drops it when a
    process dies, so a crashed sender never blocks the next one. PostgreSQL needs no
    lock here: ``FOR UPDATE SKIP LOCKED`` claims keep concurrent senders apart.
    """
    path = sender_lock_path()
    if path is None:
        yield True
        return
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def is_only_sender() -> bool:
    """True where holding ``sender_turn`` means no other sender can be alive (SQLite)."""
    return sender_lock_path() is not None

"""Locks every process on one database obeys: one scheduler acts, one migration runs.

On PostgreSQL a lock is an advisory lock held by a connection of its own, so it ends when
its process dies (the server sees the connection close). On SQLite, where every process is
on the same machine, it is ``flock`` on a file in the instance folder, which the kernel
releases when the process dies.
"""

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Protocol

from flask import Flask
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from .database import is_postgresql
from .instance_files import open_private_file

#: Advisory lock keys (any bigint; these spell "blog" and a number), one per purpose.
LOCK_KEYS = {"scheduler": 0x626C6F6701, "migrations": 0x626C6F6702}


class ProcessLock(Protocol):
    def try_acquire(self) -> bool:
        """Take the lock if nobody holds it; True if this process holds it now."""

    def still_held(self) -> bool:
        """Whether this process still holds it (a lost database connection loses it)."""

    def acquire(self) -> None:
        """Wait until the lock is free, then take it."""

    def release(self) -> None: ...


class AdvisoryLock:
    """A PostgreSQL session advisory lock on a connection kept for it alone."""

    def __init__(self, engine: Engine, key: int) -> None:
        self.engine = engine
        self.key = key
        self.connection: Connection | None = None

    def connect(self) -> Connection:
        connection = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        # Waiting for the lock is not a slow statement: no statement timeout on this one.
        connection.execute(text("SET statement_timeout = 0"))
        return connection

    def try_acquire(self) -> bool:
        if self.connection is not None:
            return self.still_held()
        connection = self.connect()
        taken = False
        try:
            taken = connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key})
        finally:
            if not taken:
                connection.close()
        if taken:
            self.connection = connection
        return bool(taken)

    def acquire(self) -> None:
        connection = self.connect()
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": self.key})
        self.connection = connection

    def still_held(self) -> bool:
        if self.connection is None:
            return False
        try:
            self.connection.execute(text("SELECT 1"))
        except DBAPIError:
            self.release()
            return False
        return True

    def release(self) -> None:
        """Unlock, and close the lock's own connection rather than pool it (so no lock can
        outlive this, even when the unlock fails)."""
        connection, self.connection = self.connection, None
        if connection is None:
            return
        with suppress(SQLAlchemyError):
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self.key})
        connection.invalidate()
        connection.close()


class FileLock:
    """``flock`` on a file, for processes sharing an SQLite database on one machine."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.handle: IO[bytes] | None = None

    def open(self) -> IO[bytes]:
        return os.fdopen(open_private_file(self.path, os.O_RDONLY), "rb")

    def try_acquire(self) -> bool:
        if self.handle is not None:
            return True
        handle = self.open()
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self.handle = handle
        return True

    def acquire(self) -> None:
        handle = self.open()
        fcntl.flock(handle, fcntl.LOCK_EX)
        self.handle = handle

    def still_held(self) -> bool:
        return self.handle is not None

    def release(self) -> None:
        handle, self.handle = self.handle, None
        if handle is not None:
            handle.close()


def process_lock(app: Flask, engine: Engine, purpose: str) -> ProcessLock:
    """The lock named ``purpose`` ("scheduler", "migrations") for this app's database."""
    if is_postgresql(engine):
        return AdvisoryLock(engine, LOCK_KEYS[purpose])
    return FileLock(Path(app.instance_path) / f"{purpose}.lock")


@contextmanager
def holding(lock: ProcessLock) -> Iterator[None]:
    """Wait for ``lock``, and hold it while the block runs."""
    lock.acquire()
    try:
        yield
    finally:
        lock.release()

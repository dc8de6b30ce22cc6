"""The shared cache kept in files (one host): bounded in entries, pruned in batches.

Flask-Caching's file cache already stops at ``CACHE_THRESHOLD`` entries, but once there it
reads every file on every write to remove one entry, and removes first the entries kept
without expiry: the current generation, so that a full cache ends every stored page on each
write. Here a full cache loses its expired entries and then its soonest-expiring pages,
down to nine tenths of the bound, in one pass that comes once per many writes; entries kept
without expiry stay.
"""

import os
import struct
import time

from flask_caching.backends import FileSystemCache

#: A full cache is pruned down to this share of ``CACHE_THRESHOLD``.
PRUNED_TO = 0.9


def expiry_of(path: str) -> int | None:
    """When the entry in ``path`` expires (0: never), as cachelib writes it; None if unreadable."""
    try:
        with open(path, "rb") as entry:
            return struct.unpack("I", entry.read(4))[0]
    except (OSError, struct.error):
        return None


class BoundedFileCache(FileSystemCache):
    """``FileSystemCache`` with the pruning described above."""

    def _prune(self) -> None:
        """Called before each write: make room when the cache is full."""
        if self._threshold == 0 or self._file_count < self._threshold:
            return
        now = time.time()
        pages = []
        for path in self._list_dir():
            expires = expiry_of(path)
            if expires is None or expires == 0:
                continue
            if expires < now:
                self._remove_entry(path)
            else:
                pages.append((expires, path))
        keep = int(self._threshold * PRUNED_TO)
        for _, path in sorted(pages):
            if self._file_count <= keep:
                break
            self._remove_entry(path)

    def _remove_entry(self, path: str) -> None:
        try:
            os.remove(path)
        except FileNotFoundError:
            return
        self._update_count(delta=-1)

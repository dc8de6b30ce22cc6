"""A worker's own bounded copies of values, the least recently used dropped first."""

import threading
from collections import OrderedDict


class WorkerCopies:
    """Values this worker last read from or wrote to the shared cache, by key.

    A key names its generations, so a copy can never be stale: keeping it saves reading and
    unpickling the same (possibly large) value on every request.
    """

    def __init__(self, kept: int) -> None:
        self.kept = kept
        self.copies: OrderedDict[str, object] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> object | None:
        with self.lock:
            value = self.copies.get(key)
            if value is not None:
                self.copies.move_to_end(key)
            return value

    def keep(self, key: str, value: object) -> None:
        with self.lock:
            self.copies[key] = value
            self.copies.move_to_end(key)
            while len(self.copies) > self.kept:
                self.copies.popitem(last=False)

"""Generations: the token every cached page and fragment is filed under."""

import hashlib
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import cache as once_per_process
from pathlib import Path
from typing import TypeVar

from flask import Flask, current_app, g
from flask_caching import Cache
from sqlalchemy import func, select

from ..dates import utcnow
from ..extensions import db
from ..models import Bulletin, Post, PostStatus
from .outage import cache_outage

cache = Cache()
T = TypeVar("T")


@once_per_process
def code_fingerprint(*folders: Path) -> str:
    """A digest of every file under ``folders``: the code and templates that render pages."""
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(folder)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def generation_key_for(app: Flask) -> str:
    """Where ``app`` keeps the current generation: under its code's fingerprint, so that
    after an upgrade no worker serves a page rendered by the old templates or reads a
    fragment stored in an old form (everything else is filed under the generation)."""
    code = code_fingerprint(Path(app.root_path), Path(app.root_path, app.template_folder))
    return f"content-generation:{code}"


def generation_key() -> str:
    return current_app.config["CACHE_GENERATION_KEY"]


@dataclass(frozen=True)
class Generation:
    token: str
    started_at: datetime
    #: When this generation ends by itself: the next scheduled post, or a comment's deadline.
    ends_at: datetime | None

    def is_over(self) -> bool:
        return self.ends_at is not None and self.ends_at <= utcnow()


def shared(operation: Callable[[], T], fallback: T, app: Flask | None = None) -> T:
    """Run a cache operation; if the cache cannot be reached, carry on without it (and leave
    it alone for a while: ``outage``)."""
    outage = cache_outage(app or current_app)
    if outage.is_down():
        return fallback
    try:
        value = operation()
    except Exception as error:
        outage.failed(error)
        return fallback
    outage.succeeded()
    return value


def next_scheduled_publication() -> datetime | None:
    """When the next post or bulletin given a time still to come falls due.

    Asked on a connection of its own: it also runs just after a commit, when the session
    that committed has no transaction to query in.
    """
    now = utcnow()
    next_post = select(func.min(Post.published_at)).where(
        Post.status != PostStatus.DRAFT, Post.published_at > now
    )
    next_bulletin = select(func.min(Bulletin.published_at)).where(Bulletin.published_at > now)
    with db.engine.connect() as connection:
        times = [connection.scalar(next_post), connection.scalar(next_bulletin)]
    return min((time for time in times if time is not None), default=None)


def is_caching(config: dict) -> bool:
    return config["PAGE_CACHE_ENABLED"] or config["FRAGMENT_CACHE_ENABLED"]


def new_generation() -> Generation:
    return Generation(secrets.token_hex(8), utcnow(), next_scheduled_publication())


def start_generation() -> None:
    """Leave every page cached so far behind (after a change readers will see)."""
    shared(lambda: cache.set(generation_key(), new_generation(), timeout=0), None)


def end_generation_within(seconds: float) -> None:
    """Let the current generation last at most ``seconds`` more (after a comment)."""
    generation = shared(lambda: cache.get(generation_key()), None)
    deadline = utcnow() + timedelta(seconds=seconds)
    if generation is not None and (generation.ends_at is None or generation.ends_at > deadline):
        ending = replace(generation, ends_at=deadline)
        shared(lambda: cache.set(generation_key(), ending, timeout=0), None)


def current_generation() -> Generation:
    """The generation pages are filed under now, starting one when none is current."""
    generation = g.get("content_generation")
    if generation is None:
        generation = shared(lambda: cache.get(generation_key()), None)
        if generation is None:
            candidate = new_generation()
            shared(lambda: cache.add(generation_key(), candidate, timeout=0), None)
            generation = shared(lambda: cache.get(generation_key()), None) or candidate
        elif generation.is_over():
            generation = new_generation()
            shared(lambda: cache.set(generation_key(), generation, timeout=0), None)
        g.content_generation = generation
    return generation


class WorkerCopies:
    """The fragments this worker last read from the shared cache, by key.

    A key names one generation, so a copy can never be stale: keeping it saves reading and
    unpickling the same (possibly large) fragment on every request.
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


worker_copies = WorkerCopies(kept=64)
#: Small values this worker makes for itself (a post's summary, a search's results).
worker_item_copies = WorkerCopies(kept=500)


def cached_for_generation(name: str, compute: Callable[[], T]) -> T:
    """``compute()``'s value, shared by every worker until the content changes."""
    if not current_app.config["FRAGMENT_CACHE_ENABLED"]:
        return compute()
    key = f"{name}:{current_generation().token}"
    value = worker_copies.get(key)
    if value is not None:
        return value
    value = shared(lambda: cache.get(key), None)
    if value is None:
        value = compute()
        shared(lambda: cache.set(key, value), None)
    worker_copies.keep(key, value)
    return value


def kept_each_for_generation(
    name: str, ids: list[int], compute: Callable[[list[int]], dict[int, T]]
) -> dict[int, T]:
    """The value of each of ``ids`` for the current generation, made by one call of
    ``compute(missing)`` for those this worker does not hold yet.

    Only this worker keeps them: such a value (a post's summary) takes less time to make than
    to write to and read back from the shared cache, and a busy blog starts a generation
    every few seconds.
    """
    if not current_app.config["FRAGMENT_CACHE_ENABLED"]:
        return compute(ids)
    token = current_generation().token
    keys = {item: f"{name}:{item}:{token}" for item in ids}
    values = {item: worker_item_copies.get(key) for item, key in keys.items()}
    missing = [item for item, value in values.items() if value is None]
    if missing:
        made = compute(missing)
        for item, value in made.items():
            worker_item_copies.keep(keys[item], value)
        values.update(made)
    return {item: value for item, value in values.items() if value is not None}


def kept_for_generation(name: str, compute: Callable[[], T]) -> T:
    """``compute()``'s value for the current generation, kept by this worker only."""
    return kept_each_for_generation(name, [0], lambda _ids: {0: compute()})[0]

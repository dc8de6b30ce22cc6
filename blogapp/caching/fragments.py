"""Fragments: rendered pieces kept for the current generations (the sidebar, a thread)."""

from collections.abc import Callable, Iterable
from typing import TypeVar

from flask import current_app

from .generations import current_generation, shared, shows
from .keys import fragment_key
from .worker_copies import WorkerCopies

T = TypeVar("T")


worker_copies = WorkerCopies(kept=64)
#: Small values this worker makes for itself (a post's summary, a search's results).
worker_item_copies = WorkerCopies(kept=500)


def key_for(name: str, scopes: Iterable[str]) -> str:
    """The fragment's key under the site generation and those of ``scopes`` (which the page
    being rendered shows too)."""
    return fragment_key(current_app, name, current_generation(), shows(*scopes))


def cached_for_generation(name: str, compute: Callable[[], T], scopes: Iterable[str] = ()) -> T:
    """``compute()``'s value, shared by every worker until what it shows changes: anything
    on the site, or one of ``scopes``."""
    if not current_app.config["FRAGMENT_CACHE_ENABLED"]:
        shows(*scopes)
        return compute()
    key = key_for(name, scopes)
    value = worker_copies.get(key)
    if value is not None:
        return value
    value = shared(lambda store: store.get(key))
    if value is None:
        value = compute()
        shared(lambda store: store.set(key, value))
    worker_copies.keep(key, value)
    return value


def kept_each_for_generation(
    name: str,
    ids: list[int],
    compute: Callable[[list[int]], dict[int, T]],
    scopes: Iterable[str] = (),
) -> dict[int, T]:
    """The value of each of ``ids`` for the current generations, made by one call of
    ``compute(missing)`` for those this worker does not hold yet.

    Only this worker keeps them: such a value (a post's summary) takes less time to make than
    to write to and read back from the shared cache.
    """
    if not current_app.config["FRAGMENT_CACHE_ENABLED"]:
        shows(*scopes)
        return compute(ids)
    prefix = key_for(name, scopes)
    keys = {item: f"{prefix}:{item}" for item in ids}
    values = {item: worker_item_copies.get(key) for item, key in keys.items()}
    missing = [item for item, value in values.items() if value is None]
    if missing:
        made = compute(missing)
        for item, value in made.items():
            worker_item_copies.keep(keys[item], value)
        values.update(made)
    return {item: value for item, value in values.items() if value is not None}


def kept_for_generation(name: str, compute: Callable[[], T], scopes: Iterable[str] = ()) -> T:
    """``compute()``'s value for the current generations, kept by this worker only."""
    return kept_each_for_generation(name, [0], lambda _ids: {0: compute()}, scopes)[0]

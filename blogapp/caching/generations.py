"""Generations: the tokens cached pages and fragments are filed under, one per *scope*.

A scope is a part of what readers see that changes on its own:

- ``site``: everything (posts, bulletins, settings, accounts); every page and fragment is
  filed under its generation;
- ``post:<id>``: one post's comments (its page, its comment feed, its thread);
- ``comments``: the newest comments of the whole blog (the comments feed);
- ``counts``: the "N comments" beside posts on listings, and ``counts:<month>`` those of the
  posts published in one month.

A page is filed under the site generation and the generations of the other scopes it showed
(``shows``), so a comment on one post ends the cached copies of the pages that show that
post's comments and of no other. Generations are kept in the shared cache under the
database's identity, not the code's fingerprint: hosts running different releases of the
code hear of the same changes, while each release keeps its own pages (``keys``).
"""

import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, TypeVar

from flask import Flask, current_app, g
from flask_caching import Cache
from sqlalchemy import func, select

from ..dates import utcnow
from ..extensions import db
from ..models import Bulletin, Post, PostStatus
from .identity import database_identity, known_database_identity
from .outage import cache_outage

cache = Cache()
T = TypeVar("T")

SITE, ALL_COMMENTS, COMMENT_COUNTS = "site", "comments", "counts"
#: How long a generation of a scope other than the site is kept once nobody asks for it.
SCOPE_GENERATION_SECONDS = 7 * 24 * 3600


def post_scope(post_id: int) -> str:
    """The scope of one post's comments."""
    return f"post:{post_id}"


def counts_scope(published_at: datetime) -> str:
    """The scope of the comment counts of the posts published in one month (UTC): a listing
    shows posts of few months, and a comment changes the count of one post."""
    return f"{COMMENT_COUNTS}:{published_at:%Y-%m}"


@dataclass(frozen=True)
class Generation:
    token: str
    started_at: datetime
    #: When this generation ends by itself: the next scheduled post, or a comment's deadline.
    ends_at: datetime | None

    def is_over(self) -> bool:
        return self.ends_at is not None and self.ends_at <= utcnow()


def shared(operation: Callable[[Any], T], app: Flask | None = None) -> T:
    """Run a cache operation on the shared cache; when it cannot be reached, on this
    process's stand-in (``stand_in``), and leave the shared one alone for a while
    (``outage``)."""
    app = app or current_app
    outage = cache_outage(app)
    if not outage.is_down():
        backend = app.extensions["cache"][cache]
        try:
            value = operation(backend)
        except Exception as error:
            outage.failed(error)
        else:
            if outage.succeeded():
                announce_changes_made_while_down(app, backend)
            return value
    return operation(outage.stand_in)


def announce_changes_made_while_down(app: Flask, backend: Any) -> None:
    """End the site's generation in the shared cache, which did not hear of this process's
    changes during the outage: its pages from before must not be served again."""
    identity = known_database_identity(app)
    if identity is None:
        return
    try:
        backend.delete(generation_key(app, SITE, identity))
    except Exception as error:
        cache_outage(app).failed(error)


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


def generation_key(app: Flask, scope: str, identity: str | None = None) -> str:
    """Where the generation of ``scope`` is kept: under the database's identity only."""
    return f"generation:{identity or database_identity(app)}:{scope}"


def timeout_of(scope: str) -> int:
    return 0 if scope == SITE else SCOPE_GENERATION_SECONDS


def new_generation(scope: str) -> Generation:
    """A site generation also ends when the next scheduled post falls due."""
    ends_at = next_scheduled_publication() if scope == SITE else None
    return Generation(secrets.token_hex(8), utcnow(), ends_at)


def start_generations(scopes: Iterable[str]) -> None:
    """Leave every page cached so far under ``scopes`` behind (after a change readers see)."""
    for scope in scopes:
        start_generation(scope)


def start_generation(scope: str) -> None:
    key, generation = generation_key(current_app, scope), new_generation(scope)
    shared(lambda store: store.set(key, generation, timeout=timeout_of(scope)))
    cache_outage(current_app).note_change()


def end_generation_by(scope: str, deadline_for: Callable[[Generation], datetime]) -> None:
    """Let the current generation of ``scope`` last at most until ``deadline_for`` it."""
    key = generation_key(current_app, scope)
    generation = shared(lambda store: store.get(key))
    if generation is None:
        return
    deadline = deadline_for(generation)
    if generation.ends_at is None or generation.ends_at > deadline:
        ending = replace(generation, ends_at=deadline)
        shared(lambda store: store.set(key, ending, timeout=timeout_of(scope)))
        cache_outage(current_app).note_change()


def end_generations_within(scopes: Iterable[str], seconds: float) -> None:
    """End each scope's generation at most ``seconds`` from now (after a new comment)."""
    deadline = utcnow() + timedelta(seconds=seconds)
    for scope in scopes:
        end_generation_by(scope, lambda _generation: deadline)


def end_generation_at_most_every(scope: str, seconds: float) -> None:
    """End the scope's generation now, or once it has lasted ``seconds`` (the listings'
    comment counts: a busy blog renders its listings afresh at most that often)."""
    now, lasting = utcnow(), timedelta(seconds=seconds)
    end_generation_by(scope, lambda generation: max(now, generation.started_at + lasting))


def current_or_new(scope: str, key: str, stored: Generation | None) -> Generation:
    """``stored``, or the generation that takes its place when there is none or it is over."""
    if stored is None:
        candidate = new_generation(scope)
        shared(lambda store: store.add(key, candidate, timeout=timeout_of(scope)))
        return shared(lambda store: store.get(key)) or candidate
    if stored.is_over():
        stored = new_generation(scope)
        shared(lambda store: store.set(key, stored, timeout=timeout_of(scope)))
    return stored


def generations_of(scopes: Iterable[str]) -> dict[str, Generation]:
    """The current generation of each of ``scopes``, read once per request (one round trip
    for those not read yet) and started where there is none."""
    known = g.setdefault("scope_generations", {})
    unread = [scope for scope in dict.fromkeys(scopes) if scope not in known]
    if unread:
        identity = known_database_identity(current_app) or database_identity(current_app)
        keys = [generation_key(current_app, scope, identity) for scope in unread]
        stored = shared(lambda store: store.get_many(*keys))
        for scope, key, generation in zip(unread, keys, stored, strict=True):
            known[scope] = current_or_new(scope, key, generation)
    return {scope: known[scope] for scope in scopes}


def current_generation() -> Generation:
    """The site generation pages are filed under now, starting one when none is current."""
    return generations_of([SITE])[SITE]


def shows(*scopes: str) -> dict[str, Generation]:
    """Say that the page being rendered shows ``scopes``: it is filed under their
    generations too. Returns those generations."""
    g.setdefault("page_scopes", set()).update(scopes)
    return generations_of(scopes)


def shown_scopes() -> dict[str, Generation]:
    """The scopes (other than the site) the page rendered so far showed, with their
    generations."""
    return generations_of(sorted(g.get("page_scopes", ())))

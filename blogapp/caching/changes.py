"""Ending cached pages when a commit changed what readers see (``blogapp.changes``).

Each topic ends the generation of the scope that shows it: a post, bulletin, setting or
account ends the site's at once; a comment changed by an editor or its author ends its post's
(and the comments feed's) at once, a new one within ``COMMENT_CACHE_SECONDS``; a changed
comment count ends the counts on listings of its post's month at most every
``LISTING_COUNT_SECONDS``.
"""

from collections.abc import Set
from dataclasses import dataclass, field

from flask import Flask
from sqlalchemy import select

from .. import changes
from ..extensions import db
from ..models import Post
from ..signals import changes_committed
from .generations import (
    ALL_COMMENTS,
    COMMENT_COUNTS,
    SITE,
    counts_scope,
    end_generation_at_most_every,
    end_generations_within,
    is_caching,
    post_scope,
    start_generations,
)


@dataclass
class ScopeChanges:
    """What a commit's topics end: scopes at once, scopes within seconds, and the counts."""

    at_once: set[str] = field(default_factory=set)
    soon: set[str] = field(default_factory=set)
    counts: bool = False
    #: The posts whose comments changed: their counts, if any, are theirs.
    commented: set[int] = field(default_factory=set)


def scope_changes(topics: Set[str]) -> ScopeChanges:
    ended = ScopeChanges()
    for topic in topics:
        kind, _, post_id = topic.partition(":")
        if kind == changes.NEW_COMMENT:
            ended.soon |= {post_scope(int(post_id)), ALL_COMMENTS}
            ended.commented.add(int(post_id))
        elif kind == changes.THREAD:
            ended.at_once |= {post_scope(int(post_id)), ALL_COMMENTS}
            ended.commented.add(int(post_id))
        elif topic == changes.COMMENT_COUNTS:
            ended.counts = True
        else:
            ended.at_once.add(SITE)
    return ended


def end_generations_for(app: Flask | None, topics: Set[str]) -> None:
    """End the generations of the scopes ``topics`` changed, each as soon as it must."""
    if app is None or not topics or not is_caching(app.config):
        return
    ended = scope_changes(topics)
    comment_seconds = app.config["COMMENT_CACHE_SECONDS"]
    count_seconds = app.config["LISTING_COUNT_SECONDS"]
    if comment_seconds <= 0:
        ended.at_once |= ended.soon
    else:
        end_generations_within(ended.soon - ended.at_once, comment_seconds)
    counts = counts_changed(ended)
    if count_seconds <= 0:
        ended.at_once |= counts
    else:
        for scope in counts:
            end_generation_at_most_every(scope, count_seconds)
    start_generations(sorted(ended.at_once))


def counts_changed(ended: ScopeChanges) -> set[str]:
    """The counts of the months of the commented posts; all counts when the change names no
    post (a recount)."""
    if not ended.counts:
        return set()
    if not ended.commented:
        return {COMMENT_COUNTS}
    published = select(Post.published_at).where(Post.id.in_(ended.commented))
    with db.engine.connect() as connection:
        months = connection.scalars(published).all()
    return {counts_scope(month) for month in months if month is not None}


def listen_for_content_changes() -> None:
    """Follow the change journal, once per process."""
    changes_committed.connect(end_generations_for)

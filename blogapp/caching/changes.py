"""Noticing, in the database session, the commits that change what readers see."""

from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

from ..models import Bulletin, Comment, Label, Post, Series, User
from .generations import end_generation_within, is_caching, start_generation

#: Changes to these are what readers see.
CONTENT_MODELS: tuple[type, ...] = (Post, Comment, Label, Series, User, Bulletin)
#: How much a committed change affects readers' pages, least first.
COMMENTS_CHANGED, CONTENT_CHANGED = 1, 2
#: Execution options for an ``update()`` that only keeps comment counts in step.
COMMENT_COUNTS_ONLY = {"content_change": COMMENTS_CHANGED}


def note_change(session: Session, change: int) -> None:
    session.info["content_changed"] = max(change, session.info.get("content_changed", 0))


def change_to(model: type) -> int:
    """How much changing a row of ``model`` affects readers' pages."""
    if issubclass(model, Comment):
        return COMMENTS_CHANGED
    return CONTENT_CHANGED if issubclass(model, CONTENT_MODELS) else 0


def mark_content_changes(session: Session, _context: Any, _instances: Any) -> None:
    """Note, before a flush, whether (and how much) readers will see what it writes.

    A new comment may wait a few seconds; a comment removed or approved shows at once.
    """
    added = max((change_to(type(instance)) for instance in session.new), default=0)
    changed = (*session.dirty, *session.deleted)
    altered = CONTENT_CHANGED if any(change_to(type(instance)) for instance in changed) else 0
    note_change(session, max(added, altered))


def mark_bulk_content_changes(state: ORMExecuteState) -> None:
    """The same for ``update()`` and ``delete()`` statements run through the session."""
    writes = state.is_update or state.is_delete
    mapper = state.bind_mapper
    if writes and mapper is not None:
        change = state.execution_options.get("content_change", change_to(mapper.class_))
        note_change(state.session, change)


def note_committed_changes(session: Session) -> None:
    """A commit made readers' changes permanent: the generation must end."""
    change = session.info.pop("content_changed", 0)
    if change:
        session.info["generation_due"] = max(change, session.info.get("generation_due", 0))


def start_generation_after_transaction(session: Session, transaction: SessionTransaction) -> None:
    """Start the new generation once the session has handed its connection back.

    Not in ``after_commit``: the session still holds its connection there, and asking for
    the next scheduled post on a second one lets a threaded server's busy writers take every
    pooled connection and wait on each other until the pool times out.
    """
    if transaction.parent is not None:
        return
    change = session.info.pop("generation_due", 0)
    if not change or not has_app_context() or not is_caching(current_app.config):
        return
    if change == COMMENTS_CHANGED and current_app.config["COMMENT_CACHE_SECONDS"] > 0:
        end_generation_within(current_app.config["COMMENT_CACHE_SECONDS"])
    else:
        start_generation()


def forget_changes_on_rollback(session: Session) -> None:
    session.info.pop("content_changed", None)
    session.info.pop("generation_due", None)


def listen_for_content_changes() -> None:
    """Attach the listeners to every session, once per process."""
    if event.contains(Session, "before_flush", mark_content_changes):
        return
    event.listen(Session, "before_flush", mark_content_changes)
    event.listen(Session, "do_orm_execute", mark_bulk_content_changes)
    event.listen(Session, "after_commit", note_committed_changes)
    event.listen(Session, "after_transaction_end", start_generation_after_transaction)
    event.listen(Session, "after_rollback", forget_changes_on_rollback)

"""The change journal: every write says which parts of what readers see it changed.

A write declares *topics* from a fixed vocabulary, in one of three ways:

- **rows written through the ORM**: each feature registers, next to its operations, what a
  changed row of its models means to readers (``declare_rows``), or that readers never see
  its rows (``declare_unseen``);
- **statements run through the session** (ORM or Core tables, insert, update or delete):
  ``.execution_options(changes=[...])``;
- **anything else**: ``note(*topics)`` adds to the session's journal, and ``noting(*topics)``
  wraps writers that use a connection of their own.

After the session's outermost commit the topics of everything it committed are sent once,
as ``changes_committed`` (``signals``), to whoever keeps copies of pages. A write to a table
readers may see that declares nothing counts as changing the whole ``site``; with
``refuse_undeclared_writes`` (switched on in tests) such a statement fails instead.
"""

import re
import weakref
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from typing import Any

from flask import Flask, current_app, has_app_context
from sqlalchemy import Engine, Table, event, inspect
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

from .extensions import db
from .signals import changes_committed

#: Everything readers see: an account's name, a site setting, a restored database.
SITE = "site"
#: Lists of posts: home, archive, labels, series, the sitemap.
LISTINGS = "listings"
#: The bulletin pages.
BULLETINS = "bulletins"
#: The sidebar every page shows (latest bulletins, archive, labels).
SIDEBAR = "sidebar"
#: The Atom feeds.
FEEDS = "feeds"
#: Search results.
SEARCH = "search"
#: Counts of comments shown beside posts on listings; may show up to
#: ``LISTING_COUNT_SECONDS`` late.
COMMENT_COUNTS = "comment-counts"
#: Topics that name one post: its page, its comment thread, a comment new on it (which may
#: show within ``COMMENT_CACHE_SECONDS``: its author sees it at once).
POST, THREAD, NEW_COMMENT = "post", "thread", "new-comment"

WHOLE_TOPICS = frozenset({SITE, LISTINGS, BULLETINS, SIDEBAR, FEEDS, SEARCH, COMMENT_COUNTS})
PER_POST_TOPICS = frozenset({POST, THREAD, NEW_COMMENT})
#: Topics readers may see a few seconds late.
TOPICS_THAT_MAY_WAIT = frozenset({COMMENT_COUNTS, NEW_COMMENT})


def post(post_id: int) -> str:
    """The post's own page and its entries wherever it is listed."""
    return f"{POST}:{post_id}"


def thread(post_id: int) -> str:
    """The post's comment thread changed in a way readers must see at once."""
    return f"{THREAD}:{post_id}"


def new_comment(post_id: int) -> str:
    """A comment was added under the post."""
    return f"{NEW_COMMENT}:{post_id}"


class UnknownTopic(ValueError):
    """A topic outside the vocabulary (most likely a typing mistake)."""


class UndeclaredChange(RuntimeError):
    """A statement wrote a table readers may see without declaring what it changed."""


def checked_topics(topics: Iterable[str]) -> frozenset[str]:
    """``topics`` as a set, each one checked against the vocabulary."""
    if isinstance(topics, str):
        topics = (topics,)
    checked = frozenset(topics)
    for topic in checked:
        kind, _, post_id = topic.partition(":")
        if not (topic in WHOLE_TOPICS or (kind in PER_POST_TOPICS and post_id.isdigit())):
            raise UnknownTopic(f"{topic!r} is not a topic of blogapp.changes")
    return checked


def may_wait(topics: Iterable[str]) -> bool:
    """Whether every one of ``topics`` may reach readers within ``COMMENT_CACHE_SECONDS``."""
    return all(topic.partition(":")[0] in TOPICS_THAT_MAY_WAIT for topic in topics)


# Declaring rows -------------------------------------------------------------------------


@dataclass(frozen=True)
class RowChange:
    """What happened to one row in a flush: the attributes (columns and collections) that
    changed, all of them for a new row."""

    columns: frozenset[str]
    added: bool = False
    deleted: bool = False

    def touches(self, *names: str) -> bool:
        return self.added or self.deleted or not self.columns.isdisjoint(names)


TopicsFor = Callable[[Any, RowChange], Iterable[str]]
row_topics: dict[type, TopicsFor] = {}


def declare_rows(model: type, topics_for: TopicsFor) -> None:
    """Register what a written row of ``model`` changes for readers."""
    row_topics[model] = topics_for
    tables_declared.cache_clear()


def no_topics(_row: object, _change: RowChange) -> tuple[str, ...]:
    return ()


def declare_unseen(*models: type) -> None:
    """Register models whose rows no page shows (subscriptions, deliveries, mail state)."""
    for model in models:
        declare_rows(model, no_topics)


def topics_for_model(model: type) -> TopicsFor | None:
    for kind in model.__mro__:
        if kind in row_topics:
            return row_topics[kind]
    return None


@cache
def tables_declared() -> tuple[frozenset[str], frozenset[str]]:
    """The tables whose rows are declared (with the link tables of their collections), and
    among them those no page shows."""
    declared, unseen = set(), set()
    for model, topics_for in row_topics.items():
        mapper = inspect(model)
        names = {table.name for table in mapper.tables}
        names |= {
            relationship.secondary.name
            for relationship in mapper.relationships
            if isinstance(relationship.secondary, Table)
        }
        declared |= names
        if topics_for is no_topics:
            unseen |= names
    return frozenset(declared), frozenset(unseen)


def is_unseen_table(name: str) -> bool:
    return name in tables_declared()[1]


def row_change(state: Any, added: bool, deleted: bool) -> RowChange:
    if added:
        return RowChange(frozenset(key for key in state.dict if not key.startswith("_")), True)
    if deleted:
        return RowChange(frozenset(), deleted=True)
    changed = frozenset(
        key for key in state.committed_state if state.attrs[key].history.has_changes()
    )
    return RowChange(changed)


def topics_of_row(instance: object, change: RowChange) -> Iterable[str]:
    topics_for = topics_for_model(type(instance))
    if topics_for is None:
        return (SITE,)
    return topics_for(instance, change)


def journal_flushed_rows(session: Session, _context: Any) -> None:
    """After a flush (ids given, history still there): what its rows changed for readers."""
    topics: set[str] = set()
    for instances, added, deleted in (
        (session.new, True, False),
        (session.dirty, False, False),
        (session.deleted, False, True),
    ):
        for instance in instances:
            change = row_change(inspect(instance), added, deleted)
            topics |= checked_topics(topics_of_row(instance, change))
    add_to_journal(session, topics)


# Declaring statements -------------------------------------------------------------------


def written_table(state: ORMExecuteState) -> str | None:
    statement = state.statement
    if state.is_insert or state.is_update or state.is_delete:
        return getattr(statement.table, "name", None)
    return None


def journal_statement(state: ORMExecuteState) -> Any:
    """Note what a statement run through the session declares (``changes=``), and run it
    as a declared write; an undeclared write to a table readers see counts as ``site``."""
    declared = state.execution_options.get("changes")
    if declared is None:
        table = written_table(state)
        if table is not None and not is_unseen_table(table):
            add_to_journal(state.session, {SITE})
        return None
    add_to_journal(state.session, checked_topics(declared))
    token = declared_writes.set(ANY_TABLE)
    try:
        return state.invoke_statement()
    finally:
        declared_writes.reset(token)


# Explicit notes -------------------------------------------------------------------------


def note(*topics: str) -> None:
    """Add ``topics`` to what the current session's next commit changes."""
    add_to_journal(db.session(), checked_topics(topics))


@contextmanager
def noting(*topics: str) -> Iterator[None]:
    """For writers on a connection of their own (a restore, a bulk load): their writes are
    declared inside the block, and ``topics`` are announced when it ends, whether or not it
    finished, as it commits on its own."""
    checked = checked_topics(topics)
    token = declared_writes.set(ANY_TABLE)
    try:
        yield
    finally:
        declared_writes.reset(token)
        announce(checked)


# The journal and its announcement ---------------------------------------------------------

PENDING, COMMITTED = "changes.pending", "changes.committed"


def add_to_journal(session: Session, topics: Iterable[str]) -> None:
    session.info.setdefault(PENDING, set()).update(topics)


def keep_committed(session: Session) -> None:
    """The pending topics are now what readers will see."""
    pending = session.info.pop(PENDING, None)
    if pending:
        session.info.setdefault(COMMITTED, set()).update(pending)


def announce_after_transaction(session: Session, transaction: SessionTransaction) -> None:
    """Once the outermost transaction has ended, and the session has handed its connection
    back: announce what it committed and forget what it did not.

    Not in ``after_commit``: the session still holds its connection there, and a receiver
    that queries on a second one lets a threaded server's busy writers take every pooled
    connection and wait on each other until the pool times out.
    """
    if transaction.parent is not None:
        return
    session.info.pop(PENDING, None)
    committed = session.info.pop(COMMITTED, None)
    if committed:
        announce(frozenset(committed))


def announce(topics: frozenset[str]) -> None:
    if topics:
        sender = current_app._get_current_object() if has_app_context() else None
        changes_committed.send(sender, topics=topics)


# The safety net (tests) -------------------------------------------------------------------

#: What the statements this context runs may write: any table (``ANY_TABLE``), or, while the
#: session named by a ``weakref`` flushes, the tables whose rows are declared.
declared_writes: ContextVar[object] = ContextVar("declared_writes", default=None)
ANY_TABLE = object()
WRITE = re.compile(
    r"""^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM)\s+[`"\[]?(\w+)""",
    re.IGNORECASE,
)


def mark_flushing(session: Session, _context: Any, _instances: Any) -> None:
    """A flush (perhaps the autoflush of a declared statement, whose writes stay declared)."""
    if declared_writes.get() is not ANY_TABLE:
        declared_writes.set(weakref.ref(session))


def is_flushing(declared: object) -> bool:
    """Whether ``declared`` names a session that is flushing (a flush may end without any
    event, when it finds nothing to write, so the session itself is asked)."""
    session = declared() if isinstance(declared, weakref.ref) else None
    return session is not None and session._flushing


def refuse_undeclared(
    _connection: Any, _cursor: Any, statement: str, _parameters: Any, _context: Any, _many: bool
) -> None:
    """Fail a statement that writes a table readers may see without declaring it."""
    written = WRITE.match(statement)
    declared = declared_writes.get()
    if written is None or declared is ANY_TABLE:
        return
    table = written.group(1)
    declared_tables, unseen_tables = tables_declared()
    if table in unseen_tables or table not in db.metadata.tables:
        return
    if table in declared_tables and is_flushing(declared):
        return
    raise UndeclaredChange(
        f"This statement writes {table!r} without declaring what readers will see change: "
        "register its model with blogapp.changes.declare_rows (or declare_unseen), pass "
        ".execution_options(changes=[...]), or wrap the writer in blogapp.changes.noting()."
        f"\n{statement}"
    )


def refuse_undeclared_writes(engine: Engine) -> None:
    """In tests: make every undeclared write to a table readers see fail."""
    if not event.contains(engine, "before_cursor_execute", refuse_undeclared):
        event.listen(engine, "before_cursor_execute", refuse_undeclared)


def keep_change_journal() -> None:
    """Attach the journal to every session, once per process."""
    if event.contains(Session, "after_flush", journal_flushed_rows):
        return
    event.listen(Session, "before_flush", mark_flushing)
    event.listen(Session, "after_flush", journal_flushed_rows)
    event.listen(Session, "do_orm_execute", journal_statement)
    event.listen(Session, "after_commit", keep_committed)
    event.listen(Session, "after_transaction_end", announce_after_transaction)


def register_change_journal(app: Flask) -> None:
    """Keep the journal; with ``CHANGES_MUST_BE_DECLARED`` (tests), refuse undeclared writes."""
    keep_change_journal()
    if app.config.get("CHANGES_MUST_BE_DECLARED"):
        with app.app_context():
            refuse_undeclared_writes(db.engine)

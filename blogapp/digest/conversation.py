"""The conversation in a reader's edition: replies to their comments and new comments in the
threads they follow, per post, as the page shows them.

Unlike posts and bulletins, each reader's conversation is their own. When a run is made, the
comments each reader's conversation window holds are recorded as mailed
(``MailedComment.delivery_id``), in the run's transaction: a retry sends what was recorded, and
neither thread mail nor reply notices carry those comments again (nor does the digest carry
what they carried). A delivery that never went out (failed, cancelled, suppressed) gives its
comments back to the reader's next edition.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import (
    Connection,
    Select,
    String,
    cast,
    func,
    literal,
    select,
    union,
)
from sqlalchemy.orm import aliased

from ..comments.authors import public_author
from ..database import insert_with_conflicts
from ..extensions import db
from ..following.unsent import followed_comments, replies_to_readers
from ..models import (
    Comment,
    CommentState,
    DigestDelivery,
    DigestDeliveryWindow,
    DigestStream,
    MailedComment,
    Post,
    User,
)
from ..models.types import UTCDateTime
from ..text import excerpt_of, wrapped
from ..urls import external_url

#: How much of a comment the edition shows: its first lines, cut at a word.
FIRST_LINES = 280
#: How many of a thread's new comments the edition shows; the rest are counted and linked
#: (a reader following a busy thread gets a readable email, not the whole thread again).
SHOWN_PER_THREAD = 10


#: The widths the edition's text and HTML parts wrap a comment's first lines at.
TEXT_WIDTH = 74
HTML_WIDTH = 76


@dataclass(frozen=True)
class ConversationComment:
    author: str
    created_at: datetime
    first_lines: str
    url: str
    #: The first lines wrapped for each part.
    text_lines: str
    html_lines: str


@dataclass(frozen=True)
class ConversationThread:
    """One post's new comments for a reader: the first ``SHOWN_PER_THREAD`` shown, and how
    many more there are from ``more_url`` on (readers with the same news share it)."""

    post_id: int
    title: str
    url: str
    comments: tuple[ConversationComment, ...]
    more: int = 0
    more_url: str = ""


Conversation = tuple[ConversationThread, ...]


def comment_count(conversation: Conversation) -> int:
    return sum(len(thread.comments) + thread.more for thread in conversation)


@dataclass(frozen=True)
class Author:
    """What ``public_author`` needs to know about a comment, read without the ORM."""

    anonymous: bool
    author_name: str | None
    account_name: str | None
    account_is_editor: bool = False


def conversation_comments(starts: dict[int, datetime], end: datetime) -> dict[int, list[int]]:
    """Each reader's conversation comment ids, oldest first, from their own window start to
    ``end`` (two queries for all readers)."""
    if not starts:
        return {}
    since = min(starts.values())
    found: dict[int, set[int]] = {}
    for statement in (followed_comments(since, end), replies_to_readers(since, end)):
        for reader_id, comment_id, shown_from in db.session.execute(statement):
            if reader_id in starts and shown_from >= starts[reader_id]:
                found.setdefault(reader_id, set()).add(comment_id)
    return {reader_id: sorted(ids) for reader_id, ids in found.items()}


def record_conversation(run_id: int, since: datetime, end: datetime, now: datetime) -> None:
    """Record, for each of the run's deliveries with a conversation window, the comments it
    holds as mailed by that delivery (uncommitted): one INSERT … SELECT, as a run for many
    readers in busy threads records millions. A record left by a delivery that never went
    out is taken over (ON CONFLICT … DO UPDATE)."""
    news = union(followed_comments(since, end), replies_to_readers(since, end)).subquery()
    window = DigestDeliveryWindow
    held = (
        select(news.c.reader_id, news.c.comment_id, DigestDelivery.id, literal(now, UTCDateTime))
        .join(DigestDelivery, DigestDelivery.user_id == news.c.reader_id)
        .join(window, window.delivery_id == DigestDelivery.id)
        .where(
            DigestDelivery.run_id == run_id,
            window.stream == DigestStream.CONVERSATION,
            news.c.shown_from >= window.window_start,
        )
    )
    statement = insert_with_conflicts(MailedComment, db.engine.dialect.name).from_select(
        ["user_id", "comment_id", "delivery_id", "mailed_at"], held
    )
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=["user_id", "comment_id"],
            set_={
                "delivery_id": statement.excluded.delivery_id,
                "mailed_at": statement.excluded.mailed_at,
            },
        )
    )


def comment_rows() -> Select:
    """The columns an edition shows of a conversation comment (author names without the ORM)."""
    author = aliased(User)
    return (
        select(
            Comment.id,
            Comment.post_id,
            Comment.created_at,
            Comment.body,
            Comment.anonymous,
            Comment.author_name,
            author.display_name,
        )
        .outerjoin(author, author.id == Comment.user_id)
        .where(Comment.state == CommentState.VISIBLE)
    )


def conversation_comment(row) -> ConversationComment:
    first_lines = excerpt_of(row.body, FIRST_LINES)
    return ConversationComment(
        author=public_author(Author(row.anonymous, row.author_name, row.display_name)),
        created_at=row.created_at,
        first_lines=first_lines,
        url=external_url("comments.permalink", comment_id=row.id),
        text_lines=wrapped(first_lines, TEXT_WIDTH),
        html_lines=wrapped(first_lines, HTML_WIDTH),
    )


@dataclass
class Shown:
    """What readers' editions show of comments and posts: each prepared once, when first
    needed, and kept for the editions that follow (a sender keeps one for its whole run)."""

    comments: dict[int, ConversationComment] = field(default_factory=dict)
    posts: dict[int, tuple[str, str]] = field(default_factory=dict)
    #: Each thread made, by post and the comment ids it was made of.
    threads: dict[tuple, ConversationThread] = field(default_factory=dict)

    def read(self, comment_ids: set[int], connection: Connection) -> "Shown":
        """Prepare those of ``comment_ids`` (and their posts) not prepared yet."""
        missing = comment_ids - self.comments.keys()
        if not missing:
            return self
        rows = connection.execute(comment_rows().where(Comment.id.in_(missing))).all()
        self.comments.update((row.id, conversation_comment(row)) for row in rows)
        new_posts = {row.post_id for row in rows} - self.posts.keys()
        if new_posts:
            posts = connection.execute(
                select(
                    Post.id, Post.title, Post.published_year, Post.published_month, Post.slug
                ).where(Post.id.in_(new_posts))
            )
            self.posts.update(
                (post.id, (wrapped(post.title, HTML_WIDTH), post_address(post))) for post in posts
            )
        return self

    def conversation(self, threads: dict[int, list[int]]) -> Conversation:
        """A reader's conversation from their comment ids by post (see ``Listed.by_thread``),
        each thread made once for every reader who gets the same (read them first)."""
        return tuple(self.thread(post_id, comment_ids) for post_id, comment_ids in threads.items())

    def thread(self, post_id: int, comment_ids: list[int]) -> ConversationThread:
        key = (post_id, tuple(comment_ids[: SHOWN_PER_THREAD + 1]), len(comment_ids))
        if key not in self.threads:
            self.threads[key] = thread_of(post_id, comment_ids, self)
        return self.threads[key]


def post_address(post) -> str:
    return external_url(
        "blog.post", year=post.published_year, month=post.published_month, slug=post.slug
    )


def shown_ids(threads: dict[int, list[int]]) -> set[int]:
    return {comment_id for ids in threads.values() for comment_id in ids[:SHOWN_PER_THREAD]}


def thread_of(post_id: int, comment_ids: list[int], shown: Shown) -> ConversationThread:
    """One post's part of the conversation: the first comments shown, and the rest counted
    and linked from the first one not shown."""
    title, url = shown.posts[post_id]
    first, rest = comment_ids[:SHOWN_PER_THREAD], comment_ids[SHOWN_PER_THREAD:]
    return ConversationThread(
        post_id=post_id,
        title=title,
        url=url,
        comments=tuple(
            comment for comment_id in first if (comment := shown.comments.get(comment_id))
        ),
        more=len(rest),
        more_url=external_url("comments.permalink", comment_id=rest[0]) if rest else "",
    )


@dataclass(frozen=True)
class Listed:
    """Which of some comments are still shown, on which post, and in what order threads
    show them (oldest first)."""

    post_of: dict[int, int]
    rank: dict[int, int]

    @classmethod
    def read(cls, comment_ids: set[int], connection: Connection) -> "Listed":
        if not comment_ids:
            return cls({}, {})
        post_of = dict(
            connection.execute(
                select(Comment.id, Comment.post_id)
                .where(Comment.id.in_(comment_ids), Comment.state == CommentState.VISIBLE)
                .order_by(Comment.created_at, Comment.id)
            ).all()
        )
        return cls(post_of, {comment_id: rank for rank, comment_id in enumerate(post_of)})

    def by_thread(self, comment_ids: Iterable[int]) -> dict[int, list[int]]:
        """Those of ``comment_ids`` still shown, by post, oldest first, the post with the
        oldest news first."""
        threads: dict[int, list[int]] = {}
        rank = self.rank
        for comment_id in sorted((i for i in comment_ids if i in rank), key=rank.__getitem__):
            threads.setdefault(self.post_of[comment_id], []).append(comment_id)
        return threads


def recorded_comment_ids(
    delivery_ids: Iterable[int], connection: Connection
) -> dict[int, list[int]]:
    """The comment ids recorded for each delivery: a row per delivery, its ids joined in the
    database (a reader in busy threads has hundreds, and a row for each costs more)."""
    rows = connection.execute(
        select(
            MailedComment.delivery_id,
            func.aggregate_strings(cast(MailedComment.comment_id, String), ","),
        )
        .where(MailedComment.delivery_id.in_(list(delivery_ids)))
        .group_by(MailedComment.delivery_id)
    )
    return {delivery_id: list(map(int, ids.split(","))) for delivery_id, ids in rows}


def recorded_conversations(
    delivery_ids: Iterable[int], connection: Connection, shown: Shown
) -> dict[int, Conversation]:
    """The conversation recorded for each of some deliveries (read on the sender's own
    connection); comments held or removed since are left out. Many readers get the same
    comments and threads: each is prepared once, in ``shown``, which a sender keeps."""
    by_delivery = recorded_comment_ids(delivery_ids, connection)
    listed = Listed.read(set().union(*by_delivery.values()), connection)
    threads = {delivery_id: listed.by_thread(ids) for delivery_id, ids in by_delivery.items()}
    shown.read(set().union(*map(shown_ids, threads.values())), connection)
    return {delivery_id: shown.conversation(each) for delivery_id, each in threads.items()}


def conversation_between(reader_id: int, start: datetime, end: datetime) -> Conversation:
    """What a reader's conversation window would hold now (a preview: nothing recorded)."""
    comment_ids = conversation_comments({reader_id: start}, end).get(reader_id, [])
    if not comment_ids:
        return ()
    connection = db.session.connection()
    threads = Listed.read(set(comment_ids), connection).by_thread(comment_ids)
    return Shown().read(shown_ids(threads), connection).conversation(threads)

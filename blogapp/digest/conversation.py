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
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby

from sqlalchemy import (
    ColumnElement,
    Connection,
    Row,
    Select,
    exists,
    insert,
    or_,
    select,
)
from sqlalchemy.orm import aliased

from ..blog.queries import is_visible
from ..comments.authors import public_author
from ..extensions import db
from ..following.operations import already_mailed, take_over_records
from ..following.tokens import mute_token
from ..models import (
    Comment,
    CommentState,
    FollowChoice,
    MailedComment,
    Post,
    ThreadFollow,
    User,
)
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
    """One post's new comments for one reader, with the link that mutes the post for them:
    the first ``SHOWN_PER_THREAD`` shown, and how many more there are from ``more_url`` on."""

    title: str
    url: str
    mute_url: str
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


def shown_to(reader_id: ColumnElement[int], start: datetime, end: datetime) -> tuple:
    """A comment the reader may be sent: shown, in [start, end), on a visible post they have
    not muted, not their own, and not mailed to them by anything that went out."""
    muting = aliased(ThreadFollow)
    muted = exists().where(
        muting.user_id == reader_id,
        muting.post_id == Comment.post_id,
        muting.choice == FollowChoice.MUTED,
    )
    return (
        Comment.state == CommentState.VISIBLE,
        Comment.shown_from() >= start,
        Comment.shown_from() < end,
        or_(Comment.user_id.is_(None), Comment.user_id != reader_id),
        is_visible(end),
        ~muted,
        ~already_mailed(reader_id, Comment.id),
    )


def followed_comments(start: datetime, end: datetime) -> Select:
    """(reader, comment, shown from) for new comments in threads readers follow."""
    return (
        select(ThreadFollow.user_id, Comment.id, Comment.shown_from())
        .join(Comment, Comment.post_id == ThreadFollow.post_id)
        .join(Post, Post.id == Comment.post_id)
        .where(
            ThreadFollow.choice == FollowChoice.FOLLOWING,
            Comment.shown_from() >= ThreadFollow.created_at,
            *shown_to(ThreadFollow.user_id, start, end),
        )
    )


def replies_to_readers(start: datetime, end: datetime) -> Select:
    """(reader, comment, shown from) for replies to the comments of readers who want
    replies."""
    answered = aliased(Comment)
    return (
        select(answered.user_id, Comment.id, Comment.shown_from())
        .join(answered, answered.id == Comment.reply_to_id)
        .join(User, User.id == answered.user_id)
        .join(Post, Post.id == Comment.post_id)
        .where(
            User.notify_replies.is_(True),
            answered.state == CommentState.VISIBLE,
            *shown_to(answered.user_id, start, end),
        )
    )


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


def record_conversation(
    delivery_ids: dict[int, int], picked: dict[int, list[int]], now: datetime
) -> None:
    """Record each reader's conversation comments as mailed by their delivery (uncommitted);
    a record left by a delivery that never went out is taken over."""
    rows = [
        {
            "user_id": user_id,
            "comment_id": comment_id,
            "delivery_id": delivery_ids[user_id],
            "mailed_at": now,
        }
        for user_id, comment_ids in picked.items()
        for comment_id in comment_ids
    ]
    if not rows:
        return
    for user_id, comment_ids in picked.items():
        take_over_records(user_id, comment_ids)
    db.session.execute(insert(MailedComment), rows)


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


@dataclass(frozen=True)
class Shown:
    """What every reader's edition shows of the comments and posts in a batch, prepared once."""

    comments: dict[int, ConversationComment]
    posts: dict[int, tuple[str, str]]

    @classmethod
    def read(cls, comment_ids: set[int], connection: Connection) -> "Shown":
        if not comment_ids:
            return cls({}, {})
        rows = connection.execute(comment_rows().where(Comment.id.in_(comment_ids))).all()
        post_ids = {row.post_id for row in rows}
        posts = connection.execute(
            select(Post.id, Post.title, Post.published_year, Post.published_month, Post.slug).where(
                Post.id.in_(post_ids)
            )
        )
        return cls(
            {row.id: conversation_comment(row) for row in rows},
            {post.id: (wrapped(post.title, HTML_WIDTH), post_address(post)) for post in posts},
        )


def post_address(post) -> str:
    return external_url(
        "blog.post", year=post.published_year, month=post.published_month, slug=post.slug
    )


def by_thread(rows: Iterable) -> dict[int, list]:
    """(id, post_id, created_at) rows grouped by post, oldest first, the post with the oldest
    news first."""
    threads: dict[int, list] = {}
    for row in sorted(rows, key=lambda row: (row.created_at, row.id)):
        threads.setdefault(row.post_id, []).append(row)
    return threads


def shown_ids(threads: dict[int, list]) -> set[int]:
    return {row.id for rows in threads.values() for row in rows[:SHOWN_PER_THREAD]}


def threads_of(reader_id: int, threads: dict[int, list], shown: Shown) -> Conversation:
    return tuple(thread_of(reader_id, post_id, rows, shown) for post_id, rows in threads.items())


def thread_of(reader_id: int, post_id: int, rows: list, shown: Shown) -> ConversationThread:
    """One post's part of the conversation, its first comments shown and the rest linked
    from the first one not shown."""
    unshown = rows[SHOWN_PER_THREAD:]
    title, url = shown.posts[post_id]
    return ConversationThread(
        title=title,
        url=url,
        mute_url=external_url("following.mute_page", token=mute_token(reader_id, post_id)),
        comments=tuple(
            comment for row in rows[:SHOWN_PER_THREAD] if (comment := shown.comments.get(row.id))
        ),
        more=len(unshown),
        more_url=external_url("comments.permalink", comment_id=unshown[0].id) if unshown else "",
    )


def listed_comments(comment_ids: set[int], connection: Connection) -> dict[int, Row]:
    """Where each still shown comment stands in its thread: (id, post_id, created_at)."""
    if not comment_ids:
        return {}
    rows = connection.execute(
        select(Comment.id, Comment.post_id, Comment.created_at).where(
            Comment.id.in_(comment_ids), Comment.state == CommentState.VISIBLE
        )
    )
    return {row.id: row for row in rows}


def recorded_conversations(
    delivery_ids: Iterable[int], connection: Connection
) -> dict[int, Conversation]:
    """The conversation recorded for each of some deliveries (read on the sender's own
    connection); comments held or removed since are left out. Many readers get the same
    comments: each is read, and prepared to be shown, once for all of them."""
    mailed = connection.execute(
        select(MailedComment.delivery_id, MailedComment.user_id, MailedComment.comment_id)
        .where(MailedComment.delivery_id.in_(list(delivery_ids)))
        .order_by(MailedComment.delivery_id)
    ).all()
    listed = listed_comments({row.comment_id for row in mailed}, connection)
    deliveries: dict[tuple[int, int], dict[int, list]] = {}
    for delivery_id, group in groupby(mailed, key=lambda row: row.delivery_id):
        group = list(group)
        still_shown = (listed[row.comment_id] for row in group if row.comment_id in listed)
        deliveries[delivery_id, group[0].user_id] = by_thread(still_shown)
    shown = Shown.read(set().union(*map(shown_ids, deliveries.values())), connection)
    return {
        delivery_id: threads_of(reader_id, threads, shown)
        for (delivery_id, reader_id), threads in deliveries.items()
    }


def conversation_between(reader_id: int, start: datetime, end: datetime) -> Conversation:
    """What a reader's conversation window would hold now (a preview: nothing recorded)."""
    comment_ids = conversation_comments({reader_id: start}, end).get(reader_id, [])
    if not comment_ids:
        return ()
    connection = db.session.connection()
    threads = by_thread(listed_comments(set(comment_ids), connection).values())
    return threads_of(reader_id, threads, Shown.read(shown_ids(threads), connection))

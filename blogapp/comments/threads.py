"""Arranging a post's comments into numbered threads, as readers see them.

A busy post has hundreds of comments, so the thread is read in one query of plain values
(no ORM objects) and each comment is a small frozen record the template walks through.
"""

from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from functools import cache

from sqlalchemy import Select, bindparam, select

from ..dates import blog_zone, format_date_time
from ..extensions import db
from ..models import Comment, CommentState, Post, Role, User
from ..models.comments import ShownComment


@dataclass(frozen=True, slots=True)
class ThreadComment(ShownComment):
    """What a thread shows of one comment, worked out once when the thread is read."""

    id: int
    parent_id: int | None
    user_id: int | None
    state: CommentState
    anonymous: bool
    author_name: str | None
    account_name: str | None
    #: The account is an editor's or an administrator's (whether or not it posted as Anonymous).
    account_is_editor: bool
    body_html: str
    created_at: datetime
    #: '19 June 2014 at 22:42' in the blog's zone.
    shown_time: str
    removed_at: datetime | None = None
    edited_at: datetime | None = None
    #: '22:45' (or '20 June 2014 at 09:10' on a later day) when its author edited it.
    shown_edit_time: str | None = None


THREAD_COLUMNS = (
    Comment.id,
    Comment.parent_id,
    Comment.user_id,
    Comment.state,
    Comment.anonymous,
    Comment.author_name,
    User.display_name,
    User.role,
    Comment.body_html,
    Comment.created_at,
    Comment.removed_at,
    Comment.edited_at,
)


EDITOR_ROLES = (Role.EDITOR, Role.ADMIN)


@dataclass
class Entry:
    """A comment with its number: top-level ones 1, 2, 3…, replies 3.1, 3.2… under theirs.

    The ``may_*`` flags say what the reader of the page may do with it.
    """

    number: str
    comment: ThreadComment
    replies: list["Entry"] = field(default_factory=list)
    may_reply: bool = False
    may_report: bool = False
    may_remove: bool = False
    may_edit: bool = False
    may_undo: bool = False


def can_see(comment: Comment | ThreadComment, viewer: User | None) -> bool:
    """Held comments are shown to their author and to editors only; discarded ones to nobody."""
    if comment.state == CommentState.DISCARDED:
        return False
    if comment.state != CommentState.PENDING:
        return True
    if viewer is None or not viewer.is_authenticated:
        return False
    return viewer.is_editor or comment.user_id == viewer.id


@cache
def thread_statement(by_author: bool) -> Select:
    """Built once: every post page reads its thread, and logged-in readers their own comments."""
    statement = (
        select(*THREAD_COLUMNS)
        .outerjoin(User, User.id == Comment.user_id)
        .where(Comment.post_id == bindparam("post_id"))
        .order_by(Comment.created_at, Comment.id)
    )
    return statement.where(Comment.user_id == bindparam("author_id")) if by_author else statement


def comments_of(post: Post, author: User | None = None) -> list[ThreadComment]:
    """A post's comments (or only ``author``'s) in the order they were written."""
    parameters = {"post_id": post.id}
    if author is not None:
        parameters["author_id"] = author.id
    rows = db.session.execute(thread_statement(author is not None), parameters)
    zone = blog_zone()
    return [
        ThreadComment(
            id=comment_id,
            parent_id=parent_id,
            user_id=user_id,
            state=state,
            anonymous=anonymous,
            author_name=author_name,
            account_name=account_name,
            account_is_editor=role in EDITOR_ROLES,
            body_html=body_html,
            created_at=created_at,
            shown_time=format_date_time(created_at, zone),
            removed_at=removed_at,
            edited_at=edited_at,
            shown_edit_time=edit_time(created_at, edited_at, zone),
        )
        for (comment_id, parent_id, user_id, state, anonymous, author_name, account_name, role,
             body_html, created_at, removed_at, edited_at) in rows
    ]  # fmt: skip


def edit_time(created_at: datetime, edited_at: datetime | None, zone: tzinfo) -> str | None:
    """When an edited comment was changed: the time alone on the day it was written."""
    if edited_at is None:
        return None
    if edited_at.astimezone(zone).date() == created_at.astimezone(zone).date():
        return f"{edited_at.astimezone(zone):%H:%M}"
    return format_date_time(edited_at, zone)


def own_comments(post: Post, author: User) -> list[ThreadComment]:
    """``author``'s comments on ``post`` that they can see (discarded ones are gone)."""
    return [comment for comment in comments_of(post, author) if can_see(comment, author)]


def arrange_threads(comments: list[ThreadComment]) -> list[Entry]:
    """Number comments into threads; a reply whose parent is not shown stands on its own."""
    threads: list[Entry] = []
    by_id: dict[int, Entry] = {}
    for comment in comments:
        parent = by_id.get(comment.parent_id) if comment.parent_id else None
        if parent is None:
            entry = Entry(str(len(threads) + 1), comment)
            threads.append(entry)
            by_id[comment.id] = entry
        else:
            parent.replies.append(Entry(f"{parent.number}.{len(parent.replies) + 1}", comment))
            by_id[comment.id] = parent
    return threads


def comment_threads(post: Post, viewer: User | None) -> list[Entry]:
    """The threads under ``post`` as ``viewer`` may see them."""
    return arrange_threads([c for c in comments_of(post) if can_see(c, viewer)])

"""What a reader's conversation has not carried yet: new comments in the threads they follow
and replies to their comments. The digest's conversation and the mail that comes at once
both start from here, so both leave out the same comments (held, removed, muted, their own,
already mailed) and count a held comment as new from when an editor approved it."""

from datetime import datetime

from sqlalchemy import ColumnElement, Select, exists, or_, select
from sqlalchemy.orm import aliased

from ..blog.queries import is_visible
from ..models import Comment, CommentState, FollowChoice, Post, ThreadFollow, User
from .operations import already_mailed


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


def labelled(reader_id: ColumnElement[int]) -> tuple[ColumnElement, ...]:
    """The columns both selections give: reader_id, comment_id, shown_from."""
    return (
        reader_id.label("reader_id"),
        Comment.id.label("comment_id"),
        Comment.shown_from().label("shown_from"),
    )


def followed_comments(start: datetime, end: datetime, *also: ColumnElement[bool]) -> Select:
    """(reader, comment, shown from) for new comments in threads readers follow; ``also``
    may ask more of the reader, who is ``User``."""
    return (
        select(*labelled(ThreadFollow.user_id))
        .join(User, User.id == ThreadFollow.user_id)
        .join(Comment, Comment.post_id == ThreadFollow.post_id)
        .join(Post, Post.id == Comment.post_id)
        .where(
            ThreadFollow.choice == FollowChoice.FOLLOWING,
            Comment.shown_from() >= ThreadFollow.created_at,
            *shown_to(ThreadFollow.user_id, start, end),
            *also,
        )
    )


def replies_to_readers(start: datetime, end: datetime, *also: ColumnElement[bool]) -> Select:
    """(reader, comment, shown from) for replies to the comments of readers who want
    replies; ``also`` may ask more of the reader, who is ``User``."""
    answered = aliased(Comment)
    return (
        select(*labelled(answered.user_id))
        .join(answered, answered.id == Comment.reply_to_id)
        .join(User, User.id == answered.user_id)
        .join(Post, Post.id == Comment.post_id)
        .where(
            User.notify_replies.is_(True),
            answered.state == CommentState.VISIBLE,
            *shown_to(answered.user_id, start, end),
            *also,
        )
    )

"""Following and muting threads: what a reader chose about a post's comments, and changing it."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, Exists, delete, exists, literal, or_, select

from .. import changes
from ..database import insert_unless_there
from ..dates import utcnow
from ..extensions import db
from ..models import (
    NOT_COVERING,
    Comment,
    CommentState,
    DigestDelivery,
    FollowChoice,
    MailedComment,
    Post,
    ThreadFollow,
    User,
)
from .tokens import StopRequest

changes.declare_unseen(ThreadFollow, MailedComment)


@dataclass(frozen=True)
class FollowState:
    """What the post page offers a logged-in reader about the thread."""

    choice: FollowChoice | None
    #: Only a reader who has commented on the post can mute it.
    may_mute: bool


def already_mailed(
    reader_id: ColumnElement[int], comment_id: ColumnElement[int]
) -> ColumnElement[bool]:
    """The comment went to the reader, or is in a digest delivery that may still go: a
    delivery that never went out (failed, cancelled, suppressed) gives it back."""
    return (
        select(MailedComment.id)
        .outerjoin(DigestDelivery, DigestDelivery.id == MailedComment.delivery_id)
        .where(
            MailedComment.user_id == reader_id,
            MailedComment.comment_id == comment_id,
            or_(MailedComment.delivery_id.is_(None), DigestDelivery.state.not_in(NOT_COVERING)),
        )
        .exists()
    )


def mailed_recently(reader_id: ColumnElement[int], since: datetime) -> ColumnElement[bool]:
    """The reader has had conversation mail at once (thread mail or a reply notice) after
    ``since``."""
    return exists().where(
        MailedComment.user_id == reader_id,
        MailedComment.mailed_at > since,
        MailedComment.delivery_id.is_(None),
    )


def conversation_mail_interval() -> timedelta:
    """A reader gets at most one mail of their conversation at once in this long."""
    return timedelta(minutes=current_app.config["THREAD_MAIL_MINUTES"])


def had_conversation_mail_since(user_id: int, since: datetime) -> bool:
    return bool(db.session.scalar(select(mailed_recently(literal(user_id), since))))


def take_over_records(user_id: int, comment_ids: list[int]) -> None:
    """Drop the records of these comments left by digest deliveries that never went out,
    before the comments are recorded as mailed again (flushed)."""
    db.session.execute(
        delete(MailedComment).where(
            MailedComment.user_id == user_id,
            MailedComment.comment_id.in_(comment_ids),
            MailedComment.delivery_id.is_not(None),
        )
    )


def follow_state(user: User, post: Post) -> FollowState:
    """The reader's choice about the thread and whether they commented, in one query."""
    choice = select(ThreadFollow.choice).where(
        ThreadFollow.user_id == user.id, ThreadFollow.post_id == post.id
    )
    row = db.session.execute(select(choice.scalar_subquery(), commented(user, post))).one()
    return FollowState(FollowChoice(row[0]) if row[0] else None, bool(row[1]))


def commented(user: User, post: Post) -> Exists:
    """``user`` has a comment on ``post`` that was not thrown away unseen."""
    return exists().where(
        Comment.post_id == post.id,
        Comment.user_id == user.id,
        Comment.state != CommentState.DISCARDED,
    )


def has_commented(user: User, post: Post) -> bool:
    return bool(db.session.scalar(select(commented(user, post))))


def has_muted(user_id: int, post_id: int) -> bool:
    """Whether the reader has muted the post's thread (no reply notices from it)."""
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    ThreadFollow.user_id == user_id,
                    ThreadFollow.post_id == post_id,
                    ThreadFollow.choice == FollowChoice.MUTED,
                )
            )
        )
    )


def choose(user: User, post: Post, choice: FollowChoice | None) -> None:
    """Follow, mute, or (None) neither; following again starts from now."""
    db.session.execute(
        delete(ThreadFollow).where(ThreadFollow.user_id == user.id, ThreadFollow.post_id == post.id)
    )
    if choice is not None:
        db.session.add(
            ThreadFollow(user_id=user.id, post_id=post.id, choice=choice, created_at=utcnow())
        )
    db.session.commit()


def follow_after_commenting(user: User, post: Post) -> None:
    """Follow the thread one has just commented on, if one asked for that and made no other
    choice about it (a mute stays a mute), in the comment's transaction."""
    if not user.follow_on_comment:
        return
    follow = insert_unless_there(ThreadFollow, ["user_id", "post_id"], db.engine.dialect.name)
    db.session.execute(
        follow.values(
            user_id=user.id, post_id=post.id, choice=FollowChoice.FOLLOWING, created_at=utcnow()
        )
    )


def mute_by_link(wanted: StopRequest) -> bool:
    """Mute the thread a signed mute link names; False when the post is gone."""
    user = db.session.get(User, wanted.user_id)
    post = db.session.get(Post, wanted.post_id) if wanted.post_id is not None else None
    if user is None or post is None:
        return False
    choose(user, post, FollowChoice.MUTED)
    return True


def stop_following(wanted: StopRequest) -> int:
    """Stop the thread mail a stop link names; how many threads were followed."""
    statement = delete(ThreadFollow).where(
        ThreadFollow.user_id == wanted.user_id, ThreadFollow.choice == FollowChoice.FOLLOWING
    )
    if wanted.post_id is not None:
        statement = statement.where(ThreadFollow.post_id == wanted.post_id)
    stopped = db.session.execute(statement).rowcount
    db.session.commit()
    return stopped

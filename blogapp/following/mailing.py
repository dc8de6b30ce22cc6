"""Mailing followers the new comments on the threads they follow.

"Select what is not mailed yet, queue the mail, record it as mailed, commit": the queued mail
and the record of what it carries are one transaction, so nothing goes twice. A reader gets at
most one such mail every ``THREAD_MAIL_MINUTES``, carrying every thread they follow, oldest
comment first; only shown comments, never their own, and "Anonymous" stays anonymous.
"""

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import formataddr
from itertools import groupby

from flask import current_app
from sqlalchemy import ColumnElement, and_, exists, or_, select
from sqlalchemy.orm import selectinload

from ..blog.queries import is_visible
from ..dates import utcnow
from ..extensions import db
from ..mail import queue_email, site_domain
from ..models import Comment, CommentState, FollowChoice, MailedComment, Post, ThreadFollow, User
from ..subscriptions.receiving import account_may_receive_sql, conversation_at_once_sql
from ..urls import external_url
from .operations import already_mailed, take_over_records
from .tokens import stop_token

ONE_CLICK_POST = "List-Unsubscribe=One-Click"


@dataclass(frozen=True)
class FollowedThread:
    """One post's new comments in a follower's mail."""

    post: Post
    comments: list[Comment]
    stop_link: str


def mailed_recently(since: datetime) -> ColumnElement[bool]:
    """The follower has had a thread mail (or a reply notice) after ``since``."""
    return exists().where(
        MailedComment.user_id == ThreadFollow.user_id,
        MailedComment.mailed_at > since,
        MailedComment.delivery_id.is_(None),
    )


def unmailed_comments(now: datetime) -> list[tuple[int, int]]:
    """(reader, comment) for every shown comment a due follower has not been mailed yet."""
    interval = timedelta(minutes=current_app.config["THREAD_MAIL_MINUTES"])
    statement = (
        select(ThreadFollow.user_id, Comment.id)
        .join(Comment, Comment.post_id == ThreadFollow.post_id)
        .join(Post, Post.id == Comment.post_id)
        .join(User, User.id == ThreadFollow.user_id)
        .where(
            ThreadFollow.choice == FollowChoice.FOLLOWING,
            Comment.state == CommentState.VISIBLE,
            Comment.created_at >= ThreadFollow.created_at,
            Comment.created_at <= now,
            or_(Comment.user_id.is_(None), Comment.user_id != ThreadFollow.user_id),
            and_(is_visible(), account_may_receive_sql()),
            conversation_at_once_sql(ThreadFollow.user_id),
            ~already_mailed(ThreadFollow.user_id, Comment.id),
            ~mailed_recently(now - interval),
        )
        .order_by(ThreadFollow.user_id, Comment.id)
    )
    return [(user_id, comment_id) for user_id, comment_id in db.session.execute(statement)]


def followed_thread(user: User, comments: list[Comment]) -> FollowedThread:
    post = comments[0].post
    return FollowedThread(
        post, comments, external_url("following.stop_page", token=stop_token(user.id, post.id))
    )


def threads_of(user: User, comment_ids: list[int]) -> list[FollowedThread]:
    """The comments grouped by post, oldest first (and the post with the oldest news first)."""
    comments = db.session.scalars(
        select(Comment)
        .where(Comment.id.in_(comment_ids))
        .options(selectinload(Comment.post), selectinload(Comment.user))
        .order_by(Comment.created_at, Comment.id)
    ).all()
    by_post: dict[int, list[Comment]] = {}
    for comment in comments:
        by_post.setdefault(comment.post_id, []).append(comment)
    return [followed_thread(user, kept) for kept in by_post.values()]


def thread_mail_headers(stop_all: str) -> dict[str, str]:
    """List-Id and the RFC 2369 / RFC 8058 headers that let mail clients stop thread mail."""
    description = f"{current_app.config['BLOG_TITLE']} comment threads"
    return {
        "List-Id": formataddr((description, f"threads.{site_domain()}")),
        "List-Unsubscribe": f"<{stop_all}>",
        "List-Unsubscribe-Post": ONE_CLICK_POST,
    }


def subject_for(threads: list[FollowedThread]) -> str:
    count = sum(len(thread.comments) for thread in threads)
    comments = "1 new comment" if count == 1 else f"{count} new comments"
    if len(threads) == 1:
        return f"{comments} on “{threads[0].post.title}”"
    return f"{comments} on {len(threads)} threads you follow"


def mail_reader(user_id: int, comment_ids: list[int], now: datetime) -> bool:
    """Queue one reader's mail and record what it carries, in one commit."""
    user = db.session.get(User, user_id)
    threads = threads_of(user, comment_ids)
    stop_all = external_url("following.stop_page", token=stop_token(user.id))
    queued = queue_email(
        user.email,
        subject_for(threads),
        "thread_comments",
        headers=thread_mail_headers(stop_all),
        recipient=user,
        threads=threads,
        stop_all=stop_all,
        blog_title=current_app.config["BLOG_TITLE"],
    )
    take_over_records(user.id, comment_ids)
    db.session.add_all(
        MailedComment(user_id=user.id, comment_id=comment_id, mailed_at=now)
        for comment_id in comment_ids
    )
    db.session.commit()
    return queued


def mail_followers(stop: threading.Event | None = None) -> int:
    """Mail every due follower their new comments; how many mails were queued."""
    now = utcnow()
    pending = unmailed_comments(now)
    queued = 0
    for user_id, rows in groupby(pending, key=lambda row: row[0]):
        if stop is not None and stop.is_set():
            break
        queued += mail_reader(user_id, [comment_id for _, comment_id in rows], now)
    return queued

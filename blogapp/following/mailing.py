"""Mailing readers whose conversation comes at once: the new comments on the threads they
follow, and the replies to their comments that no reply notice carried (one had come within
the hour).

"Select what is not mailed yet, queue the mail, record it as mailed, commit": the queued mail
and the record of what it carries are one transaction, so nothing goes twice. A reader gets at
most one such mail every ``THREAD_MAIL_MINUTES`` (a reply notice counts), carrying every thread
with news for them, oldest comment first; only shown comments, never their own, and
"Anonymous" stays anonymous.
"""

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import formataddr
from itertools import groupby

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..dates import utcnow
from ..extensions import db
from ..mail import queue_email, site_domain
from ..models import Comment, FollowChoice, MailedComment, Post, ThreadFollow, User
from ..subscriptions.receiving import account_may_receive_sql, conversation_at_once_sql
from ..urls import external_url
from .operations import mailed_recently, take_over_records
from .tokens import stop_token
from .unsent import followed_comments, replies_to_readers

ONE_CLICK_POST = "List-Unsubscribe=One-Click"
#: How far back the mail that comes at once looks for what it has not carried yet (a reader
#: who moves from a weekly digest to at once gets the rest of the week).
CATCH_UP = timedelta(days=7)
#: The windows' ends are exclusive; a comment shown at this very moment goes too.
JUST_AFTER = timedelta(microseconds=1)


@dataclass(frozen=True)
class FollowedThread:
    """One post's new comments in a follower's mail."""

    post: Post
    comments: list[Comment]
    stop_link: str


def unmailed_comments(now: datetime) -> list[tuple[int, int]]:
    """(reader, comment) for every comment a due reader's conversation at once has not carried
    yet: new comments in the threads they follow and replies to their comments."""
    interval = timedelta(minutes=current_app.config["THREAD_MAIL_MINUTES"])
    due = (
        account_may_receive_sql(),
        conversation_at_once_sql(User.id),
        ~mailed_recently(User.id, now - interval),
    )
    start, end = now - CATCH_UP, now + JUST_AFTER
    found = set()
    for statement in (
        followed_comments(start, end, *due),
        replies_to_readers(start, end, *due),
    ):
        found.update(
            (reader_id, comment_id) for reader_id, comment_id, _ in db.session.execute(statement)
        )
    return sorted(found)


def followed_thread(user: User, comments: list[Comment], followed: set[int]) -> FollowedThread:
    """A post's part of the mail; one the reader does not follow (replies to them) has no
    stop link: their account page's setting stops those."""
    post = comments[0].post
    stop_link = external_url("following.stop_page", token=stop_token(user.id, post.id))
    return FollowedThread(post, comments, stop_link if post.id in followed else "")


def followed_posts(user: User, post_ids: set[int]) -> set[int]:
    return set(
        db.session.scalars(
            select(ThreadFollow.post_id).where(
                ThreadFollow.user_id == user.id,
                ThreadFollow.post_id.in_(post_ids),
                ThreadFollow.choice == FollowChoice.FOLLOWING,
            )
        )
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
    followed = followed_posts(user, set(by_post))
    return [followed_thread(user, kept, followed) for kept in by_post.values()]


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

"""Writing comments: posting, replying, removing, reporting; every change recounts its post."""

import logging
from collections.abc import Iterable

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from .. import changes
from ..dates import utcnow
from ..extensions import db
from ..following.operations import follow_after_commenting
from ..models import Comment, CommentRemoval, CommentReport, CommentState, Post, User
from ..signals import comment_published
from ..text import render_comment_text
from ..typed_text import (
    DIRECTION_OVERRIDES_MESSAGE,
    has_control_characters,
    has_direction_overrides,
    is_blank,
)
from .permissions import commenting_refusal, may_remove
from .screening import hold_reason

log = logging.getLogger(__name__)
COMMENT_MAX_LENGTH = 4096
REPORT_REASON_MAX_LENGTH = 1000


def comment_topics(comment: Comment, change: changes.RowChange) -> tuple[str, ...]:
    """A new comment may reach readers a few seconds late; any other change (removed,
    approved) shows at once."""
    if change.added:
        return (changes.new_comment(comment.post_id),)
    return (changes.thread(comment.post_id),)


changes.declare_rows(Comment, comment_topics)
changes.declare_unseen(CommentReport, CommentRemoval)


class CommentError(ValueError):
    """A comment that cannot be stored, with the reason for the writer and an HTTP status."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.status = status


def comment_length(body: str) -> int:
    """Characters as the writer counts them: a browser sends each line break as two."""
    return len(body.replace("\r\n", "\n"))


def comment_body_problem(body: str) -> str | None:
    """Why ``body`` cannot be posted, or None."""
    if is_blank(body):
        return "Please write your comment first."
    if comment_length(body) > COMMENT_MAX_LENGTH:
        return (
            f"A comment can be at most {COMMENT_MAX_LENGTH:,} characters long; "
            f"this one has {comment_length(body):,}. Please shorten it."
        )
    if has_control_characters(body):
        return "The comment contains control characters that cannot be shown; please retype it."
    if has_direction_overrides(body):
        return DIRECTION_OVERRIDES_MESSAGE
    return None


def recount_comments(post_ids: Iterable[int]) -> None:
    """Set each post's comment_count to its number of shown comments, replies included.

    Counted in SQL, so it is right however the comments changed; leaves ``updated_at`` be.
    The posts are locked first so that, on PostgreSQL, the count runs in a fresh snapshot
    that sees every comment committed by a writer who held the lock before us.
    """
    post_ids = set(post_ids)
    if not post_ids:
        return
    lock_posts(post_ids)
    shown = (
        select(func.count(Comment.id))
        .where(Comment.post_id == Post.id, Comment.state == CommentState.VISIBLE)
        .scalar_subquery()
    )
    db.session.execute(
        update(Post)
        .where(Post.id.in_(post_ids))
        .values(comment_count=shown, updated_at=Post.updated_at)
        .execution_options(synchronize_session="fetch", changes=[changes.COMMENT_COUNTS])
    )


def lock_posts(post_ids: set[int]) -> None:
    """Wait for other writers' recounts of these posts, in id order so two never deadlock.

    ``FOR NO KEY UPDATE``: it does not wait for the key-share locks new comments hold on
    their post, which would deadlock two writers commenting on the same post.
    """
    db.session.execute(
        select(Post.id)
        .where(Post.id.in_(post_ids))
        .order_by(Post.id)
        .with_for_update(key_share=True)
    )


def thread_parent(post: Post, answering: Comment | None) -> Comment | None:
    """The top-level comment a reply joins (a reply to a reply joins the same thread)."""
    if answering is None:
        return None
    if answering.post_id != post.id:
        raise CommentError("That comment is on another post, so you cannot reply to it here.", 400)
    if answering.state == CommentState.HIDDEN:
        raise CommentError("That comment is hidden while the editors review it.", 409)
    if answering.state not in (CommentState.VISIBLE, CommentState.PENDING):
        raise CommentError("That comment has been removed, so it cannot be replied to.", 409)
    return answering.parent or answering


def post_comment(
    post: Post,
    author: User,
    body: str,
    anonymous: bool,
    answering: Comment | None = None,
    sign_of_a_script: str | None = None,
) -> Comment:
    """Store a comment (or a reply to ``answering``) exactly as typed, rendered once, now;
    held for an editor when ``screening`` says so (``sign_of_a_script`` comes from its form)."""
    refusal = commenting_refusal(post, author)
    if refusal:
        raise CommentError(refusal, 403)
    problem = comment_body_problem(body)
    if problem:
        raise CommentError(problem)
    held_because = hold_reason(author, body, sign_of_a_script)
    comment = Comment(
        post=post,
        user=author,
        parent=thread_parent(post, answering),
        reply_to_id=answering.id if answering else None,
        anonymous=anonymous,
        body=body,
        body_html=render_comment_text(body),
        created_at=utcnow(),
        state=CommentState.PENDING if held_because else CommentState.VISIBLE,
        held_because=held_because,
    )
    db.session.add(comment)
    db.session.flush()
    recount_comments([post.id])
    follow_after_commenting(author, post)
    db.session.commit()
    if held_because:
        log.info("comment %s held for review: %s", comment.id, held_because)
    else:
        comment_published.send(comment)
    return comment


def resolve_reports(comment_ids: Iterable[int]) -> None:
    """Take these comments' open reports out of the editors' queue."""
    db.session.execute(
        update(CommentReport)
        .where(CommentReport.comment_id.in_(set(comment_ids)), CommentReport.resolved_at.is_(None))
        .values(resolved_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def mark_removed(comment: Comment, by: User) -> None:
    """Removed by its author or by an editor; a held comment nobody saw is discarded.

    Logged with who and when, and the state it had, so that it can be put back.
    """
    by_author = comment.user_id == by.id
    removal = CommentRemoval(
        comment=comment, removed_by_id=by.id, by_author=by_author, state_before=comment.state
    )
    if comment.state == CommentState.PENDING:
        comment.state = CommentState.DISCARDED
    elif by_author:
        comment.state = CommentState.REMOVED_BY_AUTHOR
    else:
        comment.state = CommentState.REMOVED_BY_EDITOR
    comment.removed_at = removal.removed_at = utcnow()
    db.session.add(removal)


def remove_comment(comment: Comment, by: User) -> None:
    """Remove one comment; its place in the thread stays, saying who removed it."""
    if not may_remove(comment, by):
        raise PermissionError("Only the author of a comment or an editor can remove it.")
    mark_removed(comment, by)
    resolve_reports([comment.id])
    db.session.flush()
    recount_comments([comment.post_id])
    db.session.commit()


def remove_comments(comments: list[Comment], editor: User) -> int:
    """An editor removes several comments at once; returns how many were removed."""
    removable = [comment for comment in comments if may_remove(comment, editor)]
    for comment in removable:
        mark_removed(comment, editor)
    resolve_reports(comment.id for comment in comments)
    db.session.flush()
    recount_comments(comment.post_id for comment in comments)
    db.session.commit()
    return len(removable)


def approve_comments(comments: list[Comment], editor: User) -> int:
    """Publish held comments, keep reported ones and show hidden ones again; returns how
    many were published (only those are new to readers, so only they send reply notices)."""
    if not editor.is_editor:
        raise PermissionError("Only editors approve comments.")
    published = [comment for comment in comments if comment.state == CommentState.PENDING]
    for comment in published:
        comment.state = CommentState.VISIBLE
        comment.approved_at = utcnow()
    for comment in comments:
        if comment.state == CommentState.HIDDEN:
            comment.state = CommentState.VISIBLE
    resolve_reports(comment.id for comment in comments)
    db.session.flush()
    recount_comments(comment.post_id for comment in comments)
    db.session.commit()
    for comment in published:
        comment_published.send(comment)
    return len(published)


def report_comment(comment: Comment, reader: User, reason: str) -> bool:
    """Record a reader's report; False when they had already reported this comment."""
    already = select(CommentReport.id).where(
        CommentReport.comment_id == comment.id, CommentReport.user_id == reader.id
    )
    if db.session.scalar(already) is not None:
        return False
    if has_control_characters(reason):
        raise CommentError("The reason contains control characters; please retype it.")
    reason = reason.strip()[:REPORT_REASON_MAX_LENGTH]
    db.session.add(CommentReport(comment=comment, user=reader, reason=reason, created_at=utcnow()))
    try:
        db.session.flush()
        hide_when_reported_enough(comment)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    return True


def open_reporters(comment: Comment) -> int:
    """How many different readers have reported ``comment`` since an editor last decided."""
    return db.session.scalar(
        select(func.count(func.distinct(CommentReport.user_id))).where(
            CommentReport.comment_id == comment.id, CommentReport.resolved_at.is_(None)
        )
    )


def hide_when_reported_enough(comment: Comment) -> None:
    """Take a shown comment out of its thread once REPORTS_TO_HIDE readers reported it."""
    threshold = current_app.config["REPORTS_TO_HIDE"]
    if comment.state != CommentState.VISIBLE or threshold <= 0:
        return
    if open_reporters(comment) >= threshold:
        comment.state = CommentState.HIDDEN
        db.session.flush()
        recount_comments([comment.post_id])


def set_comments_open(post: Post, is_open: bool) -> None:
    """Open or close a post to new comments (the post itself is not counted as edited)."""
    db.session.execute(
        update(Post)
        .where(Post.id == post.id)
        .values(comments_open=is_open, updated_at=Post.updated_at)
        .execution_options(synchronize_session="fetch", changes=[changes.COMMENT_COUNTS])
    )
    db.session.commit()

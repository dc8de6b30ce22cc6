"""Second thoughts: an author editing a fresh comment or undoing its removal, and an editor
putting back a comment they removed."""

import logging

from sqlalchemy import select

from ..dates import utcnow
from ..extensions import db
from ..models import Comment, CommentRemoval, CommentState, User
from ..site_settings import load_site_settings
from ..text import render_comment_text
from .operations import CommentError, comment_body_problem, recount_comments
from .permissions import UNDO_TOO_LATE, edit_refusal, may_undo_removal
from .screening import content_hold_reason

log = logging.getLogger(__name__)

EDITOR_REMOVED = (CommentState.REMOVED_BY_EDITOR, CommentState.DISCARDED)


def edit_comment(comment: Comment, author: User, body: str) -> None:
    """Replace the text of the author's own fresh comment, checked and rendered as posting is."""
    refusal = edit_refusal(comment, author)
    if refusal:
        raise CommentError(refusal, 403)
    problem = comment_body_problem(body)
    if problem:
        raise CommentError(problem)
    comment.body = body
    comment.body_html = render_comment_text(body)
    comment.edited_at = utcnow()
    hold_if_now_suspect(comment, author)
    db.session.commit()


def hold_if_now_suspect(comment: Comment, author: User) -> None:
    """An edit that adds what would have held the comment (links, blocked words) takes a
    published comment back to the editors: editing must not be a way round screening."""
    if not comment.is_visible or author.is_editor:
        return
    reason = content_hold_reason(comment.body, load_site_settings())
    if reason:
        comment.state = CommentState.PENDING
        comment.held_because = f"{reason}, added in an edit"
        db.session.flush()
        recount_comments([comment.post_id])
        log.info("comment %s held for review after an edit: %s", comment.id, reason)


def open_removal(comment: Comment) -> CommentRemoval | None:
    """The removal that took ``comment`` out of its thread, if nobody has reversed it."""
    return db.session.scalar(
        select(CommentRemoval)
        .where(CommentRemoval.comment_id == comment.id, CommentRemoval.reversed_at.is_(None))
        .order_by(CommentRemoval.removed_at.desc(), CommentRemoval.id.desc())
        .limit(1)
    )


def put_back(comment: Comment, removal: CommentRemoval, by: User) -> None:
    """The comment as it was before the removal (held, hidden or shown); flushes."""
    comment.state = removal.state_before
    comment.removed_at = None
    removal.reversed_at = utcnow()
    removal.reversed_by_id = by.id
    db.session.flush()


def undo_removal(comment: Comment, author: User) -> None:
    """The author brings back the comment they removed, within UNDO_WINDOW."""
    removal = open_removal(comment)
    if removal is None or not removal.by_author or not may_undo_removal(comment, author):
        raise CommentError(UNDO_TOO_LATE, 403)
    put_back(comment, removal, author)
    recount_comments([comment.post_id])
    db.session.commit()


def restore_comments(comments: list[Comment], editor: User) -> int:
    """An editor reverses editors' removals; returns how many comments came back.

    A comment comes back as it was, so no reply notice goes again (it went when the comment
    was first published), and a comment that was held is held again.
    """
    if not editor.is_editor:
        raise PermissionError("Only editors restore removed comments.")
    restored = []
    for comment in comments:
        removal = open_removal(comment) if comment.state in EDITOR_REMOVED else None
        if removal is not None and not removal.by_author:
            put_back(comment, removal, editor)
            restored.append(comment)
    recount_comments(comment.post_id for comment in restored)
    db.session.commit()
    return len(restored)

"""Who may do what with comments: the one place every view and template asks."""

from datetime import timedelta

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from ..dates import utcnow
from ..extensions import db
from ..models import Comment, CommentReport, CommentState, Post, User
from .threads import ThreadComment, can_see

#: How long after posting its author may change a comment, and after removing it bring it
#: back: long enough to fix a typo or a hasty click, short enough that a thread stays as read.
EDIT_WINDOW = timedelta(minutes=10)
UNDO_WINDOW = timedelta(minutes=10)
EDIT_TOO_LATE = (
    "A comment can be edited for 10 minutes after it is posted; that time has passed. "
    "You can still remove it, or write another."
)
UNDO_TOO_LATE = "A removal can be undone for 10 minutes; that time has passed."

NOT_LOGGED_IN = "Please log in to comment."
NOT_CONFIRMED = "Please confirm your email address before you comment."
CLOSED = "Comments are closed on this post."
NOT_PUBLISHED = "This post is not published, so it cannot take comments."


def is_member(user: User | None) -> bool:
    """A logged-in, live account (the session loader already turns banned ones away)."""
    return user is not None and user.is_authenticated and user.is_active


def may_comment(user: User | None) -> bool:
    return is_member(user) and user.is_confirmed


def commenting_refusal(post: Post, user: User | None) -> str | None:
    """Why ``user`` cannot comment on ``post`` now, or None when they can."""
    if not post.is_public:
        return NOT_PUBLISHED
    if not post.comments_open:
        return CLOSED
    if not is_member(user):
        return NOT_LOGGED_IN
    if not user.is_confirmed:
        return NOT_CONFIRMED
    return None


def may_remove(comment: Comment, user: User | None) -> bool:
    """Its author may remove a comment, and so may any editor; nobody else."""
    if not is_member(user) or comment.is_removed or comment.state == CommentState.DISCARDED:
        return False
    return user.is_editor or (comment.user_id is not None and comment.user_id == user.id)


def is_own(comment: Comment | ThreadComment, user: User | None) -> bool:
    return is_member(user) and comment.user_id is not None and comment.user_id == user.id


def edit_refusal(comment: Comment | ThreadComment, user: User | None) -> str | None:
    """Why ``user`` cannot edit ``comment`` now: only its author, only for EDIT_WINDOW."""
    if not is_own(comment, user):
        return "Only the person who wrote a comment can edit it."
    if comment.state not in (CommentState.VISIBLE, CommentState.PENDING):
        return "This comment cannot be edited now."
    if utcnow() - comment.created_at > EDIT_WINDOW:
        return EDIT_TOO_LATE
    return None


def may_edit(comment: Comment | ThreadComment, user: User | None) -> bool:
    return edit_refusal(comment, user) is None


def may_undo_removal(comment: Comment | ThreadComment, user: User | None) -> bool:
    """Its author may bring back a comment they removed, for UNDO_WINDOW."""
    return (
        is_own(comment, user)
        and comment.state == CommentState.REMOVED_BY_AUTHOR
        and comment.removed_at is not None
        and utcnow() - comment.removed_at <= UNDO_WINDOW
    )


def may_report(comment: Comment, user: User | None) -> bool:
    """A confirmed reader may report a shown comment that is not their own."""
    return (
        may_comment(user) and comment.state == CommentState.VISIBLE and comment.user_id != user.id
    )


def has_reported(comment: Comment, user: User) -> bool:
    reported = select(CommentReport.id).where(
        CommentReport.comment_id == comment.id, CommentReport.user_id == user.id
    )
    return db.session.scalar(reported) is not None


def shown_comment(comment_id: int) -> Comment:
    """A comment the current visitor can see, on a post readers can see; 404 otherwise."""
    comment = db.session.get(Comment, comment_id)
    if comment is None or not comment.post.is_public or not can_see(comment, current_user):
        abort(404)
    return comment


def removable_comment(comment_id: int) -> Comment:
    """The comment, when the current user may remove it: 404 if unseen, 403 if not theirs."""
    comment = shown_comment(comment_id)
    if not may_remove(comment, current_user):
        abort(403, "Only the person who wrote a comment, or an editor, can remove it.")
    return comment


def editable_comment(comment_id: int) -> Comment:
    """The comment, when the current user may edit it now: 404 if unseen, 403 otherwise."""
    comment = shown_comment(comment_id)
    refusal = edit_refusal(comment, current_user)
    if refusal:
        abort(403, refusal)
    return comment


def restorable_comment(comment_id: int) -> Comment:
    """A comment its author removed and may still bring back: 404 if unseen, 403 otherwise."""
    comment = shown_comment(comment_id)
    if not may_undo_removal(comment, current_user):
        abort(403, UNDO_TOO_LATE if is_own(comment, current_user) else "Not your comment.")
    return comment


def reportable_comment(comment_id: int) -> Comment:
    comment = shown_comment(comment_id)
    if not may_report(comment, current_user):
        abort(403, "You can report comments by other people once you have confirmed your address.")
    return comment

"""Who may do what with comments: the one place every view and template asks."""

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..models import Comment, CommentReport, CommentState, Post, User
from .threads import can_see

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


def reportable_comment(comment_id: int) -> Comment:
    comment = shown_comment(comment_id)
    if not may_report(comment, current_user):
        abort(403, "You can report comments by other people once you have confirmed your address.")
    return comment

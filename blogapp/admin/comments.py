"""The moderation queue: held, hidden and reported comments, approved or removed in bulk, and
the editors' removals, which can be reversed."""

from collections import defaultdict

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from ..blog.views import requested_page
from ..comments import amending, operations
from ..extensions import db
from ..models import Comment, CommentRemoval, CommentReport, CommentState, Post
from ..typed_text import whole_number
from ..urls import address_of
from . import bp

PER_PAGE = 50
MAX_SELECTED = 500


def open_reports() -> Select:
    return select(CommentReport.comment_id).where(CommentReport.resolved_at.is_(None))


def held_comments() -> Select[tuple[Comment]]:
    """Held for approval, oldest first (the order they were written)."""
    return select(Comment).where(Comment.state == CommentState.PENDING).order_by(Comment.created_at)


def reported_comments() -> Select[tuple[Comment]]:
    """Shown comments with reports nobody has dealt with, newest first."""
    return (
        select(Comment)
        .where(Comment.state == CommentState.VISIBLE, Comment.id.in_(open_reports()))
        .order_by(Comment.created_at.desc())
    )


def hidden_comments() -> Select[tuple[Comment]]:
    """Taken out of their threads by readers' reports, oldest first."""
    return select(Comment).where(Comment.state == CommentState.HIDDEN).order_by(Comment.created_at)


def editors_removals() -> Select:
    return select(CommentRemoval.comment_id).where(
        CommentRemoval.reversed_at.is_(None), CommentRemoval.by_author.is_(False)
    )


def removed_comments() -> Select[tuple[Comment]]:
    """Comments editors removed (and could put back), most recently removed first."""
    return (
        select(Comment)
        .where(Comment.state.in_(amending.EDITOR_REMOVED), Comment.id.in_(editors_removals()))
        .order_by(Comment.removed_at.desc())
    )


#: The tabs, in the order the page offers them (and opens on the first with anything in it).
QUEUES = {
    "held": held_comments,
    "hidden": hidden_comments,
    "reported": reported_comments,
    "removed": removed_comments,
}


def queue_sizes() -> dict[str, int]:
    return {
        name: db.session.scalar(select(func.count()).select_from(query().subquery()))
        for name, query in QUEUES.items()
    }


def reports_by_comment(comment_ids: list[int]) -> dict[int, list[CommentReport]]:
    rows = db.session.scalars(
        select(CommentReport)
        .where(CommentReport.comment_id.in_(comment_ids), CommentReport.resolved_at.is_(None))
        .options(selectinload(CommentReport.user))
        .order_by(CommentReport.created_at)
    )
    grouped: dict[int, list[CommentReport]] = defaultdict(list)
    for report in rows:
        grouped[report.comment_id].append(report)
    return grouped


def removals_by_comment(comment_ids: list[int]) -> dict[int, CommentRemoval]:
    """Who removed each comment and when."""
    rows = db.session.scalars(
        select(CommentRemoval)
        .where(CommentRemoval.comment_id.in_(comment_ids), CommentRemoval.reversed_at.is_(None))
        .options(selectinload(CommentRemoval.removed_by))
    )
    return {removal.comment_id: removal for removal in rows}


def first_tab_with_items(sizes: dict[str, int]) -> str:
    return next((name for name, size in sizes.items() if size), "held")


def selected_comments() -> list[Comment]:
    numbers = {whole_number(raw) for raw in request.form.getlist("comment")} - {None}
    if not numbers:
        return []
    chosen = select(Comment).where(Comment.id.in_(sorted(numbers)[:MAX_SELECTED]))
    return list(db.session.scalars(chosen))


@bp.get("/comments")
def comments_queue() -> str:
    sizes = queue_sizes()
    show = request.args.get("show") or first_tab_with_items(sizes)
    if show not in QUEUES:
        abort(404)
    statement = QUEUES[show]().options(selectinload(Comment.user), selectinload(Comment.post))
    pagination = db.paginate(statement, page=requested_page(), per_page=PER_PAGE, error_out=False)
    shown_ids = [comment.id for comment in pagination.items]
    return render_template(
        "admin/comments.html",
        show=show,
        pagination=pagination,
        sizes=sizes,
        reports=reports_by_comment(shown_ids),
        removals=removals_by_comment(shown_ids) if show == "removed" else {},
    )


@bp.post("/comments")
def moderate_comments() -> Response:
    show = request.form.get("show") if request.form.get("show") in QUEUES else "held"
    comments = selected_comments()
    action = request.form.get("action")
    if action not in ("approve", "remove", "restore"):
        abort(400, "Choose whether to approve, remove or restore the comments you ticked.")
    editor = current_user._get_current_object()
    if not comments:
        flash("Tick at least one comment first.", "error")
    elif action == "restore":
        restored = amending.restore_comments(comments, editor)
        flash(f"Restored {restored} comment{'s' if restored != 1 else ''}.", "success")
    elif action == "approve":
        operations.approve_comments(comments, editor)
        flash(f"Approved {len(comments)} comment{'s' if len(comments) != 1 else ''}.", "success")
    else:
        removed = operations.remove_comments(comments, editor)
        flash(f"Removed {removed} comment{'s' if removed != 1 else ''}.", "success")
    return redirect(url_for("admin.comments_queue", show=show))


@bp.post("/comments/posts/<int:post_id>/open")
def set_comments_open(post_id: int) -> Response:
    post = db.session.get(Post, post_id) or abort(404)
    is_open = request.form.get("open") == "1"
    operations.set_comments_open(post, is_open)
    flash(
        "Comments are open on this post." if is_open else "Comments are closed on this post.",
        "info",
    )
    if post.is_public:
        return redirect(address_of(post) + "#comments")
    return redirect(url_for("admin.comments_queue"))

"""Posting, replying to, removing and reporting comments; no JavaScript needed for any."""

import time
from datetime import UTC, datetime

from flask import abort, flash, redirect, render_template, request
from flask_limiter.errors import RateLimitExceeded
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from ..dates import format_time
from ..errors import render_error
from ..extensions import db, limiter
from ..limits import accepted, account_or_ip, configured
from ..models import Comment, CommentState, Post
from ..typed_text import whole_number
from ..urls import address_of
from . import amending, bp, operations
from .forms import CommentForm, EditForm, RemoveForm, ReportForm, new_comment_form
from .operations import CommentError
from .pages import comment_address
from .permissions import (
    commenting_refusal,
    editable_comment,
    has_reported,
    removable_comment,
    reportable_comment,
    restorable_comment,
    shown_comment,
)
from .threads import can_see

bp.add_app_template_global(new_comment_form)

REMOVED_BY_AUTHOR = "Your comment has been removed. You can undo this for 10 minutes."
HELD_MESSAGE = (
    "Thank you. Your comment is held for review: it will appear when an editor has approved it."
)


def post_page(post: Post, comment: Comment | None = None) -> str:
    """The post's address, on the page that holds ``comment`` (or at the comments)."""
    if comment is None:
        return address_of(post) + "#comments"
    return comment_address(post, comment.id, current_user._get_current_object())


def public_post(post_id: int) -> Post:
    post = db.session.get(Post, post_id)
    if post is None or not post.is_public:
        abort(404)
    return post


def comment_answered(form: CommentForm) -> Comment | None:
    """The comment named by the form's ``reply_to``, when the writer can see it."""
    raw = (form.reply_to.data or "").strip()
    if not raw:
        return None
    number = whole_number(raw)
    comment = db.session.get(Comment, number) if number is not None else None
    if comment is None or not can_see(comment, current_user):
        raise CommentError("The comment you are replying to cannot be found.", 404)
    return comment


def render_write_page(
    post: Post,
    form: CommentForm,
    answering: Comment | None = None,
    status: int = 200,
    problem: str | None = None,
) -> tuple[str, int]:
    """The comment (or reply) form on a page of its own, with what went wrong."""
    return render_template(
        "comments/write.html",
        post=post,
        form=form,
        answering=answering,
        refusal=commenting_refusal(post, current_user),
        problem=problem,
    ), status


@bp.post("/comments/on/<int:post_id>")
@limiter.limit(configured("COMMENT_LIMIT"), key_func=account_or_ip, deduct_when=accepted)
def write(post_id: int) -> Response | tuple[str, int]:
    post = public_post(post_id)
    form = CommentForm()
    if commenting_refusal(post, current_user):
        return render_write_page(post, form, status=403)
    answering = None
    try:
        answering = comment_answered(form)
        if not form.validate():
            return render_write_page(post, form, answering, 422)
        comment = operations.post_comment(
            post,
            current_user._get_current_object(),
            form.body.data,
            form.anonymous.data,
            answering,
            form.sign_of_a_script(),
        )
    except CommentError as error:
        return render_write_page(post, form, answering, error.status, str(error))
    if comment.state == CommentState.PENDING:
        flash(HELD_MESSAGE, "info")
    return redirect(post_page(post, comment))


def when_allowed_again() -> str:
    """ "at 22:42 (in 40 seconds)": when the limit that was reached lets the writer post again.

    The limiter counts in the server's real time, so this does too.
    """
    limit = limiter.current_limit
    if limit is None:
        return "in a little while"
    again = datetime.fromtimestamp(limit.reset_at, UTC)
    seconds = max(1, round(limit.reset_at - time.time()))
    wait = f"{seconds} seconds" if seconds < 120 else f"{round(seconds / 60)} minutes"
    return f"at {format_time(again)} (in {wait})"


@bp.errorhandler(RateLimitExceeded)
def too_many_comments(error: RateLimitExceeded) -> tuple[str, int]:
    """The comment form again, with what was typed, saying when it may be sent."""
    post_id = (request.view_args or {}).get("post_id")
    post = db.session.get(Post, post_id) if request.endpoint == "comments.write" else None
    if post is None or not post.is_public:
        return render_error(error)
    form = CommentForm()
    try:
        answering = comment_answered(form)
    except CommentError:
        answering = None
    problem = (
        "You have posted several comments in a short time. "
        f"You can post this one {when_allowed_again()}; it is kept below as you wrote it."
    )
    return render_write_page(post, form, answering, 429, problem)


@bp.get("/comments/<int:comment_id>")
def permalink(comment_id: int) -> Response:
    """A comment's lasting address (in feeds and mail): the page of its thread that holds it."""
    comment = shown_comment(comment_id)
    return redirect(post_page(comment.post, comment))


@bp.get("/comments/<int:comment_id>/reply")
def reply(comment_id: int) -> tuple[str, int]:
    answering = shown_comment(comment_id)
    form = new_comment_form(answering.id)
    if answering.state != CommentState.VISIBLE:
        problem = "That comment cannot be replied to until it is shown to readers."
        if answering.is_removed:
            problem = "That comment has been removed, so it cannot be replied to."
        return render_write_page(answering.post, form, answering, 409, problem)
    return render_write_page(answering.post, form, answering)


@bp.route("/comments/<int:comment_id>/remove", methods=["GET", "POST"])
def remove(comment_id: int) -> Response | str:
    """The comment and a button to remove it; removed only by that button (POST)."""
    comment = removable_comment(comment_id)
    form = RemoveForm()
    if not form.validate_on_submit():
        return render_template("comments/remove.html", comment=comment, form=form)
    operations.remove_comment(comment, current_user._get_current_object())
    if comment.state == CommentState.REMOVED_BY_AUTHOR:
        flash(REMOVED_BY_AUTHOR, "info")
    else:
        flash("The comment has been removed.", "info")
    shown = comment if comment.state != CommentState.DISCARDED else None
    return redirect(post_page(comment.post, shown))


@bp.post("/comments/<int:comment_id>/undo")
def undo_removal(comment_id: int) -> Response:
    comment = restorable_comment(comment_id)
    try:
        amending.undo_removal(comment, current_user._get_current_object())
    except CommentError as error:
        abort(error.status, str(error))
    flash("Your comment is back.", "success")
    return redirect(post_page(comment.post, comment))


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
@login_required
@limiter.limit(configured("COMMENT_LIMIT"), key_func=account_or_ip, methods=["POST"])
def edit(comment_id: int) -> Response | tuple[str, int]:
    comment = editable_comment(comment_id)
    form = EditForm(body=comment.body)
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_template("comments/edit.html", comment=comment, form=form), status
    try:
        amending.edit_comment(comment, current_user._get_current_object(), form.body.data)
    except CommentError as error:
        form.body.errors.append(str(error))
        return render_template("comments/edit.html", comment=comment, form=form), error.status
    flash("Your comment has been changed.", "success")
    return redirect(post_page(comment.post, comment))


@bp.route("/comments/<int:comment_id>/report", methods=["GET", "POST"])
@login_required
@limiter.limit(configured("REPORT_LIMIT"), key_func=account_or_ip, methods=["POST"])
def report(comment_id: int) -> Response | tuple[str, int]:
    comment = reportable_comment(comment_id)
    form = ReportForm()
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        already = has_reported(comment, current_user)
        page = render_template("comments/report.html", comment=comment, form=form, already=already)
        return page, status
    try:
        reported = operations.report_comment(comment, current_user, form.reason.data or "")
    except CommentError as error:
        form.reason.errors.append(str(error))
        return render_template("comments/report.html", comment=comment, form=form), 422
    if reported:
        flash("Thank you. The editors will look at that comment.", "success")
    else:
        flash("You have already reported that comment; the editors have your report.", "info")
    return redirect(post_page(comment.post, comment))

"""Editors' list of accounts: search, roles (administrators only) and bans."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import Select, func, or_, select
from werkzeug.wrappers import Response

from ..auth.moderation import change_role, management_refusal, role_change_refusal, set_banned
from ..auth.operations import AccountError
from ..blog.views import requested_page
from ..extensions import db
from ..models import Comment, Role, User
from ..typed_text import has_control_characters
from . import bp

PER_PAGE = 50


def search_words() -> str:
    """The ``?q=`` text, or nothing when it could not be part of a name or address."""
    words = request.args.get("q", "").strip()[:100]
    return "" if has_control_characters(words) else words


def accounts_matching(words: str) -> Select[tuple[User]]:
    """Accounts whose address or name contains ``words``, newest first."""
    statement = select(User).order_by(User.created_at.desc(), User.id.desc())
    if words:
        escaped = words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        statement = statement.where(
            or_(
                User.email.ilike(pattern, escape="\\"),
                User.display_name.ilike(pattern, escape="\\"),
            )
        )
    return statement


def comment_counts(users: list[User]) -> dict[int, int]:
    rows = db.session.execute(
        select(Comment.user_id, func.count())
        .where(Comment.user_id.in_([user.id for user in users]))
        .group_by(Comment.user_id)
    )
    return dict(rows.all())


def account(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


def back_to_list() -> Response:
    return redirect(url_for("admin.users", q=request.form.get("q") or None))


@bp.get("/users")
def users() -> str:
    words = search_words()
    pagination = db.paginate(
        accounts_matching(words), page=requested_page(), per_page=PER_PAGE, error_out=False
    )
    return render_template(
        "admin/users.html",
        pagination=pagination,
        words=words,
        counts=comment_counts(pagination.items),
        roles=list(Role),
        may_manage=lambda user: management_refusal(current_user, user) is None,
        may_change_role=lambda user: role_change_refusal(current_user, user) is None,
    )


@bp.post("/users/<int:user_id>/role")
def set_role(user_id: int) -> Response:
    target = account(user_id)
    try:
        role = Role(request.form.get("role", ""))
    except ValueError:
        abort(400, "Choose one of the roles listed.")
    try:
        change_role(current_user._get_current_object(), target, role)
    except AccountError as error:
        abort(403, str(error))
    flash(
        f"{target.display_name} is now {'an' if role == Role.ADMIN else 'a'} {role.value}.",
        "success",
    )
    return back_to_list()


@bp.post("/users/<int:user_id>/ban")
def ban(user_id: int) -> Response:
    target = account(user_id)
    banned = request.form.get("banned") == "1"
    try:
        set_banned(current_user._get_current_object(), target, banned)
    except AccountError as error:
        abort(403, str(error))
    if banned:
        flash(f"{target.display_name} is banned and has been logged out.", "success")
    else:
        flash(f"{target.display_name} is no longer banned.", "success")
    return back_to_list()

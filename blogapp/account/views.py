"""The account page and the forms on it; each form posts to its own address."""

import json

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from ..auth.operations import AccountError, end_all_sessions
from ..auth.tokens import TokenError
from ..auth.views import token_problem
from ..extensions import limiter
from ..limits import account_or_ip, configured
from ..mail.lifting import lift_by_link, mail_stop_of, send_lift_link
from . import bp, operations
from .forms import ACCOUNT_FORMS


def blank_forms() -> dict[str, FlaskForm]:
    """Every form on the page, unfilled except the profile, which shows the current settings."""
    forms = {prefix: form(prefix=prefix, formdata=None) for prefix, form in ACCOUNT_FORMS.items()}
    forms["profile"] = ACCOUNT_FORMS["profile"](prefix="profile", formdata=None, obj=current_user)
    return forms


def posted_form(prefix: str) -> FlaskForm:
    return ACCOUNT_FORMS[prefix](prefix=prefix)


def render_settings(posted: FlaskForm | None = None) -> tuple[str, int]:
    """The page; with ``posted``, that form as it was sent, with its errors (422)."""
    forms = blank_forms()
    mail_stop = mail_stop_of(current_user)
    if posted is None:
        return render_template("account/settings.html", forms=forms, mail_stop=mail_stop), 200
    prefix = next(name for name, form in ACCOUNT_FORMS.items() if isinstance(posted, form))
    forms[prefix] = posted
    page = render_template(
        "account/settings.html", forms=forms, open_form=prefix, mail_stop=mail_stop
    )
    return page, 422


def show_error(form: FlaskForm, error: AccountError) -> tuple[str, int]:
    """Re-show the page with ``error`` beside the field it is about."""
    field = getattr(form, error.field or "", None) or next(iter(form))
    field.errors = [*field.errors, str(error)]
    return render_settings(form)


@bp.get("")
@login_required
def settings() -> tuple[str, int]:
    return render_settings()


@bp.post("/profile")
@login_required
def update_profile() -> Response | tuple[str, int]:
    form = posted_form("profile")
    if not form.validate():
        return render_settings(form)
    operations.update_profile(
        current_user,
        form.display_name.data,
        form.anonymous_by_default.data,
        form.notify_replies.data,
        form.mail_moderation_queue.data,
        form.follow_on_comment.data,
    )
    flash("Your settings are saved.", "success")
    return redirect(url_for("account.settings"))


@bp.post("/email")
@login_required
@limiter.limit(configured("EMAIL_CHANGE_LIMIT"), key_func=account_or_ip)
def change_email() -> Response | tuple[str, int]:
    form = posted_form("email")
    if not form.validate():
        return render_settings(form)
    try:
        operations.request_email_change(current_user, form.email.data, form.current_password.data)
    except AccountError as error:
        return show_error(form, error)
    flash(
        f"We have sent a link to {form.email.data.strip()}. Your address changes when you open it.",
        "success",
    )
    return redirect(url_for("account.settings"))


@bp.get("/email/confirm/<token>")
def confirm_email_change(token: str) -> Response | tuple[str, int]:
    try:
        user = operations.confirm_email_change(token)
    except TokenError as error:
        return token_problem(error, "account.settings")
    except AccountError as error:
        return render_template("account/email_taken.html", message=str(error)), 409
    flash(f"Your email address is now {user.email}.", "success")
    return redirect(url_for("account.settings" if current_user.is_authenticated else "auth.login"))


@bp.post("/mail/resume")
@login_required
@limiter.limit(configured("CONFIRMATION_MAIL_LIMIT"), key_func=account_or_ip)
def ask_to_resume_mail() -> Response:
    if send_lift_link(current_user):
        flash(
            f"We have sent a link to {current_user.email}. Mail starts again when you open it.",
            "success",
        )
    else:
        flash("There is nothing to confirm, or we have sent you enough mail for today.", "info")
    return redirect(url_for("account.settings"))


@bp.get("/mail/resume/<token>")
def resume_mail(token: str) -> Response | tuple[str, int]:
    try:
        lift_by_link(token)
    except TokenError as error:
        return token_problem(error, "account.settings")
    flash("Your address is confirmed: we send you mail again.", "success")
    return redirect(url_for("account.settings" if current_user.is_authenticated else "auth.login"))


@bp.post("/password")
@login_required
def change_password() -> Response | tuple[str, int]:
    form = posted_form("password")
    if not form.validate():
        return render_settings(form)
    try:
        operations.change_password(current_user, form.current_password.data, form.password.data)
    except AccountError as error:
        return show_error(form, error)
    login_user(current_user._get_current_object())
    flash(
        "Your password is changed. Any other computer you were logged in on is logged out.",
        "success",
    )
    return redirect(url_for("account.settings"))


@bp.post("/sessions/end")
@login_required
def log_out_everywhere() -> Response:
    end_all_sessions(current_user)
    logout_user()
    flash("You are logged out on every computer, this one included.", "info")
    return redirect(url_for("auth.login"))


@bp.post("/data")
@login_required
@limiter.limit(configured("EMAIL_CHANGE_LIMIT"), key_func=account_or_ip)
def download_data() -> Response | tuple[str, int]:
    form = posted_form("data")
    if not form.validate():
        return render_settings(form)
    try:
        data = operations.personal_data_for(current_user, form.current_password.data)
    except AccountError as error:
        return show_error(form, error)
    response = Response(json.dumps(data, indent=2, ensure_ascii=False), mimetype="application/json")
    response.headers["Content-Disposition"] = 'attachment; filename="my-data.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/delete")
@login_required
def delete_account() -> Response | tuple[str, int]:
    form = posted_form("delete")
    if not form.validate():
        return render_settings(form)
    try:
        operations.delete_account(current_user, form.current_password.data)
    except AccountError as error:
        return show_error(form, error)
    logout_user()
    flash("Your account has been deleted. Your comments stay, without your name.", "info")
    return redirect(url_for("blog.home"))

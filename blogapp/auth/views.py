"""Registering, confirming the address, logging in and out, and resetting a password."""

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from ..extensions import limiter
from ..limits import account_or_ip, configured, failed, submitted_address
from ..urls import safe_redirect_target
from . import bp, operations
from .forms import LoginForm, RegisterForm, ResetPasswordForm, ResetRequestForm
from .operations import AccountError, authenticate, normalise_email
from .tokens import TokenError, TokenExpired

LOGIN_FAILED_MESSAGE = "That email address and password do not match an account."
#: Where the address that was just registered waits for the "check your email" page.
REGISTERED_ADDRESS = "registered_address"
#: Where a newcomer was going when they registered ("Follow by email"), kept until they
#: confirm their address and log in.
AFTER_CONFIRMING = "after_confirming"


def next_page() -> str:
    """Where to go after logging in: the ``next`` path when it is on this site, else home."""
    return safe_redirect_target(request.values.get("next"), url_for("blog.home"))


def render_form(template: str, form: FlaskForm, **context: object) -> tuple[str, int]:
    """A form page: 200 when first shown, 422 when what was sent needs correcting."""
    status = 422 if form.is_submitted() else 200
    return render_template(template, form=form, **context), status


def token_problem(error: TokenError, again_endpoint: str) -> tuple[str, int]:
    """A page saying why a link from a message cannot be used, and where to get another."""
    return render_template(
        "auth/token_problem.html",
        expired=isinstance(error, TokenExpired),
        message=str(error),
        again_url=url_for(again_endpoint),
    ), 400


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(configured("LOGIN_LIMIT_PER_IP"), methods=["POST"])
@limiter.limit(
    configured("LOGIN_LIMIT_PER_ADDRESS"),
    key_func=submitted_address,
    methods=["POST"],
    deduct_when=failed,
)
def login() -> str | Response | tuple[str, int]:
    if current_user.is_authenticated:
        return redirect(next_page())
    form = LoginForm()
    if not form.validate_on_submit():
        return render_form("auth/login.html", form, next=next_page())
    user = authenticate(form.email.data, form.password.data)
    if user is None or user.banned:  # a ban is not told: it would say the address has an account
        form.password.errors.append(LOGIN_FAILED_MESSAGE)
        return render_template("auth/login.html", form=form, next=next_page()), 422
    login_user(user, remember=form.remember.data)
    flash(f"Welcome back, {user.display_name}.", "success")
    return redirect(next_page())


@bp.post("/logout")
def logout() -> Response:
    if current_user.is_authenticated:
        operations.end_all_sessions(current_user)
        logout_user()
        flash("You have logged out.", "info")
    return redirect(url_for("blog.home"))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(configured("REGISTER_LIMIT"), methods=["POST"])
def register() -> str | Response | tuple[str, int]:
    if current_user.is_authenticated:
        return redirect(url_for("account.settings"))
    form = RegisterForm()
    going_to = safe_redirect_target(request.values.get("next"), "") or None
    if not form.validate_on_submit():
        return render_form("auth/register.html", form, next=going_to)
    operations.register_reader(form.email.data, form.display_name.data, form.password.data)
    session[REGISTERED_ADDRESS] = normalise_email(form.email.data)
    session[AFTER_CONFIRMING] = going_to
    return redirect(url_for("auth.check_email"))


@bp.get("/register/check-your-email")
def check_email() -> str:
    return render_template(
        "auth/check_email.html",
        address=session.get(REGISTERED_ADDRESS),
        next=session.get(AFTER_CONFIRMING),
    )


@bp.get("/confirm/<token>")
def confirm_email(token: str) -> Response | tuple[str, int]:
    try:
        operations.confirm_email(token)
    except TokenError as error:
        return token_problem(error, "account.settings")
    flash("Thank you: your email address is confirmed, and you can now comment.", "success")
    going_to = safe_redirect_target(session.pop(AFTER_CONFIRMING, None), "") or None
    if current_user.is_authenticated:
        return redirect(going_to or url_for("blog.home"))
    return redirect(url_for("auth.login", next=going_to))


@bp.post("/confirm/resend")
@login_required
@limiter.limit(configured("CONFIRMATION_MAIL_LIMIT"), key_func=account_or_ip)
def resend_confirmation() -> Response:
    if current_user.is_confirmed:
        flash("Your email address is already confirmed.", "info")
    elif operations.resend_confirmation(current_user):
        flash(f"We have sent a new confirmation link to {current_user.email}.", "success")
    else:
        flash("The message could not be sent just now. Please try again later.", "error")
    return redirect(next_page())


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(configured("PASSWORD_RESET_LIMIT_PER_IP"), methods=["POST"])
@limiter.limit(
    configured("PASSWORD_RESET_LIMIT_PER_ADDRESS"), key_func=submitted_address, methods=["POST"]
)
def reset_request() -> str | tuple[str, int]:
    form = ResetRequestForm()
    if not form.validate_on_submit():
        return render_form("auth/reset_request.html", form)
    operations.request_password_reset(form.email.data)
    return render_template("auth/reset_sent.html", address=normalise_email(form.email.data))


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> Response | tuple[str, int]:
    try:
        user = operations.account_for_reset(token)
    except TokenError as error:
        return token_problem(error, "auth.reset_request")
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            operations.reset_password(token, form.password.data)
        except TokenError as error:
            return token_problem(error, "auth.reset_request")
        except AccountError as error:
            form.password.errors.append(str(error))
        else:
            logout_user()
            flash("Your password has been changed. Please log in with it.", "success")
            return redirect(url_for("auth.login"))
    return render_form("auth/reset.html", form, user=user)

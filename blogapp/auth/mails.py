"""The account emails, each with a signed link built on SITE_URL, queued for the sender.

Each adds its message to the session; the operation that asks for it commits."""

from flask import current_app

from ..mail import queue_email
from ..models import User
from ..urls import external_url
from .tokens import LIFETIMES, Purpose, confirmation_token, email_change_token, reset_token


def hours(purpose: Purpose) -> int:
    return int(LIFETIMES[purpose].total_seconds() // 3600)


def send_confirmation(user: User) -> bool:
    """The link that confirms a new account's address."""
    return queue_email(
        user.email,
        f"Confirm your email address for {current_app.config['BLOG_TITLE']}",
        "confirm_email",
        user=user,
        link=external_url("auth.confirm_email", token=confirmation_token(user)),
        hours=hours(Purpose.CONFIRM_EMAIL),
    )


def send_already_registered(user: User) -> bool:
    """Told to the owner when someone registers with an address that has an account."""
    return queue_email(
        user.email,
        f"You already have an account on {current_app.config['BLOG_TITLE']}",
        "already_registered",
        user=user,
        login_link=external_url("auth.login"),
        reset_link=external_url("auth.reset_request"),
    )


def send_reset_link(user: User) -> bool:
    return queue_email(
        user.email,
        f"Reset your password for {current_app.config['BLOG_TITLE']}",
        "reset_password",
        user=user,
        link=external_url("auth.reset_password", token=reset_token(user)),
        hours=hours(Purpose.RESET_PASSWORD),
    )


def send_email_change_link(user: User, new_email: str) -> bool:
    """Sent to the new address: the change happens only when its owner follows the link."""
    return queue_email(
        new_email,
        f"Confirm your new email address for {current_app.config['BLOG_TITLE']}",
        "change_email",
        user=user,
        new_email=new_email,
        link=external_url(
            "account.confirm_email_change", token=email_change_token(user, new_email)
        ),
        hours=hours(Purpose.CHANGE_EMAIL),
    )


def send_email_changed_notice(user: User, old_email: str) -> bool:
    """Tells the old address that the account now uses another one.

    Never capped: a stranger cannot repeat it (it takes following a link sent to the new
    address), and a full count must not hide a change from the owner.
    """
    return queue_email(
        old_email,
        f"Your email address on {current_app.config['BLOG_TITLE']} was changed",
        "email_changed",
        user=user,
        old_email=old_email,
        reset_link=external_url("auth.reset_request"),
    )

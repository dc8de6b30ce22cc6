"""Changes a reader makes to their own account, each in one commit."""

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..auth.mails import send_email_change_link, send_email_changed_notice
from ..auth.operations import AccountError, account_named_by, normalise_email, user_by_email
from ..auth.rules import password_problem
from ..auth.tokens import INVALID_MESSAGE, Purpose, TokenInvalid
from ..dates import utcnow
from ..extensions import db
from ..models import DELETED_USER, Role, User
from ..signals import account_deleted
from .personal_data import personal_data


def check_current_password(user: User, password: str) -> None:
    if not user.check_password(password):
        raise AccountError("That is not your current password.", "current_password")


def update_profile(
    user: User,
    display_name: str,
    anonymous_by_default: bool,
    notify_replies: bool,
    mail_moderation_queue: bool = False,
    follow_on_comment: bool | None = None,
) -> None:
    """Save the profile form; the moderation mail is kept for editors."""
    user.display_name = display_name.strip()
    user.anonymous_by_default = anonymous_by_default
    user.notify_replies = notify_replies
    if follow_on_comment is not None:
        user.follow_on_comment = follow_on_comment
    user.mail_moderation_queue = mail_moderation_queue and user.is_editor
    db.session.commit()


def request_email_change(user: User, new_email: str, password: str) -> None:
    """Mail a link to the new address; the account keeps the old one until it is followed.

    Whether the new address already has an account is only said to whoever follows the
    link, so this form cannot be used to find out who is registered.
    """
    check_current_password(user, password)
    if not user.is_confirmed:
        raise AccountError(
            "Confirm your present address first (with the link we mailed to it); "
            "then you can move your account to another one.",
            "email",
        )
    new_email = normalise_email(new_email)
    if new_email == user.email:
        raise AccountError("That is already your address.", "email")
    send_email_change_link(user, new_email)
    db.session.commit()


def confirm_email_change(token: str) -> User:
    """Move the account to the address in the link, and tell the old address."""
    user, data = account_named_by(Purpose.CHANGE_EMAIL, token)
    new_email = data.get("email")
    if not isinstance(new_email, str):
        raise TokenInvalid(INVALID_MESSAGE)
    taken = AccountError(f"{new_email} now belongs to another account, so it cannot be yours.")
    if user_by_email(new_email) is not None:
        raise taken
    old_email = user.email
    user.email = new_email
    user.email_confirmed_at = utcnow()
    try:
        send_email_changed_notice(user, old_email)
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        raise taken from error
    return user


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Set a new password; every other session of the account ends."""
    check_current_password(user, current_password)
    problem = password_problem(new_password, user.email or "")
    if problem:
        raise AccountError(problem, "password")
    user.set_password(new_password)
    user.end_sessions()
    db.session.commit()


def is_last_admin(user: User) -> bool:
    if user.role != Role.ADMIN:
        return False
    admins = select(func.count()).select_from(User).where(User.role == Role.ADMIN)
    return db.session.scalar(admins) == 1


def forget_identity(user: User) -> None:
    """Wipe what identifies the person; the row stays, so their comments keep a name.

    Comments they posted under their name now show "Deleted user"; those posted as
    Anonymous still show "Anonymous".
    """
    user.email = None
    user.password_hash = None
    user.display_name = DELETED_USER
    user.email_confirmed_at = None
    user.role = Role.READER
    user.anonymous_by_default = False
    user.notify_replies = False
    user.deleted_at = utcnow()
    user.end_sessions()


def delete_account(user: User, password: str) -> None:
    """Delete the owner's account: identity, password and (through ``account_deleted``)
    whatever other features keep for it, in one commit."""
    check_current_password(user, password)
    if is_last_admin(user):
        raise AccountError(
            "You are the only administrator: make someone else an administrator first.",
            "current_password",
        )
    account_deleted.send(user)
    forget_identity(user)
    db.session.commit()


def personal_data_for(user: User, password: str) -> dict[str, Any]:
    """Everything the blog keeps about ``user``, for them alone (their password again)."""
    check_current_password(user, password)
    return personal_data(user)

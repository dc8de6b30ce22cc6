"""Account operations shared by the web pages and the command line."""

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from .. import changes
from ..dates import utcnow
from ..extensions import db
from ..models import Role, User
from ..typed_text import has_control_characters
from .mails import send_already_registered, send_confirmation, send_reset_link
from .rules import password_problem
from .tokens import INVALID_MESSAGE, Purpose, TokenInvalid, is_current, read_token

#: Compared against when the address is unknown, so both answers take as long.
_UNKNOWN_USER_HASH = generate_password_hash("not-a-real-password")


def account_topics(_user: User, change: changes.RowChange) -> tuple[str, ...]:
    """An account shows on pages only as the name on its posts and comments (with the Editor
    badge for editors): its address, password, settings and sessions are nobody else's
    business."""
    if not change.added and change.touches("display_name", "deleted_at", "role"):
        return (changes.SITE,)
    return ()


changes.declare_rows(User, account_topics)


class AccountError(ValueError):
    """An account operation that cannot be done, with a message for the person asking.

    ``field`` names the form field the message belongs beside, when there is one.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def normalise_email(email: str) -> str:
    return email.strip().lower()


def user_by_email(email: str) -> User | None:
    """The account with this address; None for text no address could be (NUL and the like)."""
    if has_control_characters(email):
        return None
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The account with this address and password, or None."""
    user = user_by_email(email) if email else None
    if user is None or not user.password_hash:
        check_password_hash(_UNKNOWN_USER_HASH, password)
        return None
    return user if user.check_password(password) else None


def create_user(
    email: str,
    display_name: str,
    password: str,
    role: Role = Role.READER,
    confirmed: bool = False,
) -> User:
    """Create an account; refuses an address that is already registered."""
    email = normalise_email(email)
    taken = AccountError(f"An account with the address {email} already exists.")
    if db.session.scalar(select(func.count()).where(User.email == email)):
        raise taken
    user = User(email=email, display_name=display_name.strip(), role=role)
    user.set_password(password)
    if confirmed:
        user.email_confirmed_at = utcnow()
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        raise taken from error
    return user


def register_reader(email: str, display_name: str, password: str) -> User | None:
    """A new, unconfirmed reader with a confirmation link on its way.

    When the address already has an account nothing is created and its owner is told by
    mail instead, so the page cannot be used to find out who is registered.
    """
    existing = user_by_email(email)
    if existing is not None:
        if existing.is_active:
            send_already_registered(existing)
            db.session.commit()
        return None
    try:
        user = create_user(email, display_name, password)
    except AccountError:
        return None
    send_confirmation(user)
    db.session.commit()
    return user


def resend_confirmation(user: User) -> bool:
    """Queue a fresh confirmation link; False when it could not be queued."""
    queued = send_confirmation(user)
    db.session.commit()
    return queued


def account_named_by(purpose: Purpose, token: str) -> tuple[User, dict]:
    """The live account a token was made for, with the token's data; TokenError otherwise.

    A token made before the account's address or password changed is refused.
    """
    data = read_token(purpose, token)
    user = db.session.get(User, data["user"])
    if user is None or user.email is None or not is_current(user, data):
        raise TokenInvalid(INVALID_MESSAGE)
    return user, data


def confirm_email(token: str) -> User:
    """Mark the address in a confirmation link as confirmed (again is harmless)."""
    user, _ = account_named_by(Purpose.CONFIRM_EMAIL, token)
    if not user.is_confirmed:
        user.email_confirmed_at = utcnow()
        db.session.commit()
    return user


def request_password_reset(email: str) -> None:
    """Mail a reset link when the address belongs to a live account; say nothing either way."""
    user = user_by_email(email) if email else None
    if user is not None and user.is_active:
        send_reset_link(user)
        db.session.commit()


def account_for_reset(token: str) -> User:
    """The account a reset link is for, while the link is unused and the account unchanged."""
    user, _ = account_named_by(Purpose.RESET_PASSWORD, token)
    if user.banned:
        raise TokenInvalid(INVALID_MESSAGE)
    return user


def end_all_sessions(user: User) -> None:
    """Log the account out on every computer: each worker checks the login cookie against
    the account's session token, so changing it refuses every cookie issued before."""
    user.end_sessions()
    db.session.commit()


def reset_password(token: str, new_password: str) -> User:
    """Set a new password from a reset link; every session of the account ends."""
    user = account_for_reset(token)
    problem = password_problem(new_password, user.email or "")
    if problem:
        raise AccountError(problem, "password")
    user.set_password(new_password)
    user.end_sessions()
    if not user.is_confirmed:  # following the link proved the address is theirs
        user.email_confirmed_at = utcnow()
    db.session.commit()
    return user

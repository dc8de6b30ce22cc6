"""How a login cookie becomes a user."""

from flask_login import LoginManager

from ..models import User
from ..subscriptions.operations import load_reader


def load_user(user_id: str) -> User | None:
    """The account named by the cookie, unless it was banned, deleted or logged out elsewhere."""
    number, _, token = user_id.partition(":")
    if not number.isdigit() or not token:
        return None
    user = load_reader(int(number))
    if user is None or user.session_token != token or not user.is_active:
        return None
    return user


def configure_login_manager(manager: LoginManager) -> None:
    manager.login_view = "auth.login"
    manager.login_message = "Please log in to see that page."
    manager.login_message_category = "info"
    manager.session_protection = "basic"
    manager.user_loader(load_user)

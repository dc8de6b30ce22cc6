"""Signed links sent by mail: confirming an address, changing it, resetting a password."""

import enum
import hashlib
import hmac
from datetime import timedelta
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from ..models import User


class Purpose(enum.StrEnum):
    """What a token is for; each purpose signs with its own salt, so one cannot pass for another."""

    CONFIRM_EMAIL = "blogapp.confirm-email"
    CHANGE_EMAIL = "blogapp.change-email"
    RESET_PASSWORD = "blogapp.reset-password"  # noqa: S105 - a salt name, not a secret
    RESUME_MAIL = "blogapp.resume-mail"


#: How long each kind of link works.
LIFETIMES = {
    Purpose.CONFIRM_EMAIL: timedelta(hours=48),
    Purpose.CHANGE_EMAIL: timedelta(hours=48),
    Purpose.RESET_PASSWORD: timedelta(hours=2),
    Purpose.RESUME_MAIL: timedelta(hours=48),
}


class TokenError(Exception):
    """A link that cannot be used; the message says why, for the person who followed it."""


class TokenExpired(TokenError):
    pass


class TokenInvalid(TokenError):
    pass


EXPIRED_MESSAGE = "This link has expired. You can ask for a new one."
INVALID_MESSAGE = (
    "This link is not valid: it may have been copied incompletely, already used, "
    "or replaced by a newer one."
)


def serializer(purpose: Purpose) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=purpose.value)


def make_token(purpose: Purpose, data: dict[str, Any]) -> str:
    return serializer(purpose).dumps(data)


def read_token(purpose: Purpose, token: str) -> dict[str, Any]:
    """The signed data, or TokenExpired / TokenInvalid."""
    max_age = int(LIFETIMES[purpose].total_seconds())
    try:
        data = serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise TokenExpired(EXPIRED_MESSAGE) from error
    except BadSignature as error:
        raise TokenInvalid(INVALID_MESSAGE) from error
    if not isinstance(data, dict) or not isinstance(data.get("user"), int):
        raise TokenInvalid(INVALID_MESSAGE)
    return data


def account_fingerprint(user: User) -> str:
    """Changes whenever the account's address or password does.

    Every link carries it, so a link works only for the address it was sent to and the
    password the account had then: moving the account or changing the password (which a
    reset does) ends every link sent before. Keyed, so the token shows nothing of either.
    """
    state = f"{user.email or ''}\n{user.password_hash or ''}".encode()
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    return hmac.new(key, state, hashlib.sha256).hexdigest()[:32]


def account_token(purpose: Purpose, user: User, **data: str) -> str:
    return make_token(purpose, {**data, "user": user.id, "account": account_fingerprint(user)})


def is_current(user: User, data: dict[str, Any]) -> bool:
    """Whether a token's data was made for the account as it is now."""
    return hmac.compare_digest(str(data.get("account", "")), account_fingerprint(user))


def confirmation_token(user: User) -> str:
    return account_token(Purpose.CONFIRM_EMAIL, user)


def email_change_token(user: User, new_email: str) -> str:
    return account_token(Purpose.CHANGE_EMAIL, user, email=new_email)


def reset_token(user: User) -> str:
    return account_token(Purpose.RESET_PASSWORD, user)

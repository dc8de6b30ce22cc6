"""Signed links sent by mail: confirming an address, changing it, resetting a password."""

import enum
import hashlib
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


#: How long each kind of link works.
LIFETIMES = {
    Purpose.CONFIRM_EMAIL: timedelta(hours=48),
    Purpose.CHANGE_EMAIL: timedelta(hours=48),
    Purpose.RESET_PASSWORD: timedelta(hours=2),
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


def password_fingerprint(user: User) -> str:
    """Changes whenever the password does, so a reset link works once and only until then."""
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:20]


def confirmation_token(user: User) -> str:
    return make_token(Purpose.CONFIRM_EMAIL, {"user": user.id, "email": user.email})


def email_change_token(user: User, new_email: str) -> str:
    return make_token(
        Purpose.CHANGE_EMAIL, {"user": user.id, "email": new_email, "from": user.email}
    )


def reset_token(user: User) -> str:
    return make_token(
        Purpose.RESET_PASSWORD, {"user": user.id, "password": password_fingerprint(user)}
    )

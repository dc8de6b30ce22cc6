"""Signed unsubscribe links: they name the reader and the list, and cannot be altered."""

from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

#: A salt of their own, so no other signed value of the blog works as an unsubscribe token.
UNSUBSCRIBE_SALT = "blogapp.unsubscribe"
DIGEST_LIST = "digest"
#: The lists a reader can be on, and how pages name them.
LIST_NAMES = {DIGEST_LIST: "the daily email"}


class InvalidUnsubscribeLink(ValueError):
    """The token was cut short, altered, or names no list."""


@dataclass(frozen=True)
class UnsubscribeRequest:
    user_id: int
    list_name: str

    @property
    def list_title(self) -> str:
        return LIST_NAMES[self.list_name]


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(user_id: int, list_name: str = DIGEST_LIST) -> str:
    """A token for the unsubscribe link; it does not expire, as old emails keep their links."""
    return _serializer().dumps([user_id, list_name])


def read_unsubscribe_token(token: str) -> UnsubscribeRequest:
    """Who and which list a token names; raises InvalidUnsubscribeLink for anything else."""
    try:
        payload = _serializer().loads(token)
    except BadSignature as error:
        raise InvalidUnsubscribeLink(token) from error
    match payload:
        case [int() as user_id, str() as list_name] if list_name in LIST_NAMES:
            return UnsubscribeRequest(user_id, list_name)
    raise InvalidUnsubscribeLink(token)

"""Signed stop links for thread mail, made as the digest's unsubscribe links are: they name
the reader and the thread (or every thread), and cannot be altered."""

from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

#: A salt of their own, so no other signed value of the blog works as a stop token.
STOP_SALT = "blogapp.thread-mail-stop"


class InvalidStopLink(ValueError):
    """The token was cut short, altered, or names nothing."""


@dataclass(frozen=True)
class StopRequest:
    user_id: int
    #: None: every thread the reader follows.
    post_id: int | None


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=STOP_SALT)


def stop_token(user_id: int, post_id: int | None = None) -> str:
    """A token for a stop link; it does not expire, as old emails keep their links."""
    return _serializer().dumps([user_id, post_id])


def read_stop_token(token: str) -> StopRequest:
    """Who and which thread a token names; raises InvalidStopLink for anything else."""
    try:
        payload = _serializer().loads(token)
    except BadSignature as error:
        raise InvalidStopLink(token) from error
    match payload:
        case [int() as user_id, int() | None as post_id]:
            return StopRequest(user_id, post_id)
    raise InvalidStopLink(token)

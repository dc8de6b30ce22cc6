"""Signed stop and mute links for thread mail and the digest's conversation, made as the
digest's unsubscribe links are: they name the reader and the thread (or every thread), and
cannot be altered."""

from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

#: A salt of their own, so no other signed value of the blog works as a stop token.
STOP_SALT = "blogapp.thread-mail-stop"
#: Another for mute links, so a stop link cannot be turned into a mute one or back.
MUTE_SALT = "blogapp.thread-mute"


class InvalidStopLink(ValueError):
    """The token was cut short, altered, or names nothing."""


@dataclass(frozen=True)
class StopRequest:
    user_id: int
    #: None: every thread the reader follows.
    post_id: int | None


def _serializer(salt: str = STOP_SALT) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=salt)


def stop_token(user_id: int, post_id: int | None = None) -> str:
    """A token for a stop link; it does not expire, as old emails keep their links."""
    return _serializer().dumps([user_id, post_id])


def mute_token(user_id: int, post_id: int) -> str:
    """A token for a one-click "mute this thread" link; it does not expire either."""
    return _serializer(MUTE_SALT).dumps([user_id, post_id])


def read_stop_token(token: str, salt: str = STOP_SALT) -> StopRequest:
    """Who and which thread a token names; raises InvalidStopLink for anything else."""
    try:
        payload = _serializer(salt).loads(token)
    except BadSignature as error:
        raise InvalidStopLink(token) from error
    match payload:
        case [int() as user_id, int() | None as post_id]:
            return StopRequest(user_id, post_id)
    raise InvalidStopLink(token)


def read_mute_token(token: str) -> StopRequest:
    """Who and which thread a mute token names (always a thread)."""
    wanted = read_stop_token(token, MUTE_SALT)
    if wanted.post_id is None:
        raise InvalidStopLink(token)
    return wanted

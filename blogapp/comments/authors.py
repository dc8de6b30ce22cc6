"""How the public names a comment's author: the one function every page, feed, mail and
export asks (``|public_author`` in templates), so "Anonymous" never leaks the account."""

from typing import Protocol

from ..models import ANONYMOUS, DELETED_USER


class Authored(Protocol):
    """A comment, or a thread's plain record of one."""

    anonymous: bool
    #: The name typed on an imported comment (no account behind it).
    author_name: str | None

    @property
    def account_name(self) -> str | None: ...


def public_author(comment: Authored) -> str:
    """ "Anonymous" when posted so, else the account's name, else the name typed on import."""
    if comment.anonymous:
        return ANONYMOUS
    return comment.account_name or comment.author_name or DELETED_USER

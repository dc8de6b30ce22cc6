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

    @property
    def account_is_editor(self) -> bool: ...


def public_author(comment: Authored) -> str:
    """ "Anonymous" when posted so, else the account's name, else the name typed on import."""
    if comment.anonymous:
        return ANONYMOUS
    return comment.account_name or comment.author_name or DELETED_USER


def shows_editor_badge(comment: Authored) -> bool:
    """The "Editor" badge: on editors' comments under their own name, never on Anonymous ones
    (it would tell readers which Anonymous is an editor)."""
    return not comment.anonymous and comment.account_is_editor

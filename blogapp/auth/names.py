"""Names that would pass one person off as another: the blog's own words for nobody in
particular ("Anonymous", "Deleted user", "Editor") and the names of its editors.

Two names clash when they look alike to a reader: compared without case, spaces, accents or
invisible marks, and with each character replaced by the one it can be mistaken for
(Unicode's confusables, as kept by the confusable-homoglyphs package), so that a Cyrillic
"а" in "Jim" is no disguise.
"""

import unicodedata
from functools import cache

from confusable_homoglyphs.confusables import confusables_data
from sqlalchemy import select

from ..extensions import db
from ..models import ANONYMOUS, DELETED_USER, Role, User

#: The badge beside editors' comments; nobody else may be called it.
EDITOR_BADGE = "Editor"
#: Names the blog itself shows in place of a person's.
BLOG_WORDS = (ANONYMOUS, DELETED_USER, EDITOR_BADGE)
#: Marks the confusables data wraps right-to-left characters in.
DIRECTION_MARKS = "\u200e\u200f"


@cache
def prototype_of(character: str) -> str:
    """What ``character`` is mistaken for ("а" -> "a", "1" -> "l"); itself when it is the
    usual form. When two characters are each other's only look-alike, the smaller stands
    for both, so they compare equal whichever is typed."""
    look_alikes = confusables_data.get(character, [])
    if len(look_alikes) != 1:
        return character
    other = look_alikes[0]["c"].strip(DIRECTION_MARKS)
    back = [entry["c"].strip(DIRECTION_MARKS) for entry in confusables_data.get(other, [])]
    if back == [character]:
        return min(character, other)
    return other


def is_dropped(character: str) -> bool:
    """Spaces, accents and invisible marks: what a reader does not see as part of a name."""
    return character.isspace() or unicodedata.category(character) in ("Mn", "Me", "Cf", "Cc")


def visible_letters(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not is_dropped(c))


def look_alike(text: str) -> str:
    return "".join(prototype_of(character) for character in text)


def name_skeletons(name: str) -> frozenset[str]:
    """What ``name`` looks like to a reader: two names that share a skeleton pass for each other.

    Two, because case hides some look-alikes and makes others: "JIM" is "Jim" once both are
    lower-case, while Greek "Ε" passes for "E" only as a capital.
    """
    letters = visible_letters(name)
    lower_first = look_alike(letters.casefold())
    alike_first = look_alike(look_alike(letters).casefold())
    return frozenset(visible_letters(shape).casefold() for shape in (lower_first, alike_first))


def names_clash(name: str, other: str) -> bool:
    """True when a reader could take ``name`` for ``other``."""
    return bool(name_skeletons(name) & name_skeletons(other))


@cache
def blog_word_skeletons() -> frozenset[str]:
    return frozenset().union(*(name_skeletons(word) for word in BLOG_WORDS))


def blog_word_problem(name: str) -> str | None:
    """Why ``name`` would pass for one of the blog's own labels, or None."""
    if name_skeletons(name) & blog_word_skeletons():
        return f"“{name.strip()}” is how the blog shows other people; please choose another name."
    return None


def editor_name_problem(name: str, renaming: User | None = None) -> str | None:
    """Why ``name`` would pass for an editor's (other than ``renaming``'s own), or None."""
    skeletons = name_skeletons(name)
    editors = db.session.execute(
        select(User.id, User.display_name).where(
            User.role.in_((Role.EDITOR, Role.ADMIN)), User.deleted_at.is_(None)
        )
    )
    own_id = renaming.id if renaming is not None else None
    for editor_id, editor_name in editors:
        if editor_id != own_id and name_skeletons(editor_name) & skeletons:
            return (
                f"“{name.strip()}” looks like the name of one of the blog's editors; "
                "please choose another name."
            )
    return None

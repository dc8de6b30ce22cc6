"""Checks on text people type into forms: blank, or holding characters that cannot be shown."""

import unicodedata

#: Line breaks and tabs are part of ordinary typing; every other control character is not.
ALLOWED_CONTROLS = frozenset("\t\n\r")
#: The largest id there can be: ids are INTEGER columns, 32 bits on PostgreSQL.
LARGEST_ID = 2**31 - 1
CONTROL_CHARACTERS_MESSAGE = (
    "This holds characters that cannot be shown (such as NUL); please type it again."
)


def has_control_characters(text: str) -> bool:
    """True when ``text`` holds NUL, escape or another control character (tab and newlines aside).

    PostgreSQL cannot store NUL at all, and the rest only ever arrive from scripts.
    """
    return any(
        unicodedata.category(character) in ("Cc", "Cs") and character not in ALLOWED_CONTROLS
        for character in text
    )


#: Characters that turn the direction of the text after them (U+202A to U+202E, U+2066 to
#: U+2069): typed into a name or comment, they make the words around it read backwards.
DIRECTION_OVERRIDES = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
DIRECTION_OVERRIDES_MESSAGE = (
    "This holds an invisible character that reverses the text around it (such as U+202E); "
    "please type it again without."
)


def has_direction_overrides(text: str) -> bool:
    """True when ``text`` holds a character that overrides the direction of what follows.

    The marks that only hint at a direction (U+200E, U+200F) are ordinary in Arabic or Hebrew
    and stay allowed.
    """
    return any(character in DIRECTION_OVERRIDES for character in text)


def is_blank(text: str) -> bool:
    """True when nothing visible is left once spaces and invisible format marks are taken out."""
    return all(character.isspace() or unicodedata.category(character) == "Cf" for character in text)


def control_characters_problem(text: str) -> str | None:
    """Why ``text`` cannot be stored, or None (a rule for form fields)."""
    return CONTROL_CHARACTERS_MESSAGE if has_control_characters(text) else None


def whole_number(text: str, largest: int = LARGEST_ID) -> int | None:
    """``text`` as a whole number from 0 to ``largest``, or None for anything else.

    ``str.isdigit`` alone will not do: it accepts "²", which ``int`` refuses, and numbers
    larger than the database can compare a column with.
    """
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(largest)):
        return None
    number = int(text)
    return number if number <= largest else None

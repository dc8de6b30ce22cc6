"""What an account's password and display name must be; each rule returns a problem or None."""

from functools import cache
from pathlib import Path

from ..typed_text import (
    DIRECTION_OVERRIDES_MESSAGE,
    has_control_characters,
    has_direction_overrides,
    is_blank,
)
from .names import blog_word_problem

PASSWORD_MIN_LENGTH = 10
PASSWORD_MAX_LENGTH = 200
DISPLAY_NAME_MAX_LENGTH = 80
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")


@cache
def common_passwords() -> frozenset[str]:
    """The 30,000 most used passwords (see common_passwords.txt for where they come from)."""
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def password_problem(password: str, email: str = "") -> str | None:
    """Why ``password`` will not do, or None when it is acceptable."""
    if len(password) < PASSWORD_MIN_LENGTH:
        return f"Use at least {PASSWORD_MIN_LENGTH} characters."
    if len(password) > PASSWORD_MAX_LENGTH:
        return f"Use at most {PASSWORD_MAX_LENGTH} characters."
    lowered = password.lower()
    if lowered in common_passwords() or len(set(lowered)) < 4:
        return "That password is one of the most common and easy to guess. Please choose another."
    if email and lowered == email.strip().lower():
        return "Please do not use your email address as your password."
    return None


def display_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be shown beside comments, or None when it can."""
    shown = name.strip()
    if is_blank(shown):
        return "Please give the name to show beside your comments."
    if len(shown) > DISPLAY_NAME_MAX_LENGTH:
        return f"Use at most {DISPLAY_NAME_MAX_LENGTH} characters."
    if has_control_characters(shown) or any(mark in shown for mark in "\t\r\n"):
        return "The name must be one line without control characters; please type it again."
    if has_direction_overrides(shown):
        return DIRECTION_OVERRIDES_MESSAGE
    return blog_word_problem(shown)

"""Why a comment waits for an editor before readers see it: sent by a script, too many links,
a word or web domain on the editors' block list, or an account not yet trusted.

A held comment is never dropped: its author sees it marked as held for review, and the
editors find it in their queue.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

from flask import current_app
from sqlalchemy import func, select

from ..extensions import db
from ..models import Comment, CommentState, User
from ..site_settings import SiteSettings, load_site_settings
from ..text import URL_IN_TEXT

#: A web host written in a comment, linked or not: "spam.example", "www.spam.example/buy".
HOST_IN_TEXT = re.compile(r"(?<![\w@.-])((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,})\b", re.I)
#: How an editor may write a domain on the block list: "spam.example", "*.spam.example",
#: or a whole address, "https://spam.example/page".
DOMAIN_ENTRY = re.compile(
    r"^(?:[a-z][a-z0-9+.-]*://)?(?:\*\.)?([^\s/:?#]+\.[a-z]{2,})(?:[/:?#]\S*)?$", re.I
)


@dataclass(frozen=True)
class BlockList:
    """The editors' block list: whole words (any case) and web domains (with subdomains)."""

    words: tuple[str, ...]
    domains: tuple[str, ...]

    @classmethod
    def parse(cls, text: str) -> "BlockList":
        words, domains = [], []
        for line in text.splitlines():
            entry = line.strip()
            if not entry:
                continue
            domain = DOMAIN_ENTRY.match(entry) if " " not in entry else None
            if domain:
                domains.append(domain.group(1).lower().rstrip("."))
            else:
                words.append(entry)
        return cls(tuple(words), tuple(domains))

    @cached_property
    def word_pattern(self) -> re.Pattern[str] | None:
        if not self.words:
            return None
        alternatives = "|".join(re.escape(word) for word in self.words)
        return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)

    def blocked_word(self, body: str) -> str | None:
        match = self.word_pattern.search(body) if self.word_pattern else None
        return match.group(0) if match else None

    def blocked_domain(self, body: str) -> str | None:
        for host in hosts_in(body):
            for domain in self.domains:
                if host == domain or host.endswith("." + domain):
                    return domain
        return None


def hosts_in(body: str) -> Iterator[str]:
    """Every web host named in ``body``, lower-case."""
    for match in HOST_IN_TEXT.finditer(body):
        yield match.group(1).lower()


def link_count(body: str) -> int:
    """How many links the comment will show (web addresses become links)."""
    return len(URL_IN_TEXT.findall(body))


def approved_comment_count(user: User) -> int:
    return db.session.scalar(
        select(func.count(Comment.id)).where(
            Comment.user_id == user.id, Comment.state == CommentState.VISIBLE
        )
    )


def is_trusted(author: User, settings: SiteSettings) -> bool:
    """Editors, and readers with enough comments approved, are published at once."""
    needed = settings.hold_first_comments
    return author.is_editor or needed <= 0 or approved_comment_count(author) >= needed


def content_hold_reason(body: str, settings: SiteSettings) -> str | None:
    """Why the words of a comment need an editor's eye first, or None."""
    most_links = current_app.config["COMMENT_MAX_LINKS"]
    if link_count(body) > most_links:
        return f"more than {most_links} links"
    blocked = BlockList.parse(settings.blocked_terms)
    domain = blocked.blocked_domain(body)
    if domain:
        return f"a link to {domain}, on the block list"
    word = blocked.blocked_word(body)
    if word:
        return f"the word “{word}”, on the block list"
    return None


def hold_reason(author: User, body: str, sign_of_a_script: str | None = None) -> str | None:
    """Why this comment waits for an editor, or None to publish it at once.

    Editors' own comments are never held: they are the ones who would approve them.
    """
    if author.is_editor:
        return None
    if sign_of_a_script:
        return sign_of_a_script
    settings = load_site_settings()
    reason = content_hold_reason(body, settings)
    if reason:
        return reason
    if not is_trusted(author, settings):
        return "a new account's first comments"
    return None

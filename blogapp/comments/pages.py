"""Long threads in pages: ``COMMENTS_PER_PAGE`` top-level comments a page, oldest first.

Replies stay on the page of the comment they answer, and the numbers (3, 3.1) are those of the
whole thread, so a comment has the same number whichever page shows it.
"""

from dataclasses import dataclass

from flask import current_app

from ..models import Comment, Post, User
from ..urls import address_of
from .threads import Entry, comment_threads


@dataclass(frozen=True)
class ThreadPage:
    """Which page of a thread is shown, and how many there are."""

    number: int
    count: int

    @property
    def older(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def newer(self) -> int | None:
        return self.number + 1 if self.number < self.count else None

    @property
    def query(self) -> str:
        """What a link to a comment on this page puts before its ``#c123``."""
        return f"?page={self.number}" if self.number > 1 else ""


def comments_per_page() -> int:
    return max(1, int(current_app.config["COMMENTS_PER_PAGE"]))


def split_into_pages(threads: list[Entry]) -> list[list[Entry]]:
    """The threads, ``COMMENTS_PER_PAGE`` top-level comments to a page; one empty page when
    there are none."""
    size = comments_per_page()
    return [threads[start : start + size] for start in range(0, len(threads), size)] or [[]]


def page_holding(threads: list[Entry], comment_id: int) -> int | None:
    """The page (from 1) that shows the comment, or None when these threads do not have it."""
    for index, entry in enumerate(threads):
        if entry.comment.id == comment_id or any(r.comment.id == comment_id for r in entry.replies):
            return index // comments_per_page() + 1
    return None


def comment_address(
    post: Post, comment_id: int | None, viewer: User | None, address: str | None = None
) -> str:
    """The post's ``address`` on the page that holds the comment, scrolled to it; the post's
    own address when ``viewer`` cannot see such a comment."""
    address = address or address_of(post)
    if comment_id is None:
        return address
    return address_in_threads(address, comment_threads(post, viewer), comment_id)


def address_in_threads(address: str, threads: list[Entry], comment_id: int) -> str:
    """``address`` on the page of ``threads`` that holds the comment, scrolled to it; the
    address itself when they do not hold it."""
    page = page_holding(threads, comment_id)
    if page is None:
        return address
    return f"{address}{ThreadPage(page, page).query}#c{comment_id}"


def public_comment_address(post: Post, comment_id: int) -> str:
    """The full address of the page that shows the comment to everyone (for mail)."""
    return comment_address(post, comment_id, None, address_of(post, external=True))


def public_comment_addresses(comments: list[Comment]) -> dict[int, str]:
    """The full public address of each comment, by id, each post's thread read once (a feed
    of the newest comments holds many of one busy post)."""
    threads_of: dict[int, list[Entry]] = {}
    addresses = {}
    for comment in comments:
        post = comment.post
        if post.id not in threads_of:
            threads_of[post.id] = comment_threads(post, None)
        address = address_of(post, external=True)
        addresses[comment.id] = address_in_threads(address, threads_of[post.id], comment.id)
    return addresses

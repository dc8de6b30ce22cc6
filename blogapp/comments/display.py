"""The comment thread of a post page, with what its reader may do with each comment.

A busy thread is the most expensive part of the blog to render, and every reader sees almost
the same one: only the buttons on their own comments differ (Remove instead of Report). So the
thread is rendered once per change of content, for everyone and page by page (``pages``), with
each comment's buttons marked; a reader's page takes that rendering and puts their own buttons
on their own comments. Editors (who may remove anything) and readers with a comment the
shared rendering does not have yet (held for approval, or just written) get a rendering of
their own.

The thread is kept and returned as UTF-8: on a busy post it is most of the page, and the page
is put together around it without copying it into the rendered text and encoding it again.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

from flask import render_template

from ..caching import cached_for_generation, post_scope
from ..models import CommentState, Post, User
from .pages import ThreadPage, split_into_pages
from .permissions import is_member, may_edit, may_remove, may_undo_removal
from .threads import Entry, ThreadComment, comment_threads, own_comments

ACTIONS = re.compile(r"<!--actions (\d+) ([\d.]+)-->(.*?)<!--/actions-->", re.DOTALL)


def entries_of(threads: list[Entry]) -> Iterator[Entry]:
    """Every entry of the threads, replies included."""
    for entry in threads:
        yield entry
        yield from entry.replies


def mark_actions(entry: Entry, post: Post, viewer: User | None) -> None:
    """Reply on shown comments of an open post; Report on others' comments (the report page
    asks visitors to log in); Remove where ``viewer`` may remove; Edit and Undo on the
    viewer's own comments for a few minutes."""
    comment = entry.comment
    shown = comment.state == CommentState.VISIBLE
    own = viewer is not None and comment.user_id is not None and comment.user_id == viewer.id
    entry.may_reply = shown and post.comments_open
    entry.may_report = shown and not own
    entry.may_remove = may_remove(comment, viewer)
    entry.may_edit = may_edit(comment, viewer)
    entry.may_undo = may_undo_removal(comment, viewer)


def threads_for(post: Post, viewer: User | None) -> list[Entry]:
    """The numbered threads ``viewer`` sees, each entry marked with the actions it offers."""
    threads = comment_threads(post, viewer)
    for entry in entries_of(threads):
        mark_actions(entry, post, viewer)
    return threads


def render_thread(post: Post, threads: list[Entry], marked: bool, page: ThreadPage) -> str:
    return render_template(
        "comments/_thread.html", post=post, threads=threads, mark_actions=marked, page=page
    )


@dataclass(frozen=True)
class SharedThread:
    """A thread rendered for everyone, cut where each comment's buttons go."""

    #: The HTML between the buttons: one more piece than there are comments.
    pieces: list[bytes]
    #: Each comment's id and the buttons everyone sees on it.
    buttons: list[tuple[int, bytes]]
    #: Each comment's number in the thread, by id.
    numbers: dict[int, str]

    @classmethod
    def cut(cls, html: str) -> "SharedThread":
        parts = ACTIONS.split(html)
        ids = [int(comment_id) for comment_id in parts[1::4]]
        buttons = [button.encode() for button in parts[3::4]]
        pieces = [piece.encode() for piece in parts[0::4]]
        return cls(
            pieces, list(zip(ids, buttons, strict=True)), dict(zip(ids, parts[2::4], strict=True))
        )

    def with_buttons(self, own: dict[int, bytes]) -> bytes:
        """The thread with ``own`` buttons (by comment id) in place of everyone's."""
        return self.joined(own) if own else self.for_everyone

    @cached_property
    def for_everyone(self) -> bytes:
        """The thread as most readers get it, joined once per worker and kept with the rest."""
        return self.joined({})

    def joined(self, own: dict[int, bytes]) -> bytes:
        html = [self.pieces[0]]
        for (comment_id, everyones), piece in zip(self.buttons, self.pieces[1:], strict=True):
            html.append(own.get(comment_id, everyones))
            html.append(piece)
        return b"".join(html)


@dataclass(frozen=True)
class SharedPages:
    """Every page of a thread rendered for everyone, kept together: the numbers and the
    buttons of a page are those of the whole thread."""

    pages: list[SharedThread]

    def holds(self, comment_id: int) -> bool:
        return any(comment_id in page.numbers for page in self.pages)


def shared_pages(post: Post) -> SharedPages:
    pages = split_into_pages(threads_for(post, None))
    count = len(pages)
    return SharedPages([
        SharedThread.cut(
            render_thread(post, threads, True, ThreadPage(number, count)) if threads else ""
        )
        for number, threads in enumerate(pages, start=1)
    ])  # fmt: skip


def buttons_for(
    post: Post, comment: ThreadComment, number: str, viewer: User, page: ThreadPage
) -> bytes:
    """The buttons ``viewer`` gets on one of their own comments."""
    entry = Entry(number, comment)
    mark_actions(entry, post, viewer)
    match = ACTIONS.search(render_thread(post, [entry], True, page))
    return match.group(3).encode() if match else b""


def own_rendering(post: Post, viewer: User, number: int) -> tuple[bytes, ThreadPage] | None:
    """The page as ``viewer`` alone sees it; None when the thread has no such page."""
    pages = split_into_pages(threads_for(post, viewer))
    if number > len(pages):
        return None
    page = ThreadPage(number, len(pages))
    threads = pages[number - 1]
    return (render_thread(post, threads, False, page).encode() if threads else b""), page


def thread_html(
    post: Post, viewer: User | None, number: int = 1
) -> tuple[bytes, ThreadPage] | None:
    """Page ``number`` of the comment thread of ``post`` as ``viewer`` sees it, encoded as
    UTF-8, with where it stands among the pages; None when there is no such page."""
    member = is_member(viewer)
    own = own_comments(post, viewer) if member else []
    shared = cached_for_generation(
        f"thread:{post.id}", lambda: shared_pages(post), [post_scope(post.id)]
    )
    if (member and viewer.is_editor) or not all(shared.holds(c.id) for c in own):
        return own_rendering(post, viewer, number)
    if number > len(shared.pages):
        return None
    page = ThreadPage(number, len(shared.pages))
    shown = shared.pages[number - 1]
    own_buttons = {
        comment.id: buttons_for(post, comment, shown.numbers[comment.id], viewer, page)
        for comment in own
        if comment.id in shown.numbers
    }
    return shown.with_buttons(own_buttons), page

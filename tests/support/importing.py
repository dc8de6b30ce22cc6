"""Checking an import against its file: an independent count of the export, a snapshot of
every table, and the comment threads as a post page shows them."""

import hashlib
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

from defusedxml.ElementTree import parse
from sqlalchemy import select

from blogapp.extensions import db

ATOM = "{http://www.w3.org/2005/Atom}"
BLOGGER = "{http://schemas.google.com/blogger/2018}"
APP_DRAFT = "{http://purl.org/atom/app#}control/{http://purl.org/atom/app#}draft"
THREAD_REF = "{http://purl.org/syndication/thread/1.0}in-reply-to"


def number(reference: str) -> str:
    """The Blogger number at the end of an id, a feed address or a bare number."""
    return reference.strip().rstrip("/").rsplit("/", 1)[-1].rsplit("-", 1)[-1]


@dataclass
class ExportContents:
    """What a Blogger export holds, counted straight from its XML (the files are trusted)."""

    posts: dict[str, ElementTree.Element] = field(default_factory=dict)
    drafts: dict[str, ElementTree.Element] = field(default_factory=dict)
    pages: dict[str, ElementTree.Element] = field(default_factory=dict)
    #: Comment number -> (post number, parent comment number or None).
    comments: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    comment_entries: dict[str, ElementTree.Element] = field(default_factory=dict)

    @property
    def comments_on_posts(self) -> dict[str, tuple[str, str | None]]:
        wanted = self.posts.keys() | self.drafts.keys() | self.pages.keys()
        return {key: link for key, link in self.comments.items() if link[0] in wanted}

    @property
    def replies(self) -> int:
        return sum(parent is not None for _, parent in self.comments_on_posts.values())

    def thread_root(self, comment: str) -> str:
        """The top-level comment of a comment's thread (the files hold no missing parents)."""
        while (parent := self.comments[comment][1]) is not None:
            comment = parent
        return comment


def entry_kind(entry: ElementTree.Element) -> str:
    for category in entry.findall(f"{ATOM}category"):
        if category.get("scheme") == "http://schemas.google.com/g/2005#kind":
            return category.get("term", "").rsplit("#", 1)[-1]
    return (entry.findtext(f"{BLOGGER}type") or "").strip().lower()


def read_contents(path: Path) -> ExportContents:
    contents = ExportContents()
    for entry in parse(path).getroot().findall(f"{ATOM}entry"):
        key = number(entry.findtext(f"{ATOM}id"))
        kind = entry_kind(entry)
        if kind == "post":
            status = (entry.findtext(f"{BLOGGER}status") or "").strip()
            if (entry.findtext(f"{BLOGGER}trashed") or "").strip():
                continue
            draft = (entry.findtext(APP_DRAFT) or "").strip() == "yes" or status == "DRAFT"
            (contents.drafts if draft else contents.posts)[key] = entry
        elif kind == "page" and not (entry.findtext(f"{BLOGGER}trashed") or "").strip():
            contents.pages[key] = entry
        elif kind == "comment":
            contents.comment_entries[key] = entry
            contents.comments[key] = comment_link(entry)
    return contents


def comment_link(entry: ElementTree.Element) -> tuple[str, str | None]:
    modern_post = entry.findtext(f"{BLOGGER}parent")
    if modern_post is not None:
        parent = (entry.findtext(f"{BLOGGER}inReplyTo") or "").strip()
        return number(modern_post), number(parent) if parent else None
    post = number(entry.find(THREAD_REF).get("ref"))
    related = [link for link in entry.findall(f"{ATOM}link") if link.get("rel") == "related"]
    return post, number(related[0].get("href")) if related else None


def database_snapshot() -> dict[str, tuple[int, str]]:
    """Every table's row count and a checksum of its rows, read afresh."""
    snapshot = {}
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            rows = connection.execute(select(table).order_by(*table.primary_key.columns)).all()
            checksum = hashlib.sha256(repr([tuple(row) for row in rows]).encode()).hexdigest()
            snapshot[table.name] = (len(rows), checksum)
    return snapshot


@dataclass
class ShownComment:
    anchor: str
    thread: int
    is_reply: bool
    author: str = ""
    time: str = ""
    iso: str = ""
    text: str = ""


class CommentThreadsOnPage(HTMLParser):
    """The comments of a post page, in page order, with the thread each one sits in."""

    def __init__(self, page: str):
        super().__init__()
        self.comments: list[ShownComment] = []
        self.thread = 0
        self.in_replies = False
        self.in_comment = False
        self.field: str | None = None
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if tag == "li" and "comment-thread" in classes:
            self.thread += 1
        elif tag == "ol" and "comment-replies" in classes:
            self.in_replies = True
        elif tag == "article" and "comment" in classes:
            self.in_comment = True
            self.comments.append(ShownComment(attributes["id"], self.thread, self.in_replies))
        elif self.in_comment and tag == "bdi" and "comment-author" in classes:
            self.field = "author"
        elif self.in_comment and tag == "time":
            self.field = "time"
            self.comments[-1].iso = attributes["datetime"]
        elif self.in_comment and tag == "div" and "comment-body" in classes:
            self.field = "text"

    def handle_endtag(self, tag: str) -> None:
        if tag == "ol":
            self.in_replies = False
        elif tag == "article":
            self.in_comment = False
            self.field = None
        elif tag in {"bdi", "time"} and self.field != "text":
            self.field = None

    def handle_data(self, data: str) -> None:
        if self.field and self.comments:
            shown = self.comments[-1]
            setattr(shown, self.field, getattr(shown, self.field) + data)

"""What a Blogger export holds, as typed records: posts, comments, settings, skipped entries."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from ..models import CommentState, PostStatus

BLOG_TAG = "tag:blogger.com,1999:blog-"


class ImportFailed(Exception):
    """The export cannot be imported; nothing was written. Names the line when known."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.line = line
        self.column = column


class SkipReason(StrEnum):
    TEMPLATE = "template"
    SETTINGS = "settings"
    DELETED_POST = "deleted post"
    HELD_COMMENT = "held comment"
    OTHER = "other"


@dataclass(frozen=True)
class FeedInfo:
    """The export's own id and title, read before its entries."""

    blog_id: str
    title: str

    @property
    def entry_prefix(self) -> str:
        """What every entry id of this blog starts with."""
        return f"{BLOG_TAG}{self.blog_id}."


@dataclass(frozen=True)
class BlogSetting:
    name: str
    value: str


@dataclass(frozen=True)
class ExportedPost:
    entry_id: str
    number: int
    title: str
    html: str
    status: PostStatus
    published: datetime
    updated: datetime | None
    labels: tuple[str, ...]
    #: The post's address on Blogger, such as ``/2016/09/mps-raise-the-alarm.html``.
    path: str | None
    #: A page (About, Contact: ``/p/about.html``) rather than a dated post.
    is_page: bool = False


@dataclass(frozen=True)
class ExportedComment:
    entry_id: str
    number: int
    post_number: int | None
    #: The comment this one answers (any depth); None for a top-level comment.
    parent_number: int | None
    author_name: str
    html: str
    published: datetime
    #: Set when Blogger showed "This comment has been removed…" in its place.
    removed: CommentState | None = None
    removed_at: datetime | None = None


@dataclass(frozen=True)
class SkippedEntry:
    reason: SkipReason


Record = FeedInfo | BlogSetting | ExportedPost | ExportedComment | SkippedEntry

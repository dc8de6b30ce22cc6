"""What is new in a digest window: posts published in it and bulletins that arrived in it
(each reader's conversation is their own: see ``conversation``)."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property

from sqlalchemy import select

from ..blog.queries import is_listed
from ..extensions import db
from ..models import Bulletin, DigestStream, Post
from ..text import wrapped
from ..urls import external_url
from .streams import StreamWindow, Windows

#: A newly added union feed brings its back catalogue; items older than this stay out.
BULLETIN_MAX_AGE = timedelta(days=3)
#: The width the email wraps titles and excerpts at, in its text and HTML parts alike.
EMAIL_WIDTH = 76


@dataclass(frozen=True)
class DigestItem:
    """One entry of the email, with everything the templates show (no database object)."""

    title: str
    url: str
    published_at: datetime
    excerpt: str
    #: Posts only: how many comments it has so far.
    comment_count: int | None = None
    #: Bulletins only: the union it comes from.
    source: str | None = None

    @cached_property
    def wrapped_title(self) -> str:
        return wrapped(self.title, EMAIL_WIDTH)

    @cached_property
    def wrapped_excerpt(self) -> str:
        return wrapped(self.excerpt, EMAIL_WIDTH)


@dataclass(frozen=True)
class DigestContent:
    """Everything new in [start, end); each subscriber gets the part they chose."""

    window_start: datetime
    window_end: datetime
    posts: tuple[DigestItem, ...] = ()
    bulletins: tuple[DigestItem, ...] = ()

    def chosen(self, wants_posts: bool, wants_bulletins: bool) -> "DigestContent":
        """The part of the content a subscriber with this choice gets."""
        return DigestContent(
            self.window_start,
            self.window_end,
            self.posts if wants_posts else (),
            self.bulletins if wants_bulletins else (),
        )

    @property
    def is_empty(self) -> bool:
        return not self.posts and not self.bulletins


def new_posts(start: datetime, end: datetime) -> list[Post]:
    """Posts readers could see by ``end`` that were published in [start, end); never imports."""
    return list(
        db.session.scalars(
            select(Post)
            .where(
                is_listed(end),
                Post.published_at >= start,
                Post.published_at < end,
                Post.imported_at.is_(None),
            )
            .order_by(Post.published_at.desc(), Post.id.desc())
        )
    )


def new_bulletins(start: datetime, end: datetime) -> list[Bulletin]:
    """Bulletins stored in [start, end), so a feed polled late still gets its items sent."""
    return list(
        db.session.scalars(
            select(Bulletin)
            .where(
                Bulletin.created_at >= start,
                Bulletin.created_at < end,
                Bulletin.published_at >= start - BULLETIN_MAX_AGE,
            )
            .order_by(Bulletin.published_at.desc(), Bulletin.id.desc())
        )
    )


def post_item(post: Post) -> DigestItem:
    return DigestItem(
        title=post.title,
        url=external_url("blog.post", **post.url_values),
        published_at=post.published_at,
        excerpt=post.excerpt,
        comment_count=post.comment_count,
    )


def bulletin_url(bulletin: Bulletin) -> str:
    """The bulletin's page on this blog (the page comes with the bulletins feature)."""
    return external_url("bulletins.bulletin", bulletin_id=bulletin.id, slug=bulletin.slug)


def bulletin_item(bulletin: Bulletin) -> DigestItem:
    return DigestItem(
        title=bulletin.title,
        url=bulletin_url(bulletin),
        published_at=bulletin.published_at,
        excerpt=bulletin.excerpt,
        source=bulletin.source,
    )


def content_for_window(start: datetime, end: datetime) -> DigestContent:
    """Everything new between two digest times, ready to put in emails."""
    return DigestContent(
        start,
        end,
        tuple(post_item(post) for post in new_posts(start, end)),
        tuple(bulletin_item(bulletin) for bulletin in new_bulletins(start, end)),
    )


def stream_items(window: StreamWindow) -> tuple[DigestItem, ...]:
    """What is new in one stream's window, for every reader (the conversation is per reader)."""
    if window.stream == DigestStream.POSTS:
        return tuple(post_item(post) for post in new_posts(window.start, window.end))
    if window.stream == DigestStream.BULLETINS:
        return tuple(
            bulletin_item(bulletin) for bulletin in new_bulletins(window.start, window.end)
        )
    return ()


@dataclass
class StreamContents:
    """The items of every stream window a run's deliveries cover, read once before sending."""

    items: dict[StreamWindow, tuple[DigestItem, ...]] = field(default_factory=dict)

    @classmethod
    def load(cls, windows: Iterable[StreamWindow]) -> "StreamContents":
        return cls({window: stream_items(window) for window in set(windows)})

    def items_of(self, window: StreamWindow) -> tuple[DigestItem, ...]:
        if window not in self.items:
            self.items[window] = stream_items(window)
        return self.items[window]

    def content_for(self, windows: Windows) -> DigestContent:
        """One reader's edition content: each due stream's items from its own window."""
        by_stream = {window.stream: self.items_of(window) for window in windows}
        return DigestContent(
            min(window.start for window in windows),
            max(window.end for window in windows),
            by_stream.get(DigestStream.POSTS, ()),
            by_stream.get(DigestStream.BULLETINS, ()),
        )

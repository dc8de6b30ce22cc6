"""Posts, their labels and the numbered series some of them belong to."""

import enum
from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..dates import utcnow
from ..extensions import db
from .types import UTCDateTime, text_enum
from .users import User

post_labels = Table(
    "post_labels",
    db.metadata,
    Column("post_id", ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True),
    Column("label_id", ForeignKey("labels.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class PostStatus(enum.StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"


class PostKind(enum.StrEnum):
    """A dated post, or a page (About, Comment policy): undated, out of the listings, in the
    navigation."""

    POST = "post"
    PAGE = "page"


class Label(db.Model):
    __tablename__ = "labels"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)

    def __repr__(self) -> str:
        return f"<Label {self.name}>"


class Series(db.Model):
    """A numbered run of posts, such as 'Latest From Napo'."""

    __tablename__ = "series"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(150), unique=True)
    slug: Mapped[str] = mapped_column(String(170), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")

    def __repr__(self) -> str:
        return f"<Series {self.name}>"


class Post(db.Model):
    __tablename__ = "posts"
    __table_args__ = (
        UniqueConstraint("published_year", "published_month", "slug", name="uq_posts_month_slug"),
        Index("ix_posts_status_published_at", "status", "published_at"),
        Index("ix_posts_series_number", "series_id", "series_number"),
        #: Covers the archive's count of visible posts per month, read without the table.
        Index("ix_posts_archive", "published_year", "published_month", "status", "published_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    slug: Mapped[str] = mapped_column(String(120))
    #: Loaded only when asked for: the reading pages never need it.
    body_source: Mapped[str] = mapped_column(Text, default="", deferred=True)
    #: Rendered and sanitised once, on save; safe to show as it is.
    body_html: Mapped[str] = mapped_column(Text, default="")
    #: The part above the "read more" break, sanitised; None when the post has no break.
    summary_html: Mapped[str | None] = mapped_column(Text)
    excerpt: Mapped[str] = mapped_column(Text, default="")
    #: The body as plain text, for full-text search (in SQL; never loaded for pages).
    search_text: Mapped[str] = mapped_column(Text, default="", deferred=True)
    status: Mapped[PostStatus] = mapped_column(text_enum(PostStatus), default=PostStatus.DRAFT)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    #: Year and month of ``published_at`` in the blog's zone: the post's URL and archive.
    published_year: Mapped[int | None]
    published_month: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    series_id: Mapped[int | None] = mapped_column(ForeignKey("series.id", ondelete="SET NULL"))
    series_number: Mapped[int | None]
    comments_open: Mapped[bool] = mapped_column(default=True)
    kind: Mapped[PostKind] = mapped_column(
        text_enum(PostKind, 10), default=PostKind.POST, server_default=PostKind.POST.value
    )
    #: A page's place in the navigation's list of pages (lowest first).
    nav_order: Mapped[int] = mapped_column(default=0, server_default="0")
    #: The path this post had on Blogger, answered with a permanent redirect.
    legacy_path: Mapped[str | None] = mapped_column(String(400), unique=True)
    #: The entry id the post had in a Blogger export, so importing it again adds nothing.
    legacy_id: Mapped[str | None] = mapped_column(String(200), unique=True, index=True)
    #: Set when the post came from a Blogger export: history, never sent in a digest.
    imported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Shown comments, replies included; kept in step by the comment operations.
    comment_count: Mapped[int] = mapped_column(default=0)

    author: Mapped[User | None] = relationship(lazy="joined", innerjoin=False)
    series: Mapped[Series | None] = relationship(lazy="joined", innerjoin=False)
    labels: Mapped[list[Label]] = relationship(
        secondary=post_labels, order_by=Label.name, lazy="selectin"
    )

    def __repr__(self) -> str:
        return f"<Post {self.id} {self.slug!r}>"

    def is_visible_at(self, moment: datetime) -> bool:
        """Whether readers can see the post at ``moment``."""
        return (
            self.status != PostStatus.DRAFT
            and self.published_at is not None
            and self.published_at <= moment
        )

    @property
    def is_public(self) -> bool:
        return self.is_visible_at(utcnow())

    @property
    def shown_status(self) -> str:
        """Draft, scheduled (a time still to come) or published, as editors see it."""
        if self.status == PostStatus.DRAFT:
            return "draft"
        return "published" if self.is_public else "scheduled"

    @property
    def author_name(self) -> str:
        return self.author.display_name if self.author else "Editor"

    @property
    def has_more(self) -> bool:
        return self.summary_html is not None

    @property
    def url_values(self) -> dict[str, object]:
        return {"year": self.published_year, "month": self.published_month, "slug": self.slug}

    @property
    def is_page(self) -> bool:
        return self.kind == PostKind.PAGE

    @property
    def address(self) -> tuple[str, dict[str, object]]:
        """The endpoint and values of its own page: /p/<slug> for a page, under its month
        for a post."""
        if self.is_page:
            return "blog.page", {"slug": self.slug}
        return "blog.post", self.url_values

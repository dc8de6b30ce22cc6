"""Trade-union bulletins republished on the blog, and the feeds they are fetched from."""

from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..dates import utcnow
from ..extensions import db
from .types import UTCDateTime


class BulletinFeed(db.Model):
    """A union's RSS or Atom feed, polled with conditional GET."""

    __tablename__ = "bulletin_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The source its items are shown under, e.g. "Napo".
    name: Mapped[str] = mapped_column(String(100))
    url: Mapped[str] = mapped_column(String(1000), unique=True)
    etag: Mapped[str | None] = mapped_column(String(300))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    last_fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<BulletinFeed {self.name} {self.url}>"


class Bulletin(db.Model):
    """One bulletin item: typed by an editor, or stored once from a feed (by guid)."""

    __tablename__ = "bulletins"
    __table_args__ = (UniqueConstraint("source", "guid", name="uq_bulletins_source_guid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(300))
    slug: Mapped[str] = mapped_column(String(120))
    #: Sanitised with the post allowlist when stored.
    body_html: Mapped[str] = mapped_column(Text, default="")
    excerpt: Mapped[str] = mapped_column(Text, default="")
    search_text: Mapped[str] = mapped_column(Text, default="")
    original_url: Mapped[str | None] = mapped_column(String(1000))
    #: The feed's id for the item (or its link); None for items typed by an editor.
    guid: Mapped[str | None] = mapped_column(String(1000))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    feed_id: Mapped[int | None] = mapped_column(
        ForeignKey("bulletin_feeds.id", ondelete="SET NULL"), index=True
    )

    feed: Mapped[BulletinFeed | None] = relationship()

    def __repr__(self) -> str:
        return f"<Bulletin {self.id} {self.source}: {self.title!r}>"

    @property
    def url_values(self) -> dict[str, object]:
        """What ``url_for('bulletins.bulletin', ...)`` needs."""
        return {"bulletin_id": self.id, "slug": self.slug}

    @property
    def original_link(self) -> str | None:
        """The original's address, only when it is a web address a reader can follow."""
        url = self.original_url or ""
        return url if urlsplit(url).scheme in {"http", "https"} else None


class RemovedFeedItem(db.Model):
    """A feed item an editor removed: remembered so the next poll does not bring it back."""

    __tablename__ = "removed_feed_items"
    __table_args__ = (UniqueConstraint("source", "guid", name="uq_removed_feed_items_source_guid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(100))
    guid: Mapped[str] = mapped_column(String(1000))
    removed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<RemovedFeedItem {self.source} {self.guid!r}>"

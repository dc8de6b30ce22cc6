"""Writing bulletins and feeds: every change an editor makes goes through these functions."""

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import select

from .. import changes
from ..dates import utcnow
from ..extensions import db
from ..models import Bulletin, BulletinFeed, RemovedFeedItem
from ..text import RenderedBody, render_comment_text, render_post_html, slugify

WEB_SCHEMES = {"http", "https"}
#: A whole HTML tag (or comment): without one, a body is plain text.
HTML_TAG = re.compile(r"<(?:/?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?|!--.*?--)>", re.DOTALL)
TITLE_LENGTH = 300
SOURCE_LENGTH = 100
#: Where a bulletin shows.
BULLETIN_TOPICS = (changes.BULLETINS, changes.SIDEBAR, changes.FEEDS, changes.SEARCH)


def bulletin_topics(_bulletin: Bulletin, _change: changes.RowChange) -> tuple[str, ...]:
    return BULLETIN_TOPICS


changes.declare_rows(Bulletin, bulletin_topics)
changes.declare_unseen(BulletinFeed, RemovedFeedItem)


class FeedExists(ValueError):
    """Another feed already has this address."""


@dataclass
class BulletinFields:
    """What an editor types about a bulletin."""

    source: str
    title: str
    body: str
    link: str | None = None
    published_at: datetime | None = None


def is_web_address(url: str) -> bool:
    """An http or https URL with a host: the only addresses fetched or linked to."""
    parts = urlsplit(url.strip())
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.hostname)


def render_bulletin_body(body: str) -> RenderedBody:
    """HTML as a union wrote it, sanitised like a post; plain text becomes paragraphs."""
    if not HTML_TAG.search(body):
        body = render_comment_text(body)
    return render_post_html(body)


def one_line(text: str, limit: int) -> str:
    return " ".join(text.split())[:limit]


def set_bulletin_text(bulletin: Bulletin, title: str, body: RenderedBody) -> None:
    """Store a title and an already sanitised body, with its excerpt and search text."""
    bulletin.title = one_line(title, TITLE_LENGTH)
    bulletin.slug = slugify(bulletin.title)
    bulletin.body_html = body.html
    bulletin.excerpt = body.excerpt
    bulletin.search_text = body.text


def apply_bulletin_fields(bulletin: Bulletin, fields: BulletinFields) -> None:
    bulletin.source = one_line(fields.source, SOURCE_LENGTH)
    set_bulletin_text(bulletin, fields.title, render_bulletin_body(fields.body))
    link = (fields.link or "").strip()
    bulletin.original_url = link if link and is_web_address(link) else None
    if fields.published_at is not None:
        bulletin.published_at = fields.published_at


def create_bulletin(fields: BulletinFields) -> Bulletin:
    """Save a bulletin an editor typed; it appears at its time (now when none was given)."""
    bulletin = Bulletin(published_at=fields.published_at or utcnow())
    apply_bulletin_fields(bulletin, fields)
    db.session.add(bulletin)
    db.session.commit()
    return bulletin


def update_bulletin(bulletin: Bulletin, fields: BulletinFields) -> Bulletin:
    """Save an editor's changes; with no time given the bulletin keeps its own."""
    apply_bulletin_fields(bulletin, fields)
    db.session.commit()
    return bulletin


def remember_removal(bulletin: Bulletin) -> None:
    """Note a feed item's guid under the name its feed polls with, so it is not stored again."""
    source = bulletin.feed.name if bulletin.feed else bulletin.source
    already = db.session.scalar(
        select(RemovedFeedItem.id).where(
            RemovedFeedItem.source == source, RemovedFeedItem.guid == bulletin.guid
        )
    )
    if already is None:
        db.session.add(RemovedFeedItem(source=source, guid=bulletin.guid))


def remove_bulletin(bulletin: Bulletin) -> None:
    """Delete a bulletin; one that came from a feed is remembered so polling does not restore it."""
    if bulletin.guid is not None:
        remember_removal(bulletin)
    db.session.delete(bulletin)
    db.session.commit()


def feed_with_url(url: str) -> BulletinFeed | None:
    return db.session.scalar(select(BulletinFeed).where(BulletinFeed.url == url))


def add_feed(name: str, url: str) -> BulletinFeed:
    """Register a union's feed; it is polled from the next run on."""
    url = url.strip()
    if feed_with_url(url) is not None:
        raise FeedExists(url)
    feed = BulletinFeed(name=one_line(name, SOURCE_LENGTH), url=url, active=True)
    db.session.add(feed)
    db.session.commit()
    return feed


def set_feed_active(feed: BulletinFeed, active: bool) -> None:
    """Pause a feed (polling skips it) or resume it."""
    feed.active = active
    db.session.commit()


def remove_feed(feed: BulletinFeed) -> None:
    """Stop polling a feed; the bulletins it brought stay on the blog."""
    db.session.delete(feed)
    db.session.commit()

"""Polling the unions' feeds: fetch each with conditional GET, store each new item once.

``poll_all_feeds()`` is what ``flask bulletins fetch`` and the scheduler call. Items already
stored are left as they are, even when the feed has since changed them: an editor may have
corrected one, and a reader's page should not change under them.
"""

import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from hashlib import sha256

import feedparser
from flask import current_app
from sqlalchemy import or_, select, union

from ..database import insert_unless_there
from ..dates import utcnow
from ..extensions import db
from ..models import Bulletin, BulletinFeed, RemovedFeedItem
from ..remote_images import copy_images_of_new_bulletins
from ..text import html_to_text, render_comment_text, render_post_html, slugify
from .fetching import ConditionalRequest, FeedDocument, FeedError, FetchLimits, fetch_feed
from .operations import BULLETIN_TOPICS, TITLE_LENGTH, is_web_address, one_line

GUID_LENGTH = 1000
URL_LENGTH = 1000
ERROR_LENGTH = 1000
LOOKUP_BATCH = 500
UNTITLED = "Untitled bulletin"


@dataclass
class PollResult:
    """What one feed's poll did, as ``flask bulletins fetch`` and editors are told."""

    feed_name: str
    new_items: int = 0
    not_modified: bool = False
    error: str | None = None

    def summary(self) -> str:
        if self.error:
            return f"{self.feed_name}: error: {self.error}"
        if self.not_modified:
            return f"{self.feed_name}: not modified"
        noun = "item" if self.new_items == 1 else "items"
        return f"{self.feed_name}: {self.new_items or 'no'} new {noun}"


def fetch_limits() -> FetchLimits:
    config = current_app.config
    agent = f"{config['BLOG_TITLE']} bulletin fetcher (+{config['SITE_URL']})"
    return FetchLimits(
        user_agent=agent,
        timeout=float(config["BULLETIN_FETCH_TIMEOUT"]),
        max_bytes=int(config["BULLETIN_FEED_MAX_BYTES"]),
        allow_private=bool(config["BULLETIN_FEEDS_ALLOW_PRIVATE"]),
    )


def poll_all_feeds() -> list[PollResult]:
    """Poll every active feed, committing after each; one that fails does not stop the others."""
    feed_ids = list(
        db.session.scalars(
            select(BulletinFeed.id).where(BulletinFeed.active).order_by(BulletinFeed.id)
        )
    )
    results = []
    for feed_id in feed_ids:
        feed = db.session.get(BulletinFeed, feed_id)
        if feed is not None and feed.active:
            results.append(poll_feed(feed))
    return results


def poll_feed(feed: BulletinFeed) -> PollResult:
    """Fetch one feed and store its new items; a failure is recorded on the feed, not raised.

    The new items' images are then copied here (a feed's own images would tell their
    server who reads each bulletin), after the commit: no lock is held while they download.
    """
    request = ConditionalRequest(feed.url, feed.etag, feed.last_modified)
    db.session.commit()  # hold no transaction open while waiting on the network
    try:
        result = store_response(feed, fetch_feed(request, fetch_limits()))
        db.session.commit()
    except FeedError as error:
        db.session.rollback()
        result = record_failure(feed, str(error))
    except Exception as error:
        db.session.rollback()
        current_app.logger.exception("polling the feed %s failed", request.url)
        result = record_failure(feed, f"Unexpected error while reading the feed: {error!r}")
    if result.new_items:
        copy_images_of_new_bulletins(feed.id)
    return result


def record_failure(feed: BulletinFeed, message: str) -> PollResult:
    now = utcnow()
    feed.last_fetched_at = feed.last_error_at = now
    feed.last_error = message[:ERROR_LENGTH]
    db.session.commit()
    return PollResult(feed.name, error=feed.last_error)


def store_response(feed: BulletinFeed, document: FeedDocument | None) -> PollResult:
    """Record a fetch: nothing to store after a 304, else the items not seen before."""
    now = utcnow()
    feed.last_fetched_at = feed.last_success_at = now
    if document is None:
        return PollResult(feed.name, not_modified=True)
    entries = parse_feed(document).entries
    stored = store_new_items(feed, entries, now)
    feed.etag = fits(document.etag, 300)
    feed.last_modified = fits(document.last_modified, 100)
    return PollResult(feed.name, new_items=stored)


def fits(value: str | None, length: int) -> str | None:
    """A validator worth keeping: one too long for its column is dropped, not cut."""
    return value if value and len(value) <= length else None


def parse_feed(document: FeedDocument) -> feedparser.FeedParserDict:
    """Parse fetched bytes (never a path or URL: feedparser would open those itself)."""
    headers = {"content-location": document.url}
    if document.content_type:
        headers["content-type"] = document.content_type
    parsed = feedparser.parse(io.BytesIO(document.body), response_headers=headers)
    if parsed.entries:
        return parsed
    if parsed.bozo:
        reason = parsed.get("bozo_exception") or "not well-formed"
        raise FeedError(f"This is not a readable RSS or Atom feed ({reason}).")
    if not parsed.get("version"):
        raise FeedError("This address does not serve an RSS or Atom feed.")
    return parsed


def entry_guid(entry: feedparser.FeedParserDict) -> str | None:
    """The item's id, else its link; a very long one is replaced by its digest."""
    guid = str(entry.get("id") or entry.get("link") or "").strip()
    if len(guid) > GUID_LENGTH:
        guid = "sha256:" + sha256(guid.encode()).hexdigest()
    return guid or None


def entry_title(entry: feedparser.FeedParserDict) -> str:
    """The title as text: tags are dropped whatever type the feed claims (feeds mislabel)."""
    return one_line(html_to_text(str(entry.get("title") or "")), TITLE_LENGTH) or UNTITLED


def entry_body(entry: feedparser.FeedParserDict) -> str:
    """The item's full content when the feed has it, else its summary, as HTML."""
    candidates = [*entry.get("content", []), entry.get("summary_detail") or {}]
    for candidate in candidates:
        value = str(candidate.get("value") or "")
        if value.strip():
            return value if candidate.get("type") != "text/plain" else render_comment_text(value)
    return ""


def entry_link(entry: feedparser.FeedParserDict) -> str | None:
    link = str(entry.get("link") or "").strip()
    return link if link and len(link) <= URL_LENGTH and is_web_address(link) else None


def updated_struct(entry: feedparser.FeedParserDict) -> tuple | None:
    """The updated time, asked with ``in``: feedparser's get() would alias it, with a warning."""
    return entry["updated_parsed"] if "updated_parsed" in entry else None  # noqa: SIM401


def entry_published_at(entry: feedparser.FeedParserDict, now: datetime) -> datetime:
    """The item's own time in UTC (feedparser gives UTC), never later than now; now if none."""
    parsed = entry.get("published_parsed") or updated_struct(entry)
    if not parsed:
        return now
    try:
        moment = datetime(*parsed[:6], tzinfo=UTC)
    except (TypeError, ValueError):
        return now
    return min(moment, now)


def bulletin_values(
    feed: BulletinFeed, guid: str, entry: feedparser.FeedParserDict, now: datetime
) -> dict:
    """The row a feed item becomes: its body sanitised like a post's."""
    title = entry_title(entry)
    body = render_post_html(entry_body(entry))
    return {
        "source": feed.name,
        "title": title,
        "slug": slugify(title),
        "body_html": body.html,
        "excerpt": body.excerpt,
        "search_text": body.text,
        "original_url": entry_link(entry),
        "guid": guid,
        "published_at": entry_published_at(entry, now),
        "created_at": now,
        "updated_at": now,
        "feed_id": feed.id,
    }


def known_guids(feed: BulletinFeed, guids: list[str]) -> set[str]:
    """Which of ``guids`` the feed brought before: stored (even if an editor changed the
    source since) or removed by an editor."""
    known: set[str] = set()
    for start in range(0, len(guids), LOOKUP_BATCH):
        batch = guids[start : start + LOOKUP_BATCH]
        stored = select(Bulletin.guid).where(
            or_(Bulletin.source == feed.name, Bulletin.feed_id == feed.id),
            Bulletin.guid.in_(batch),
        )
        removed = select(RemovedFeedItem.guid).where(
            RemovedFeedItem.source == feed.name, RemovedFeedItem.guid.in_(batch)
        )
        known.update(db.session.scalars(union(stored, removed)))
    return known


def insert_unless_stored(values: dict) -> bool:
    """Insert a bulletin; False when a poll running at the same time stored it first."""
    statement = (
        insert_unless_there(Bulletin, ["source", "guid"], db.engine.dialect.name)
        .values(**values)
        .returning(Bulletin.id)
        .execution_options(changes=BULLETIN_TOPICS)
    )
    return db.session.execute(statement).scalar_one_or_none() is not None


def store_new_items(
    feed: BulletinFeed, entries: Iterable[feedparser.FeedParserDict], now: datetime
) -> int:
    """Store the entries not seen before, oldest first so the newest gets the highest id."""
    by_guid: dict[str, feedparser.FeedParserDict] = {}
    for entry in entries:
        guid = entry_guid(entry)
        if guid is not None:
            by_guid.setdefault(guid, entry)
    known = known_guids(feed, list(by_guid))
    new = [(guid, entry) for guid, entry in by_guid.items() if guid not in known]
    return sum(
        insert_unless_stored(bulletin_values(feed, guid, entry, now))
        for guid, entry in reversed(new)
    )

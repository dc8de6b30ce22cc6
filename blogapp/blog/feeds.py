"""Atom feeds of posts, site-wide and per label."""

from dataclasses import dataclass, field
from datetime import datetime

from feedgen.feed import FeedGenerator
from flask import Response, abort, current_app
from sqlalchemy import Select, select

from ..caching import kept_each_for_generation
from ..dates import utcnow
from ..extensions import db
from ..models import Post
from ..urls import absolutise_links, external_url
from . import bp
from .queries import label_by_slug, posts_with_label, visible_posts

ATOM_MIMETYPE = "application/atom+xml"


@dataclass
class FeedEntry:
    url: str
    title: str
    published: datetime
    updated: datetime
    author: str
    html: str
    summary: str = ""
    categories: list[str] = field(default_factory=list)


def atom_response(title: str, self_url: str, page_url: str, entries: list[FeedEntry]) -> Response:
    """An Atom document of ``entries``, newest first."""
    feed = FeedGenerator()
    feed.id(self_url)
    feed.title(title)
    feed.author(name=current_app.config["BLOG_TITLE"])
    feed.link(href=page_url, rel="alternate", type="text/html")
    feed.link(href=self_url, rel="self", type=ATOM_MIMETYPE)
    feed.language("en-GB")
    feed.updated(max((entry.updated for entry in entries), default=utcnow()))
    for entry in entries:
        item = feed.add_entry(order="append")
        item.id(entry.url)
        item.title(entry.title)
        item.link(href=entry.url, rel="alternate", type="text/html")
        item.published(entry.published)
        item.updated(entry.updated)
        item.author(name=entry.author)
        item.content(absolutise_links(entry.html), type="html")
        if entry.summary:
            item.summary(entry.summary)
        for category in entry.categories:
            item.category(term=category)
    return Response(feed.atom_str(pretty=False), mimetype=ATOM_MIMETYPE)


def post_entry(post: Post) -> FeedEntry:
    return FeedEntry(
        url=external_url("blog.post", **post.url_values),
        title=post.title,
        published=post.published_at,
        updated=max(post.updated_at, post.published_at),
        author=post.author_name,
        html=post.body_html,
        summary=post.excerpt,
        categories=[label.name for label in post.labels],
    )


def entries_by_id(ids: list[int]) -> dict[int, FeedEntry]:
    posts = db.session.scalars(select(Post).where(Post.id.in_(ids)))
    return {post.id: post_entry(post) for post in posts}


def newest_entries(statement: Select[tuple[Post]]) -> list[FeedEntry]:
    """The feed's entries, newest first; each worker makes each entry once per change of
    content (the feed is fetched by every reader's feed reader, often)."""
    limit = current_app.config["FEED_ENTRIES"]
    ids = list(db.session.scalars(statement.with_only_columns(Post.id).limit(limit)))
    entries = kept_each_for_generation("feed-entry", ids, entries_by_id)
    return [entries[post_id] for post_id in ids if post_id in entries]


@bp.get("/feeds/posts.atom")
def posts_feed() -> Response:
    return atom_response(
        current_app.config["BLOG_TITLE"],
        external_url("blog.posts_feed"),
        external_url("blog.home"),
        newest_entries(visible_posts()),
    )


@bp.get("/label/<slug>/feed.atom")
def label_feed(slug: str) -> Response:
    label = label_by_slug(slug) or abort(404)
    return atom_response(
        f"{current_app.config['BLOG_TITLE']}: {label.name}",
        external_url("blog.label_feed", slug=label.slug),
        external_url("blog.label", slug=label.slug),
        newest_entries(posts_with_label(label)),
    )

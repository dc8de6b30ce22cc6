"""Atom feeds of posts, site-wide and per label."""

from dataclasses import dataclass, field
from datetime import datetime

from feedgen.feed import FeedGenerator
from flask import Response, abort, current_app

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


def newest_posts(statement) -> list[Post]:
    return list(db.session.scalars(statement.limit(current_app.config["FEED_ENTRIES"])))


@bp.get("/feeds/posts.atom")
def posts_feed() -> Response:
    return atom_response(
        current_app.config["BLOG_TITLE"],
        external_url("blog.posts_feed"),
        external_url("blog.home"),
        [post_entry(post) for post in newest_posts(visible_posts())],
    )


@bp.get("/label/<slug>/feed.atom")
def label_feed(slug: str) -> Response:
    label = label_by_slug(slug) or abort(404)
    return atom_response(
        f"{current_app.config['BLOG_TITLE']}: {label.name}",
        external_url("blog.label_feed", slug=label.slug),
        external_url("blog.label", slug=label.slug),
        [post_entry(post) for post in newest_posts(posts_with_label(label))],
    )

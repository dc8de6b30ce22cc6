"""Atom feeds of posts, site-wide and per label."""

from dataclasses import dataclass, field
from datetime import datetime

from flask import Response, abort, current_app, get_template_attribute, render_template
from markupsafe import Markup
from sqlalchemy import Select, select

from ..caching import cached_page, kept_each_for_generation
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


@dataclass(frozen=True)
class RenderedEntry:
    """A feed entry as Atom XML, with the time the feed's own ``updated`` is taken from."""

    updated: datetime
    xml: Markup


def rendered(entry: FeedEntry) -> RenderedEntry:
    atom_entry = get_template_attribute("feeds/_entry.xml", "atom_entry")
    return RenderedEntry(entry.updated, atom_entry(entry, absolutise_links(entry.html)))


def atom_document(
    title: str, self_url: str, page_url: str, entries: list[RenderedEntry]
) -> Response:
    """An Atom document of ``entries``, in the order given (newest first)."""
    document = render_template(
        "feeds/atom.xml",
        title=title,
        self_url=self_url,
        page_url=page_url,
        updated=max((entry.updated for entry in entries), default=utcnow()),
        entries=entries,
    )
    return Response(document, mimetype=ATOM_MIMETYPE)


def atom_response(title: str, self_url: str, page_url: str, entries: list[FeedEntry]) -> Response:
    """An Atom document of ``entries``, newest first."""
    return atom_document(title, self_url, page_url, [rendered(entry) for entry in entries])


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


def entries_by_id(ids: list[int]) -> dict[int, RenderedEntry]:
    posts = db.session.scalars(select(Post).where(Post.id.in_(ids)))
    return {post.id: rendered(post_entry(post)) for post in posts}


def newest_entries(statement: Select[tuple[Post]]) -> list[RenderedEntry]:
    """The feed's entries, newest first; each worker makes each entry once per change of
    content (the feed is fetched by every reader's feed reader, often)."""
    limit = current_app.config["FEED_ENTRIES"]
    ids = list(db.session.scalars(statement.with_only_columns(Post.id).limit(limit)))
    entries = kept_each_for_generation("feed-entry", ids, entries_by_id)
    return [entries[post_id] for post_id in ids if post_id in entries]


@bp.get("/feeds/posts.atom")
@cached_page()
def posts_feed() -> Response:
    return atom_document(
        current_app.config["BLOG_TITLE"],
        external_url("blog.posts_feed"),
        external_url("blog.home"),
        newest_entries(visible_posts()),
    )


@bp.get("/label/<slug>/feed.atom")
@cached_page()
def label_feed(slug: str) -> Response:
    label = label_by_slug(slug) or abort(404)
    return atom_document(
        f"{current_app.config['BLOG_TITLE']}: {label.name}",
        external_url("blog.label_feed", slug=label.slug),
        external_url("blog.label", slug=label.slug),
        newest_entries(posts_with_label(label)),
    )

"""The bulletin pages and their Atom feed."""

from flask import Response, abort, current_app, redirect, render_template, url_for

from ..blog.feeds import FeedEntry, atom_response
from ..blog.queries import group_by_day, page_of
from ..blog.views import requested_page
from ..caching import cached_page
from ..extensions import db
from ..models import Bulletin
from ..urls import external_url
from . import bp
from .queries import find_visible_bulletin, older_and_newer_bulletins, visible_bulletins


@bp.get("/bulletins/")
@cached_page("page")
def index() -> str:
    pagination = page_of(visible_bulletins(), requested_page())
    return render_template(
        "bulletins/index.html", pagination=pagination, days=group_by_day(pagination.items)
    )


@bp.get("/bulletins/<int:bulletin_id>-<slug>")
@cached_page()
def bulletin(bulletin_id: int, slug: str) -> str | Response:
    found = find_visible_bulletin(bulletin_id) or abort(404)
    if slug != found.slug:
        return redirect(url_for("bulletins.bulletin", **found.url_values), 301)
    older, newer = older_and_newer_bulletins(found)
    return render_template("bulletins/bulletin.html", bulletin=found, older=older, newer=newer)


@bp.get("/bulletins/<int:bulletin_id>")
def bulletin_without_slug(bulletin_id: int) -> Response:
    found = find_visible_bulletin(bulletin_id) or abort(404)
    return redirect(url_for("bulletins.bulletin", **found.url_values), 301)


def bulletin_entry(bulletin: Bulletin) -> FeedEntry:
    return FeedEntry(
        url=external_url("bulletins.bulletin", **bulletin.url_values),
        title=bulletin.title,
        published=bulletin.published_at,
        updated=max(bulletin.updated_at, bulletin.published_at),
        author=bulletin.source,
        html=bulletin.body_html,
        summary=bulletin.excerpt,
        categories=[bulletin.source],
    )


@bp.get("/feeds/bulletins.atom")
@cached_page()
def feed() -> Response:
    newest = db.session.scalars(visible_bulletins().limit(current_app.config["FEED_ENTRIES"]))
    return atom_response(
        f"{current_app.config['BLOG_TITLE']}: union bulletins",
        external_url("bulletins.feed"),
        external_url("bulletins.index"),
        [bulletin_entry(bulletin) for bulletin in newest],
    )

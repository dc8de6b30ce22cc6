"""The reading pages."""

from dataclasses import replace

from flask import Response, abort, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import Select
from werkzeug.wrappers import Response as WerkzeugResponse

from ..caching import cached_for_generation, cached_page, post_scope, shows
from ..comments.display import thread_html
from ..comments.pages import comment_address
from ..comments.permissions import is_member
from ..dates import month_name
from ..following.operations import follow_state
from ..importers.redirects import comment_shown_by
from ..models import Post
from ..templating import render_around
from ..typed_text import whole_number
from ..urls import MONTH, YEAR
from . import bp
from .queries import (
    Page,
    around_post,
    find_visible_page,
    find_visible_post,
    group_by_day,
    label_by_slug,
    page_of,
    posts_in_month,
    posts_in_series,
    posts_in_year,
    posts_with_label,
    series_by_slug,
    visible_posts,
)
from .summaries import ListedPost, listed, with_summaries

#: No listing has this many pages; a larger number would overflow the database's offset.
LAST_POSSIBLE_PAGE = 10**9


def requested_page() -> int:
    """The ``?page=`` number; anything but a positive whole number is a 404."""
    page = whole_number(request.args.get("page", "1"), LAST_POSSIBLE_PAGE)
    if not page:
        abort(404)
    return page


def listing_page(statement: Select[tuple[Post]]) -> Page[ListedPost]:
    """The requested page of a listing of posts, each with its summary."""
    pagination = page_of(listed(statement), requested_page())
    return replace(pagination, items=with_summaries(pagination.items))


def render_listing(template: str, pagination: Page[ListedPost], **context: object) -> str:
    """A page of posts grouped under their day headings."""
    return render_template(
        template,
        pagination=pagination,
        days=group_by_day(pagination.items),
        **context,
    )


@bp.get("/")
@cached_page("page")
def home() -> str:
    return render_listing("blog/home.html", listing_page(visible_posts()))


@bp.get(f"/{YEAR}/")
@cached_page("page")
def archive_year(year: int) -> str:
    pagination = listing_page(posts_in_year(year))
    if not pagination.items:
        abort(404)
    return render_listing("blog/archive.html", pagination, heading=str(year), year=year)


@bp.get(f"/{YEAR}/{MONTH}/")
@cached_page("page")
def archive_month(year: int, month: int) -> str:
    pagination = listing_page(posts_in_month(year, month))
    if not pagination.items:
        abort(404)
    heading = f"{month_name(month)} {year}"
    return render_listing("blog/archive.html", pagination, heading=heading, year=year, month=month)


@bp.get("/label/<slug>")
@cached_page("page")
def label(slug: str) -> str:
    found = label_by_slug(slug) or abort(404)
    pagination = listing_page(posts_with_label(found))
    return render_listing("blog/label.html", pagination, label=found)


@bp.get("/series/<slug>")
@cached_page("page")
def series(slug: str) -> str:
    found = series_by_slug(slug) or abort(404)
    pagination = listing_page(posts_in_series(found))
    return render_listing("blog/series.html", pagination, series=found)


def render_with_thread(
    template: str, found: Post, **context: object
) -> Response | WerkzeugResponse:
    """A post or page with the page of its comment thread asked for (``?page=``), or sent
    to the page that holds the comment a Blogger ``?showComment=`` link names."""
    viewer = current_user._get_current_object()
    shows(post_scope(found.id))
    if "showComment" in request.args:
        shown = comment_shown_by(found, request.args["showComment"])
        return redirect(comment_address(found, shown.id if shown else None, viewer))
    html, page = thread_html(found, viewer, requested_page()) or abort(404)
    return render_around(
        template,
        "thread_html",
        html,
        post=found,
        comment_page=page,
        follow=follow_state(viewer, found) if is_member(viewer) else None,
        **context,
    )


@bp.get(f"/{YEAR}/{MONTH}/<slug>")
@cached_page("page", "showComment")
def post(year: int, month: int, slug: str) -> Response | WerkzeugResponse:
    found = find_visible_post(year, month, slug) or abort(404)
    if found.is_page:
        return redirect(url_for("blog.page", slug=found.slug, **request.args), 301)
    return render_with_thread(
        "blog/post.html",
        found,
        around=cached_for_generation(f"around:{found.id}", lambda: around_post(found)),
    )


@bp.get("/p/<slug>")
@cached_page("page", "showComment")
def page(slug: str) -> Response | WerkzeugResponse:
    found = find_visible_page(slug) or abort(404)
    return render_with_thread("blog/page.html", found)

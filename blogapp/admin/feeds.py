"""Editors' pages for the unions' feeds: add, pause, resume, remove, fetch now."""

from flask import flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from ..bulletins.forms import ConfirmForm, FeedForm
from ..bulletins.ingest import poll_feed
from ..bulletins.operations import FeedExists, add_feed, remove_feed, set_feed_active
from ..bulletins.queries import all_feeds
from ..extensions import db
from ..models import BulletinFeed
from . import bp


def feed_or_404(feed_id: int) -> BulletinFeed:
    return db.get_or_404(BulletinFeed, feed_id)


def render_feeds(form: FeedForm, status: int = 200) -> tuple[str, int]:
    page = render_template("admin/feeds.html", form=form, feeds=all_feeds())
    return page, status


def back_to_feeds() -> Response:
    return redirect(url_for("admin.feeds"))


@bp.get("/feeds")
def feeds() -> tuple[str, int]:
    return render_feeds(FeedForm())


@bp.post("/feeds")
def add_feed_page() -> tuple[str, int] | Response:
    form = FeedForm()
    if not form.validate_on_submit():
        return render_feeds(form, 422)
    try:
        feed = add_feed(form.name.data, form.url.data)
    except FeedExists:
        form.url.errors.append("A feed with this address is already registered.")
        return render_feeds(form, 422)
    flash(f"Added the feed “{feed.name}”. It is fetched every half hour, or now below.", "success")
    return back_to_feeds()


@bp.post("/feeds/<int:feed_id>/fetch")
def fetch_feed_now(feed_id: int) -> Response:
    feed = feed_or_404(feed_id)
    result = poll_feed(feed)
    flash(result.summary(), "error" if result.error else "success")
    return back_to_feeds()


@bp.post("/feeds/<int:feed_id>/pause")
def pause_feed(feed_id: int) -> Response:
    feed = feed_or_404(feed_id)
    set_feed_active(feed, False)
    flash(f"Paused “{feed.name}”: it is not fetched until you resume it.", "info")
    return back_to_feeds()


@bp.post("/feeds/<int:feed_id>/resume")
def resume_feed(feed_id: int) -> Response:
    feed = feed_or_404(feed_id)
    set_feed_active(feed, True)
    flash(f"Resumed “{feed.name}”.", "success")
    return back_to_feeds()


@bp.route("/feeds/<int:feed_id>/remove", methods=["GET", "POST"])
def remove_feed_page(feed_id: int) -> str | Response:
    feed = feed_or_404(feed_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template("admin/remove_feed.html", feed=feed, form=form)
    name = feed.name
    remove_feed(feed)
    flash(f"Removed the feed “{name}”. Its bulletins stay on the blog.", "success")
    return back_to_feeds()

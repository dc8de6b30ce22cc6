"""Old Blogger addresses answered with a permanent redirect to where the content lives now."""

from datetime import UTC, datetime, timedelta

from flask import Blueprint, abort, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from ..blog.queries import is_visible
from ..comments.pages import comment_address
from ..extensions import db
from ..models import Comment, Label, Post
from ..text import slugify
from ..typed_text import whole_number
from ..urls import MONTH, YEAR

bp = Blueprint("legacy", __name__)

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
#: Milliseconds since 1970 up to the year 9999: longer numbers are not comment times.
MAX_MILLISECOND_DIGITS = 14


def post_at_old_path(path: str) -> Post | None:
    """The visible post that had this address on Blogger."""
    return db.session.scalar(select(Post).where(Post.legacy_path == path, is_visible()))


def comment_at_time(post: Post, shown: str | None) -> Comment | None:
    """The comment a Blogger ``?showComment=<milliseconds>`` link pointed at."""
    milliseconds = whole_number(shown or "", 10**MAX_MILLISECOND_DIGITS - 1)
    if milliseconds is None:
        return None
    moment = EPOCH + timedelta(milliseconds=milliseconds)
    return db.session.scalar(
        select(Comment)
        .where(
            Comment.post_id == post.id,
            Comment.created_at >= moment,
            Comment.created_at < moment + timedelta(milliseconds=1),
        )
        .order_by(Comment.id)
        .limit(1)
    )


def comment_with_blogger_id(post: Post, shown: str) -> Comment | None:
    """The imported comment whose Blogger entry id ends in ``shown`` (its ``#c`` number)."""
    if not shown.isascii() or not shown.isdigit():
        return None
    return db.session.scalar(
        select(Comment).where(
            Comment.post_id == post.id, Comment.legacy_id.endswith(f".post-{shown}")
        )
    )


def comment_shown_by(post: Post, shown: str | None) -> Comment | None:
    """The comment a ``?showComment=`` link names: Blogger wrote the comment's time in
    milliseconds there; a comment's Blogger id is taken too."""
    return comment_at_time(post, shown) or comment_with_blogger_id(post, shown or "")


@bp.get(f"/{YEAR}/{MONTH}/<name>.html")
def old_post(year: int, month: int, name: str) -> Response:
    post = post_at_old_path(f"/{year:04d}/{month:02d}/{name}.html") or abort(404)
    comment = comment_shown_by(post, request.args.get("showComment"))
    viewer = current_user._get_current_object()
    return redirect(comment_address(post, comment.id if comment else None, viewer), 301)


@bp.get("/p/<name>.html")
def old_page(name: str) -> Response:
    page = post_at_old_path(f"/p/{name}.html") or abort(404)
    comment = comment_at_time(page, request.args.get("showComment"))
    anchor = comment.anchor if comment else None
    return redirect(url_for("blog.page", slug=page.slug, _anchor=anchor), 301)


@bp.get("/search/label/<name>")
def old_label(name: str) -> Response:
    label = db.session.scalar(select(Label).where(Label.slug == slugify(name, 100))) or abort(404)
    return redirect(url_for("blog.label", slug=label.slug), 301)


# Blogger's feeds: readers' feed readers keep asking for them after the move ------------------
#: Blogger served each feed in full ("default") and as summaries; both now lead to our Atom
#: feed (any ``?alt=rss`` is dropped with the rest of the query: the feed is Atom).
FEED_KIND = "<any(default, summary):kind>"


def legacy_post_feed_owner(post_number: int) -> Post | None:
    """The visible imported post that was Blogger's post number ``post_number``."""
    return db.session.scalar(
        select(Post).where(Post.legacy_id.endswith(f".post-{post_number}"), is_visible())
    )


@bp.get(f"/feeds/posts/{FEED_KIND}")
def old_posts_feed(kind: str) -> Response:
    return redirect(url_for("blog.posts_feed"), 301)


@bp.get(f"/feeds/comments/{FEED_KIND}")
def old_comments_feed(kind: str) -> Response:
    return redirect(url_for("comments.comments_feed"), 301)


@bp.get(f"/feeds/posts/{FEED_KIND}/-/<name>")
def old_label_feed(kind: str, name: str) -> Response:
    label = db.session.scalar(select(Label).where(Label.slug == slugify(name, 100))) or abort(404)
    return redirect(url_for("blog.label_feed", slug=label.slug), 301)


@bp.get(f"/feeds/<int:post_number>/comments/{FEED_KIND}")
def old_post_comments_feed(post_number: int, kind: str) -> Response:
    post = legacy_post_feed_owner(post_number) or abort(404)
    return redirect(url_for("comments.post_comments_feed", **post.url_values), 301)

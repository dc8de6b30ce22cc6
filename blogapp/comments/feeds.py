"""Atom feeds of the newest shown comments, site-wide and for one post."""

from flask import Response, abort, current_app
from sqlalchemy import Select, select
from sqlalchemy.orm import contains_eager, selectinload

from ..blog.feeds import FeedEntry, atom_response
from ..blog.queries import find_visible_post, is_listed
from ..caching import ALL_COMMENTS, cached_page, post_scope, shows
from ..extensions import db
from ..models import Comment, CommentState, Post
from ..text import excerpt_of, html_to_text
from ..urls import MONTH, YEAR, external_url
from . import bp
from .authors import public_author
from .pages import public_comment_addresses


def shown_comments() -> Select[tuple[Comment]]:
    """Comments readers see on posts readers see, newest first, posts and authors loaded."""
    return (
        select(Comment)
        .join(Comment.post)
        .where(Comment.state == CommentState.VISIBLE, is_listed())
        .options(contains_eager(Comment.post), selectinload(Comment.user))
        .order_by(Comment.created_at.desc(), Comment.id.desc())
    )


def newest(statement: Select[tuple[Comment]]) -> list[Comment]:
    return list(db.session.scalars(statement.limit(current_app.config["FEED_ENTRIES"])))


def comment_entries(comments: list[Comment]) -> list[FeedEntry]:
    addresses = public_comment_addresses(comments)
    return [comment_entry(comment, addresses[comment.id]) for comment in comments]


def comment_entry(comment: Comment, address: str) -> FeedEntry:
    """A comment as a feed entry linking to the page of its thread that shows it: the public
    name only, never the account behind "Anonymous"."""
    post = comment.post
    author = public_author(comment)
    return FeedEntry(
        url=address,
        title=f"{author} on “{post.title}”",
        published=comment.created_at,
        updated=comment.created_at,
        author=author,
        # Isolated, so that right-to-left text cannot turn the reader's page around it.
        html=f'<div dir="auto">{comment.body_html}</div>',
        summary=excerpt_of(html_to_text(comment.body_html), 200),
    )


@bp.get("/feeds/comments.atom")
@cached_page()
def comments_feed() -> Response:
    shows(ALL_COMMENTS)
    return atom_response(
        f"{current_app.config['BLOG_TITLE']}: comments",
        external_url("comments.comments_feed"),
        external_url("blog.home"),
        comment_entries(newest(shown_comments())),
    )


@bp.get(f"/{YEAR}/{MONTH}/<slug>/comments.atom")
@cached_page()
def post_comments_feed(year: int, month: int, slug: str) -> Response:
    post = find_visible_post(year, month, slug) or abort(404)
    shows(post_scope(post.id))
    return atom_response(
        f"Comments on “{post.title}”",
        external_url("comments.post_comments_feed", **post.url_values),
        external_url("blog.post", **post.url_values),
        comment_entries(newest(shown_comments().where(Post.id == post.id))),
    )

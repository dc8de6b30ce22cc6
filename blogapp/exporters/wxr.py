"""The WordPress export (WXR 1.2), which WordPress's importer and the tools that read
WordPress exports take: posts with their labels as tags and series as categories, pages
as WordPress pages in the navigation's order (``wp:menu_order``), comments
with their thread (``wp:comment_parent``) and state. An anonymous comment is "Anonymous"
with no address and no user id.
"""

from collections.abc import Callable
from datetime import datetime
from email.utils import format_datetime
from itertools import groupby
from typing import IO

from flask import current_app
from sqlalchemy import select

from ..comments.authors import public_author
from ..dates import to_local, utcnow
from ..extensions import db
from ..models import Comment, CommentState, Label, Post, PostStatus, Series, User
from ..urls import external_url
from .source import MODERATED_STATES, all_posts, comments_in, post_address
from .xml_writing import XmlWriter

NAMESPACES = {
    "xmlns__excerpt": "http://wordpress.org/export/1.2/excerpt/",
    "xmlns__content": "http://purl.org/rss/1.0/modules/content/",
    "xmlns__wfw": "http://wellformedweb.org/CommentAPI/",
    "xmlns__dc": "http://purl.org/dc/elements/1.1/",
    "xmlns__wp": "http://wordpress.org/export/1.2/",
}
WP_DATE = "%Y-%m-%d %H:%M:%S"
#: WordPress's comment_approved: shown, held, or in the bin (removed).
APPROVAL = {
    CommentState.VISIBLE: "1",
    CommentState.PENDING: "0",
    CommentState.REMOVED_BY_AUTHOR: "trash",
    CommentState.REMOVED_BY_EDITOR: "trash",
}


def wp_dates(moment: datetime) -> tuple[str, str]:
    """A time as WordPress writes it twice: on the blog's clock, and in GMT."""
    return to_local(moment).strftime(WP_DATE), moment.strftime(WP_DATE)


def post_status(post: Post) -> str:
    if post.status == PostStatus.DRAFT:
        return "draft"
    return "publish" if post.is_public else "future"


def login_of(user: User | None) -> str:
    return f"editor{user.id}" if user is not None else "editor"


def export_wxr(out: IO[bytes], progress: Callable[[int], None] | None = None) -> None:
    """Write the whole blog to ``out`` as a WordPress export."""
    xml = XmlWriter(out)
    with xml.element("rss", version="2.0", **NAMESPACES), xml.element("channel"):
        write_channel(xml)
        comments = groupby(comments_in(MODERATED_STATES), key=lambda comment: comment.post_id)
        waiting = next(comments, None)
        for post in all_posts():
            own: list[Comment] = []
            while waiting is not None and waiting[0] <= post.id:
                if waiting[0] == post.id:
                    own = list(waiting[1])
                waiting = next(comments, None)
            write_item(xml, post, own)
            if progress is not None:
                progress(1 + len(own))
        xml.newline()
    xml.end()


def write_channel(xml: XmlWriter) -> None:
    config = current_app.config
    home = external_url("blog.home")
    xml.text_element("title", config["BLOG_TITLE"])
    xml.text_element("link", home)
    xml.text_element("description", config.get("BLOG_DESCRIPTION", ""))
    xml.text_element("pubDate", format_datetime(utcnow()))
    xml.text_element("language", "en-GB")
    xml.text_element("wp:wxr_version", "1.2")
    xml.text_element("wp:base_site_url", home)
    xml.text_element("wp:base_blog_url", home)
    write_authors(xml)
    for series in db.session.scalars(select(Series).order_by(Series.id)):
        xml.newline()
        with xml.element("wp:category"):
            xml.text_element("wp:term_id", str(series.id))
            xml.text_element("wp:category_nicename", series.slug)
            xml.text_element("wp:category_parent", "")
            xml.text_element("wp:cat_name", series.name)
    for label in db.session.scalars(select(Label).order_by(Label.id)):
        xml.newline()
        with xml.element("wp:tag"):
            xml.text_element("wp:term_id", str(label.id))
            xml.text_element("wp:tag_slug", label.slug)
            xml.text_element("wp:tag_name", label.name)


def write_authors(xml: XmlWriter) -> None:
    """The posts' authors, by display name only (no address leaves in this file)."""
    authors = select(User).where(User.id.in_(select(Post.author_id))).order_by(User.id)
    for user in db.session.scalars(authors):
        xml.newline()
        with xml.element("wp:author"):
            xml.text_element("wp:author_id", str(user.id))
            xml.text_element("wp:author_login", login_of(user))
            xml.text_element("wp:author_email", "")
            xml.text_element("wp:author_display_name", user.display_name)


def write_item(xml: XmlWriter, post: Post, comments: list[Comment]) -> None:
    published = post.published_at or post.created_at
    local, gmt = wp_dates(published)
    modified_local, modified_gmt = wp_dates(post.updated_at)
    address = post_address(post)
    xml.newline()
    with xml.element("item"):
        xml.text_element("title", post.title)
        xml.text_element("link", address)
        xml.text_element("pubDate", format_datetime(published))
        xml.text_element("dc:creator", login_of(post.author))
        xml.text_element("guid", address, isPermaLink="false")
        xml.text_element("description", "")
        xml.text_element("content:encoded", post.body_html)
        xml.text_element("excerpt:encoded", "")
        xml.text_element("wp:post_id", str(post.id))
        xml.text_element("wp:post_date", local)
        xml.text_element("wp:post_date_gmt", gmt)
        xml.text_element("wp:post_modified", modified_local)
        xml.text_element("wp:post_modified_gmt", modified_gmt)
        xml.text_element("wp:comment_status", "open" if post.comments_open else "closed")
        xml.text_element("wp:ping_status", "closed")
        xml.text_element("wp:post_name", post.slug)
        xml.text_element("wp:status", post_status(post))
        xml.text_element("wp:post_parent", "0")
        xml.text_element("wp:menu_order", str(post.nav_order if post.is_page else 0))
        xml.text_element("wp:post_type", "page" if post.is_page else "post")
        xml.text_element("wp:post_password", "")
        xml.text_element("wp:is_sticky", "0")
        if not post.is_page:
            write_terms(xml, post)
        for comment in comments:
            write_comment(xml, comment)


def write_terms(xml: XmlWriter, post: Post) -> None:
    """A post's series as its category and its labels as tags (pages have neither)."""
    if post.series is not None:
        xml.text_element("category", post.series.name, domain="category", nicename=post.series.slug)
    for label in post.labels:
        xml.text_element("category", label.name, domain="post_tag", nicename=label.slug)


def write_comment(xml: XmlWriter, comment: Comment) -> None:
    local, gmt = wp_dates(comment.created_at)
    answered = comment.reply_to_id or comment.parent_id or 0
    with xml.element("wp:comment"):
        xml.text_element("wp:comment_id", str(comment.id))
        xml.text_element("wp:comment_author", public_author(comment))
        xml.text_element("wp:comment_author_email", "")
        xml.text_element("wp:comment_author_url", "")
        xml.text_element("wp:comment_author_IP", "")
        xml.text_element("wp:comment_date", local)
        xml.text_element("wp:comment_date_gmt", gmt)
        xml.text_element("wp:comment_content", "" if comment.is_removed else comment.body_html)
        xml.text_element("wp:comment_approved", APPROVAL[comment.state])
        xml.text_element("wp:comment_type", "comment")
        xml.text_element("wp:comment_parent", str(answered))
        xml.text_element("wp:comment_user_id", "0")

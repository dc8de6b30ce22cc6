"""The Blogger export: the classic Atom format that Blogger's "Import content" reads.

Posts and pages keep the ids they had on Blogger; others get numbers of their own (a
Blogger id is longer, so the two never meet). Pages come first, in the navigation's order,
as Blogger's page entries (``kind#page``, ``.page-`` ids, their address here). Comments
name their post or page (``thr:in-reply-to``) and, when they answer one, the thread's first
comment (``link rel="related"``), as Blogger writes them. An anonymous comment is
"Anonymous" and nothing else.
"""

import re
import zlib
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import IO

from flask import current_app
from sqlalchemy import select

from ..comments.authors import public_author
from ..dates import utcnow
from ..extensions import db
from ..models import Comment, CommentState, Post
from .source import PUBLIC_STATES, comments_in, is_draft, pages_then_posts, post_address
from .xml_writing import XmlWriter

ATOM = "http://www.w3.org/2005/Atom"
THREAD = "http://purl.org/syndication/thread/1.0"
APP = "http://purl.org/atom/app#"
GDATA = "http://schemas.google.com/g/2005"
KIND_SCHEME = "http://schemas.google.com/g/2005#kind"
KIND = "http://schemas.google.com/blogger/2008/kind#"
LABEL_SCHEME = "http://www.blogger.com/atom/ns#"
PARAGRAPH = re.compile(r"<p>(.*?)</p>\n?", re.DOTALL)
BLOGGER_ID = re.compile(r"tag:blogger\.com,1999:blog-(\d+)\.(post|page)-(\d+)")
#: Numbers for what never was on Blogger: 13 digits, where Blogger's have 18 or 19.
OWN_POST_NUMBERS, OWN_COMMENT_NUMBERS = 7_000_000_000_000, 8_000_000_000_000
REMOVED_TEXT = {
    CommentState.REMOVED_BY_AUTHOR: "This comment has been removed by the author.",
    CommentState.REMOVED_BY_EDITOR: "This comment has been removed by a blog administrator.",
}


def blog_number() -> str:
    """The Blogger blog the posts came from, or a number of this blog's own."""
    legacy = db.session.scalar(select(Post.legacy_id).where(Post.legacy_id.is_not(None)).limit(1))
    match = BLOGGER_ID.fullmatch(legacy or "")
    if match:
        return match.group(1)
    return str(zlib.crc32(current_app.config["SITE_URL"].encode()))


def post_number(post: Post) -> str:
    match = BLOGGER_ID.fullmatch(post.legacy_id or "")
    return match.group(3) if match else str(OWN_POST_NUMBERS + post.id)


def comment_number(comment: Comment) -> str:
    match = BLOGGER_ID.fullmatch(comment.legacy_id or "")
    return match.group(3) if match else str(OWN_COMMENT_NUMBERS + comment.id)


def blogger_comment_html(body_html: str) -> str:
    """A comment as Blogger writes one: paragraphs as double line breaks. Anything else (a
    quotation) as it is; either way, importing it gives this comment back."""
    paragraphs = PARAGRAPH.findall(body_html)
    if not paragraphs or PARAGRAPH.sub("", body_html).strip():
        return body_html.strip()
    return "<br /><br />".join(paragraphs)


def entry_id(blog: str, number: str, kind: str = "post") -> str:
    return f"tag:blogger.com,1999:blog-{blog}.{kind}-{number}"


def entry_kind(post: Post) -> str:
    return "page" if post.is_page else "post"


def stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds")


def export_blogger(out: IO[bytes], progress: Callable[[int], None] | None = None) -> None:
    """Write the whole blog to ``out`` as a Blogger export."""
    blog = blog_number()
    xml = XmlWriter(out)
    with xml.element("feed", xmlns=ATOM, xmlns__thr=THREAD, xmlns__app=APP, xmlns__gd=GDATA):
        xml.text_element("id", f"tag:blogger.com,1999:blog-{blog}")
        xml.text_element("updated", stamp(utcnow()))
        xml.text_element("title", current_app.config["BLOG_TITLE"], type="text")
        xml.text_element("generator", "blogapp")
        post_ids: dict[int, str] = {}
        for post in pages_then_posts():
            post_ids[post.id] = entry_id(blog, post_number(post), entry_kind(post))
            write_post(xml, post, post_ids[post.id])
            tick(progress)
        for comment, numbers in with_thread_numbers(comments_in(PUBLIC_STATES)):
            write_comment(xml, blog, comment, post_ids[comment.post_id], numbers)
            tick(progress)
        xml.newline()
    xml.end()


def with_thread_numbers(
    comments: Iterable[Comment],
) -> Iterator[tuple[Comment, dict[int, str]]]:
    """Each comment with the numbers of its post's comments so far: a reply names its
    thread's first comment, always on the same post, so only one post's are kept."""
    numbers: dict[int, str] = {}
    post_id = None
    for comment in comments:
        if comment.post_id != post_id:
            numbers, post_id = {}, comment.post_id
        numbers[comment.id] = comment_number(comment)
        yield comment, numbers


def tick(progress: Callable[[int], None] | None) -> None:
    if progress is not None:
        progress(1)


def write_post(xml: XmlWriter, post: Post, post_id: str) -> None:
    xml.newline()
    with xml.element("entry"):
        xml.text_element("id", post_id)
        xml.text_element("published", stamp(post.published_at or post.created_at))
        xml.text_element("updated", stamp(post.updated_at))
        xml.text_element("category", scheme=KIND_SCHEME, term=f"{KIND}{entry_kind(post)}")
        for label in post.labels:
            xml.text_element("category", scheme=LABEL_SCHEME, term=label.name)
        xml.text_element("title", post.title, type="text")
        xml.text_element("content", post.body_html, type="html")
        if not is_draft(post):
            address = post_address(post)
            xml.text_element(
                "link", rel="alternate", type="text/html", href=address, title=post.title
            )
        with xml.element("author"):
            xml.text_element("name", post.author_name)
        if is_draft(post):
            with xml.element("app:control"):
                xml.text_element("app:draft", "yes")


def write_comment(
    xml: XmlWriter, blog: str, comment: Comment, post_id: str, numbers: dict[int, str]
) -> None:
    post_number = post_id.rsplit("-", 1)[-1]
    xml.newline()
    with xml.element("entry"):
        xml.text_element("id", entry_id(blog, numbers[comment.id]))
        xml.text_element("published", stamp(comment.created_at))
        xml.text_element("updated", stamp(comment.removed_at or comment.created_at))
        xml.text_element("category", scheme=KIND_SCHEME, term=f"{KIND}comment")
        removed = REMOVED_TEXT.get(comment.state)
        xml.text_element("content", removed or blogger_comment_html(comment.body_html), type="html")
        if removed:
            xml.text_element("gd:extendedProperty", name="blogger.contentRemoved", value="true")
        post_address_ = post_address(comment.post)
        xml.text_element(
            "link", rel="alternate", type="text/html", href=f"{post_address_}#{comment.anchor}"
        )
        if comment.parent_id is not None and comment.parent_id in numbers:
            parent = numbers[comment.parent_id]
            xml.text_element(
                "link",
                rel="related",
                type="application/atom+xml",
                href=f"https://www.blogger.com/feeds/{blog}/{post_number}/comments/default/{parent}",
            )
        with xml.element("author"):
            xml.text_element("name", public_author(comment))
        xml.text_element(
            "thr:in-reply-to",
            ref=post_id,
            href=post_address_,
            source=f"https://www.blogger.com/feeds/{blog}/posts/default/{post_number}",
            type="text/html",
        )

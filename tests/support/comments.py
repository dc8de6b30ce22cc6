"""Comment helpers for tests: a post's path, sending the comment form, reading threads back."""

import re

from blogapp.extensions import db
from blogapp.models import Comment, Post

THREAD_LINE = re.compile(
    r'class="comment-number">([\d.]+)\.</span>\s*<bdi class="comment-author">([^<]*)</bdi>'
)


def path_of(post: Post) -> str:
    return f"/{post.published_year}/{post.published_month:02d}/{post.slug}"


def comment(client, post, body, anonymous=False, reply_to=None, page=None):
    """Send the comment form as a browser would, from the post page or the reply page."""
    page = page or (f"/comments/{reply_to}/reply" if reply_to else path_of(post))
    data = {"body": body, "anonymous": "y" if anonymous else "", "reply_to": reply_to or ""}
    return client.submit(f"/comments/on/{post.id}", data, page=page)


def comments_of(post: Post) -> list[Comment]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            db.select(Comment).where(Comment.post_id == post.id).order_by(Comment.id)
        )
    )


def count_of(post: Post) -> int:
    db.session.expire_all()
    return db.session.get(Post, post.id).comment_count


def thread_of(client, post) -> list[tuple[str, str]]:
    return THREAD_LINE.findall(client.get(path_of(post)).text)

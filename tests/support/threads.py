"""Long comment threads for tests: many comments in one insert, and reading the pages back."""

import re
from datetime import datetime, timedelta

from blogapp.extensions import db
from blogapp.models import Comment, CommentState, Post
from blogapp.text import render_comment_text

ANCHORED_NUMBER = re.compile(r'id="c(\d+)" aria-label="Comment ([\d.]+)"')


def bulk_comments(
    post: Post,
    top_level: int,
    start: datetime,
    replies_to_each: int = 0,
    user_id: int | None = None,
) -> list[int]:
    """Insert ``top_level`` comments a minute apart, each with ``replies_to_each`` replies
    written just after it; the top-level comments' ids, oldest first."""
    ids = []
    for number in range(top_level):
        when = start + timedelta(minutes=number)
        ids.append(add_comment(post, f"Comment {number + 1}", when, user_id=user_id))
        for reply in range(replies_to_each):
            add_comment(
                post, f"Reply {number + 1}.{reply + 1}", when + timedelta(seconds=reply + 1),
                parent_id=ids[-1], user_id=user_id,
            )  # fmt: skip
    db.session.commit()
    return ids


def add_comment(
    post: Post,
    body: str,
    when: datetime,
    parent_id: int | None = None,
    user_id: int | None = None,
    state: CommentState = CommentState.VISIBLE,
) -> int:
    """One comment (flushed, not committed)."""
    added = Comment(
        post_id=post.id,
        user_id=user_id,
        parent_id=parent_id,
        reply_to_id=parent_id,
        author_name=None if user_id else "Imported reader",
        anonymous=False,
        body=body,
        body_html=render_comment_text(body),
        created_at=when,
        state=state,
    )
    db.session.add(added)
    db.session.flush()
    return added.id


def numbered(html: str) -> dict[int, str]:
    """Each comment's number on a page, by id."""
    return {int(comment_id): number for comment_id, number in ANCHORED_NUMBER.findall(html)}

"""Demo comments: a living thread with Anonymous posters, replies and a removed comment."""

import secrets
import tomllib
from datetime import timedelta
from pathlib import Path

from ..auth.operations import create_user
from ..blog.queries import visible_posts
from ..comments.operations import recount_comments
from ..dates import utcnow
from ..extensions import db
from ..models import Comment, CommentState, Post, User
from ..text import render_comment_text

COMMENTS_FILE = Path(__file__).with_name("comments.toml")
REMOVED_STATES = {
    "author": CommentState.REMOVED_BY_AUTHOR,
    "editor": CommentState.REMOVED_BY_EDITOR,
}


def create_demo_readers(readers: list[dict]) -> dict[str, User]:
    """Confirmed demo accounts with passwords nobody is told."""
    return {
        reader["key"]: create_user(
            f"{reader['key']}@readers.example.com",
            reader["name"],
            secrets.token_urlsafe(16),
            confirmed=True,
        )
        for reader in readers
    }


def demo_comment(entry: dict, post: Post, author: User, answering: Comment | None) -> Comment:
    """One comment as the data file describes it, never dated in the future."""
    body = entry["body"].strip()
    written = min(post.published_at + timedelta(minutes=entry["minutes_after"]), utcnow())
    removed = REMOVED_STATES.get(entry.get("removed", ""))
    return Comment(
        post=post,
        user=author,
        parent=(answering.parent or answering) if answering else None,
        reply_to_id=answering.id if answering else None,
        anonymous=entry.get("anonymous", False),
        body=body,
        body_html=render_comment_text(body),
        created_at=written,
        state=removed or CommentState.VISIBLE,
        removed_at=written + timedelta(minutes=5) if removed else None,
    )


def load_demo_comments() -> None:
    """Add the demo comments to whatever published posts exist (none: nothing to do)."""
    posts = list(db.session.scalars(visible_posts()))
    if not posts:
        return
    data = tomllib.loads(COMMENTS_FILE.read_text(encoding="utf-8"))
    readers = create_demo_readers(data["readers"])
    by_key: dict[str, Comment] = {}
    for entry in data["comments"]:
        post = posts[entry["post"] % len(posts)]
        answering = by_key.get(entry.get("reply_to", ""))
        comment = demo_comment(entry, post, readers[entry["by"]], answering)
        db.session.add(comment)
        db.session.flush()
        by_key[entry["key"]] = comment
    recount_comments(post.id for post in posts)
    db.session.commit()

"""The blog as readers see it, read from the database: two blogs are "the same blog" when
their snapshots are equal (what an export and an import must keep)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from blogapp.comments.authors import public_author
from blogapp.extensions import db
from blogapp.models import Comment, CommentState, Post, PostKind, PostStatus

#: Comments every format carries (held ones are not public).
CARRIED = (CommentState.VISIBLE, CommentState.REMOVED_BY_AUTHOR, CommentState.REMOVED_BY_EDITOR)


@dataclass(frozen=True)
class SeenComment:
    number: str
    author: str
    created_at: datetime
    state: str
    body_html: str


@dataclass(frozen=True)
class SeenPost:
    title: str
    kind: str
    #: A page's place in the navigation's list of pages (1 for the first); None for a post.
    nav_place: int | None
    published_at: datetime | None
    status: str
    labels: tuple[str, ...]
    body_html: str
    comments: tuple[SeenComment, ...]


def numbered(comments: list[Comment]) -> list[SeenComment]:
    """Threads numbered as the page numbers them: 3 for a thread, 3.1 for its first reply."""
    threads = [comment for comment in comments if comment.parent_id is None]
    replies: dict[int, list[Comment]] = defaultdict(list)
    for comment in comments:
        if comment.parent_id is not None:
            replies[comment.parent_id].append(comment)
    seen = []
    for number, thread in enumerate(threads, start=1):
        seen.append(seen_comment(str(number), thread))
        for reply_number, reply in enumerate(replies[thread.id], start=1):
            seen.append(seen_comment(f"{number}.{reply_number}", reply))
    return seen


def seen_comment(number: str, comment: Comment) -> SeenComment:
    removed = comment.state != CommentState.VISIBLE
    return SeenComment(
        number=number,
        author=public_author(comment),
        created_at=comment.created_at.replace(microsecond=0),
        state=comment.state.value,
        body_html="" if removed else comment.body_html,
    )


def nav_places(posts: list[Post]) -> dict[int, int]:
    """Each page's place in the navigation, which lists pages by order, then title."""
    pages = sorted(
        (post for post in posts if post.kind == PostKind.PAGE),
        key=lambda page: (page.nav_order, page.title),
    )
    return {page.id: place for place, page in enumerate(pages, start=1)}


def blog_snapshot() -> list[SeenPost]:
    db.session.expire_all()
    posts = db.session.scalars(select(Post).options(selectinload(Post.labels))).all()
    places = nav_places(list(posts))
    comments: dict[int, list[Comment]] = defaultdict(list)
    shown = (
        select(Comment)
        .where(Comment.state.in_(CARRIED))
        .options(selectinload(Comment.user))
        .order_by(Comment.created_at, Comment.id)
    )
    for comment in db.session.scalars(shown):
        comments[comment.post_id].append(comment)
    seen = [
        SeenPost(
            title=post.title,
            kind=post.kind.value,
            nav_place=places.get(post.id),
            published_at=None
            if post.status == PostStatus.DRAFT
            else post.published_at.replace(microsecond=0),
            status=post.status.value,
            labels=tuple(sorted(label.name for label in post.labels)),
            body_html=post.body_html,
            comments=tuple(numbered(comments[post.id])),
        )
        for post in posts
    ]
    return sorted(seen, key=lambda post: (post.title, str(post.published_at)))

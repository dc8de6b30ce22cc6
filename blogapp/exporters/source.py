"""What every export reads: posts with their labels and series, comments as the public
sees them, in order and in batches (the database's rows are never all in memory)."""

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import selectinload, undefer

from ..extensions import db
from ..models import Comment, CommentState, Post, PostStatus
from ..urls import external_url

ROWS_PER_FETCH = 200
#: Comments Blogger's format carries: shown, or marked as removed (it has no held ones).
PUBLIC_STATES = (
    CommentState.VISIBLE,
    CommentState.REMOVED_BY_AUTHOR,
    CommentState.REMOVED_BY_EDITOR,
)
#: WordPress's format carries held comments too, as not approved.
MODERATED_STATES = (*PUBLIC_STATES, CommentState.PENDING)


def all_posts() -> Iterator[Post]:
    """Every post, drafts included, in the order they were written."""
    statement = (
        select(Post)
        .options(selectinload(Post.labels), undefer(Post.body_source))
        .order_by(Post.id)
        .execution_options(yield_per=ROWS_PER_FETCH)
    )
    yield from db.session.scalars(statement)


def comments_in(states: tuple[CommentState, ...]) -> Iterator[Comment]:
    """Every comment in one of ``states``, by post and time."""
    statement = (
        select(Comment)
        .where(Comment.state.in_(states))
        .options(selectinload(Comment.user), selectinload(Comment.post))
        .order_by(Comment.post_id, Comment.created_at, Comment.id)
        .execution_options(yield_per=ROWS_PER_FETCH)
    )
    yield from db.session.scalars(statement)


def post_address(post: Post) -> str:
    if post.published_year is None:
        return external_url("blog.home")
    return external_url("blog.post", **post.url_values)


def is_draft(post: Post) -> bool:
    return post.status == PostStatus.DRAFT

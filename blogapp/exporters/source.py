"""What every export reads: posts with their labels and series, comments as the public
sees them, in order and in batches (the database's rows are never all in memory)."""

from collections.abc import Iterator

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload, undefer

from ..extensions import db
from ..models import Comment, CommentState, Post, PostKind, PostStatus
from ..urls import external_url

ROWS_PER_FETCH = 200
#: A post carries its body twice (as written and as shown): fewer of them at a time keep
#: the memory an export needs the same whatever the size of the blog.
POSTS_PER_FETCH = 25
#: Comments Blogger's format carries: shown, or marked as removed (it has no held ones).
PUBLIC_STATES = (
    CommentState.VISIBLE,
    CommentState.REMOVED_BY_AUTHOR,
    CommentState.REMOVED_BY_EDITOR,
)
#: WordPress's format carries held comments too, as not approved.
MODERATED_STATES = (*PUBLIC_STATES, CommentState.PENDING)


def posts_in_batches(statement: Select) -> Iterator[Post]:
    options = (selectinload(Post.labels), undefer(Post.body_source))
    fetching = statement.options(*options).execution_options(yield_per=POSTS_PER_FETCH)
    yield from db.session.scalars(fetching)


def all_posts() -> Iterator[Post]:
    """Every post and page, drafts included, in the order they were written."""
    yield from posts_in_batches(select(Post).order_by(Post.id))


def pages_then_posts() -> Iterator[Post]:
    """Pages in the navigation's order, then posts as they were written: an import places
    the pages it meets in the navigation in the order it meets them."""
    pages = select(Post).where(Post.kind == PostKind.PAGE)
    yield from posts_in_batches(pages.order_by(Post.nav_order, Post.title, Post.id))
    yield from posts_in_batches(select(Post).where(Post.kind != PostKind.PAGE).order_by(Post.id))


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
    if post.is_page:
        return external_url("blog.page", slug=post.slug)
    if post.published_year is None:
        return external_url("blog.home")
    return external_url("blog.post", **post.url_values)


def is_draft(post: Post) -> bool:
    return post.status == PostStatus.DRAFT

"""What editors look up: posts by the status they see, one post or a 404."""

from datetime import datetime

from sqlalchemy import Case, Select, case, func, select

from ..dates import utcnow
from ..extensions import db
from ..models import Post, PostKind, PostStatus

#: The statuses editors filter by: a scheduled post whose time has come counts as published.
SHOWN_STATUSES = ("draft", "scheduled", "published")


def shown_status(now: datetime) -> Case[str]:
    """SQL for ``Post.shown_status``: draft, scheduled (still to come) or published."""
    return case(
        (Post.status == PostStatus.DRAFT, "draft"),
        (Post.published_at > now, "scheduled"),
        else_="published",
    )


def posts_for_editors(status: str | None = None) -> Select[tuple[Post]]:
    """Every post, or those with one shown status, most recently changed first."""
    statement = (
        select(Post)
        .where(Post.kind == PostKind.POST)
        .order_by(Post.updated_at.desc(), Post.id.desc())
    )
    if status is not None:
        statement = statement.where(shown_status(utcnow()) == status)
    return statement


def post_counts_by_shown_status() -> dict[str, int]:
    """How many posts are drafts, scheduled and published, in one query."""
    statuses = (
        select(shown_status(utcnow()).label("status")).where(Post.kind == PostKind.POST).subquery()
    )
    rows = db.session.execute(select(statuses.c.status, func.count()).group_by(statuses.c.status))
    counts = dict.fromkeys(SHOWN_STATUSES, 0)
    counts.update(dict(rows.all()))
    return counts


def pages_for_editors() -> list[Post]:
    """Every page, in the navigation's order."""
    pages = select(Post).where(Post.kind == PostKind.PAGE).order_by(Post.nav_order, Post.title)
    return list(db.session.scalars(pages))


def post_or_404(post_id: int) -> Post:
    """The post an editor asked for; a styled 404 when there is none."""
    return db.get_or_404(Post, post_id)

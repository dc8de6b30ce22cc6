"""Post summaries on the listing pages, rendered once per change of content by each worker.

The home page, archives, labels and series show the same summaries to every reader, and
rendering one (its post, labels, author and series loaded, its links built) costs more than
the rest of the page. So a listing asks the database only which posts it shows and when
they were published, and takes each summary from those this worker has rendered since the
content last changed, rendering only the ones it has not. A summary shows the post's
comment count, so it is kept for the generations of the counts of its posts' months too, and
a page showing one is filed under them.
"""

from dataclasses import dataclass
from datetime import datetime

from flask import get_template_attribute
from markupsafe import Markup
from sqlalchemy import Row, Select, select

from ..caching import COMMENT_COUNTS, counts_scope, kept_each_for_generation
from ..extensions import db
from ..models import Post


@dataclass(frozen=True)
class ListedPost:
    """A post as a listing shows it: its rendered summary, under its day."""

    id: int
    published_at: datetime
    html: Markup


def listed(statement: Select[tuple[Post]]) -> Select:
    """``statement`` asking only for what a listing needs to know which summaries to show."""
    return statement.with_only_columns(Post.id, Post.published_at)


def rendered_summaries(ids: list[int]) -> dict[int, Markup]:
    post_summary = get_template_attribute("blog/_post_summary.html", "post_summary")
    posts = db.session.scalars(select(Post).where(Post.id.in_(ids)))
    return {post.id: Markup(post_summary(post)) for post in posts}  # noqa: S704 - escaping template


def with_summaries(rows: list[Row]) -> list[ListedPost]:
    """The listed posts of ``rows`` (id, published_at), each with its summary."""
    ids = [row.id for row in rows]
    months = sorted({counts_scope(row.published_at) for row in rows})
    summaries = kept_each_for_generation(
        "summary", ids, rendered_summaries, [COMMENT_COUNTS, *months]
    )
    return [
        ListedPost(row.id, row.published_at, summaries[row.id])
        for row in rows
        if row.id in summaries
    ]

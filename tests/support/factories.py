"""Fast bulk data for tests that need many rows (query counts, paging)."""

from datetime import datetime, timedelta

from blogapp.dates import local_date
from blogapp.extensions import db
from blogapp.models import Label, Post, PostStatus
from blogapp.text import render_post_body


def bulk_publish_posts(
    count: int, newest: datetime, labels: list[Label] | None = None, prefix: str = "bulk"
) -> None:
    """Insert ``count`` published posts an hour apart, ending at ``newest``, in one commit."""
    body = render_post_body("> A quoted paragraph.\n\nA paragraph of comment on it.")
    posts = []
    for number in range(count):
        published_at = newest - timedelta(hours=number)
        day = local_date(published_at)
        posts.append(
            Post(
                title=f"{prefix.title()} post {number}",
                slug=f"{prefix}-post-{number}",
                body_source="",
                body_html=body.html,
                summary_html=body.summary_html,
                excerpt=body.excerpt,
                search_text=body.text,
                status=PostStatus.PUBLISHED,
                published_at=published_at,
                published_year=day.year,
                published_month=day.month,
                labels=list(labels or []),
            )
        )
    db.session.add_all(posts)
    db.session.commit()

"""Writing posts: every change to a post goes through these functions."""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, or_, select

from .. import changes
from ..dates import local_date, utcnow
from ..extensions import db
from ..models import Label, Post, PostKind, PostStatus, Series, User
from ..text import render_post_body, slugify

#: Where a post shows besides its own page.
POST_SHOWN_IN = (changes.LISTINGS, changes.FEEDS, changes.SIDEBAR, changes.SEARCH)


def post_topics(post: Post, change: changes.RowChange) -> tuple[str, ...]:
    """A post's page, and every list it is in; only its count when just that changed."""
    if change.added or change.deleted or change.columns - {"comment_count"}:
        return (changes.post(post.id), *POST_SHOWN_IN)
    return (changes.COMMENT_COUNTS,) if change.columns else ()


def label_or_series_topics(_named: Label | Series, change: changes.RowChange) -> tuple[str, ...]:
    """A new label or series shows only with the post it is given to; renaming one shows
    wherever its posts do."""
    return () if change.added else (changes.SITE,)


changes.declare_rows(Post, post_topics)
changes.declare_rows(Label, label_or_series_topics)
changes.declare_rows(Series, label_or_series_topics)


@dataclass
class PostFields:
    """What an editor types about a post."""

    title: str
    body_source: str
    labels: list[str] = field(default_factory=list)
    series_name: str | None = None
    series_number: int | None = None
    comments_open: bool = True
    #: A page's place in the navigation (pages only).
    nav_order: int = 0


def parse_label_names(text: str) -> list[str]:
    """'Napo, TR ,  napo' -> ['Napo', 'TR']: comma separated, trimmed, no repeats."""
    names: dict[str, str] = {}
    for raw in text.split(","):
        name = " ".join(raw.split())
        if name and slugify(name) not in names:
            names[slugify(name)] = name
    return list(names.values())


def labels_named(names: list[str]) -> list[Label]:
    """The labels with these names, creating the missing ones (matched by slug)."""
    wanted = {slugify(name, 100): name for name in names}
    found = {
        label.slug: label
        for label in db.session.scalars(select(Label).where(Label.slug.in_(wanted)))
    }
    for slug, name in wanted.items():
        if slug not in found:
            found[slug] = Label(name=name[:100], slug=slug)
            db.session.add(found[slug])
    return [found[slug] for slug in wanted]


def series_named(name: str | None) -> Series | None:
    """The series with this name, created when new; None for no series."""
    name = " ".join((name or "").split())
    if not name:
        return None
    slug = slugify(name, 150)
    series = db.session.scalar(select(Series).where(Series.slug == slug))
    if series is None:
        series = Series(name=name[:150], slug=slug)
        db.session.add(series)
    return series


def set_body(post: Post, source: str) -> None:
    """Store the Markdown and its sanitised HTML, summary, excerpt and search text."""
    rendered = render_post_body(source)
    post.body_source = source
    set_rendered_body(post, rendered.html, rendered.summary_html, rendered.text, rendered.excerpt)


def set_rendered_body(post: Post, html: str, summary: str | None, text: str, excerpt: str) -> None:
    """Store an already sanitised body (from Markdown, or imported HTML)."""
    post.body_html = html
    post.summary_html = summary
    post.search_text = text
    post.excerpt = excerpt


def apply_post_fields(post: Post, fields: PostFields) -> None:
    """Copy an editor's fields onto ``post`` (no commit)."""
    post.title = fields.title.strip()
    if post.published_year is None:
        post.slug = slugify(post.title)
    set_body(post, fields.body_source)
    post.comments_open = fields.comments_open
    if post.is_page:
        post.nav_order = fields.nav_order
        return
    post.labels = labels_named(fields.labels)
    post.series = series_named(fields.series_name)
    post.series_number = fields.series_number if post.series else None


def unique_slug_in_month(
    base: str, year: int, month: int, post_id: int | None, page: bool = False
) -> str:
    """``base``, or ``base-2``, ``base-3``… whichever no other post of that month uses (and,
    for a page, whose address ``/p/<slug>`` has no month, no other page)."""
    same_place = and_(Post.published_year == year, Post.published_month == month)
    if page:
        same_place = or_(same_place, Post.kind == PostKind.PAGE)
    taken = set(
        db.session.scalars(
            select(Post.slug).where(
                same_place,
                Post.slug.startswith(base, autoescape=True),
                Post.id != (post_id or 0),
            )
        )
    )
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


def set_publication(post: Post, status: PostStatus, when: datetime | None) -> None:
    """Give ``post`` its status and time; its URL follows the local month it appears in."""
    post.status = status
    if status == PostStatus.DRAFT:
        post.published_at = when
        post.published_year = post.published_month = None
        return
    post.published_at = when or utcnow()
    day = local_date(post.published_at)
    if (post.published_year, post.published_month) != (day.year, day.month):
        db.session.flush()
        base = slugify(post.slug or post.title)
        post.slug = unique_slug_in_month(base, day.year, day.month, post.id, post.is_page)
        post.published_year, post.published_month = day.year, day.month


def create_post(
    fields: PostFields,
    author: User | None,
    status: PostStatus = PostStatus.DRAFT,
    when: datetime | None = None,
    kind: PostKind = PostKind.POST,
) -> Post:
    """Save a new post (or page) as a draft, published now, or scheduled for ``when``."""
    post = Post(author=author, status=PostStatus.DRAFT, kind=kind)
    db.session.add(post)
    apply_post_fields(post, fields)
    set_publication(post, status, when)
    db.session.commit()
    return post


def update_post(
    post: Post, fields: PostFields, status: PostStatus, when: datetime | None = None
) -> Post:
    """Save an edited post with the status the editor chose."""
    apply_post_fields(post, fields)
    if status == PostStatus.PUBLISHED and post.status == PostStatus.PUBLISHED and when is None:
        when = post.published_at
    set_publication(post, status, when)
    db.session.commit()
    return post


def unpublish_post(post: Post) -> None:
    """Take a post off the blog; it becomes a draft again."""
    set_publication(post, PostStatus.DRAFT, None)
    db.session.commit()


def delete_post(post: Post) -> None:
    """Delete a post with its comments."""
    db.session.delete(post)
    db.session.commit()

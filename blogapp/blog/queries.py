"""Reading posts: what visitors may see, in the order they see it."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache, cached_property
from typing import Generic, Protocol, TypeVar

from flask import abort, current_app
from sqlalchemy import ColumnElement, Select, and_, bindparam, exists, func, select, tuple_
from sqlalchemy.orm import lazyload

from ..dates import local_date, local_month_bounds, local_year_bounds, utcnow
from ..extensions import db
from ..models import Label, Post, PostKind, PostStatus, Series, post_labels
from ..text import slugify


class Published(Protocol):
    published_at: datetime


Item = TypeVar("Item", bound=Published)


@dataclass
class DayOfItems(Generic[Item]):
    """What was published on one day, as readers' calendars have it."""

    day: date
    items: list[Item]

    @property
    def posts(self) -> list[Item]:
        """The name the post listings use."""
        return self.items


DayOfPosts = DayOfItems[Post]


@dataclass(frozen=True)
class PostLink:
    """Enough of a post to link to it."""

    title: str
    published_year: int
    published_month: int
    slug: str

    @property
    def url_values(self) -> dict[str, object]:
        return {"year": self.published_year, "month": self.published_month, "slug": self.slug}


LINK_COLUMNS = (Post.title, Post.published_year, Post.published_month, Post.slug)

#: The moment visibility is judged at, in statements built once and run with parameters.
NOW = bindparam("now")


@dataclass(frozen=True)
class LabelLink:
    name: str
    slug: str


@dataclass(frozen=True)
class LabelCount:
    name: str
    slug: str
    uses: int


@dataclass
class ArchiveYear:
    year: int
    count: int = 0
    months: list[tuple[int, int]] = field(default_factory=list)


def is_visible(now: datetime | ColumnElement[datetime] | None = None) -> ColumnElement[bool]:
    """Published or scheduled, and its time has come: scheduled posts need no job.

    ``now`` may be a bound parameter, for statements built once and run many times.
    """
    moment = utcnow() if now is None else now
    return and_(Post.status != PostStatus.DRAFT, Post.published_at <= moment)


def is_listed(now: datetime | ColumnElement[datetime] | None = None) -> ColumnElement[bool]:
    """Visible, and a dated post: what the listings, archives, feeds and digest show (pages
    are read on their own and found in the navigation, search and sitemap)."""
    return and_(is_visible(now), Post.kind == PostKind.POST)


def visible_posts() -> Select[tuple[Post]]:
    """Every post a visitor may read, newest first (pages are not posts)."""
    return select(Post).where(is_listed()).order_by(Post.published_at.desc(), Post.id.desc())


def posts_published_between(start: datetime, end: datetime) -> Select[tuple[Post]]:
    return visible_posts().where(Post.published_at >= start, Post.published_at < end)


def posts_in_month(year: int, month: int) -> Select[tuple[Post]]:
    return posts_published_between(*local_month_bounds(year, month))


def posts_in_year(year: int) -> Select[tuple[Post]]:
    return posts_published_between(*local_year_bounds(year))


def posts_with_label(label: Label) -> Select[tuple[Post]]:
    """Newest first, as a test on each post: the database walks the date index and stops
    after a page, instead of sorting every post the label has."""
    labelled = exists().where(post_labels.c.post_id == Post.id, post_labels.c.label_id == label.id)
    return visible_posts().where(labelled)


def posts_in_series(series: Series) -> Select[tuple[Post]]:
    """A series' posts, highest number (the latest) first."""
    return (
        select(Post)
        .where(is_listed(), Post.series_id == series.id)
        .order_by(Post.series_number.desc().nulls_last(), Post.published_at.desc())
    )


@dataclass
class Page(Generic[Item]):
    """One page of a newest-first listing.

    It fetches one row more than it shows to know whether older ones follow, so a listing's
    total is only counted when a page shows it (the home page never does).
    """

    items: list[Item]
    page: int
    has_next: bool
    statement: Select

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1

    @cached_property
    def total(self) -> int:
        listing = self.statement.order_by(None).subquery()
        return db.session.scalar(select(func.count()).select_from(listing)) or 0


def page_of(statement: Select, page: int, per_page: int | None = None) -> Page:
    """One page of posts (or bulletins, or rows); a page past the end is a 404."""
    per_page = per_page or current_app.config["POSTS_PER_PAGE"]
    result = db.session.execute(statement.limit(per_page + 1).offset((page - 1) * per_page))
    rows = result.scalars().all() if len(statement.column_descriptions) == 1 else result.all()
    if page > 1 and not rows:
        abort(404)
    return Page(rows[:per_page], page, len(rows) > per_page, statement)


def group_by_day(items: Iterable[Item]) -> list[DayOfItems[Item]]:
    """Posts (or bulletins) under the day heading readers see them on (the blog's zone)."""
    days: list[DayOfItems[Item]] = []
    for item in items:
        day = local_date(item.published_at)
        if not days or days[-1].day != day:
            days.append(DayOfItems(day, []))
        days[-1].items.append(item)
    return days


@cache
def visible_post_statement() -> Select[tuple[Post]]:
    """Built once: a post page spends its time on the post, not on writing the query.
    Labels are not loaded: the page takes them with its other surroundings."""
    return (
        select(Post)
        .where(
            is_visible(NOW),
            Post.published_year == bindparam("year"),
            Post.published_month == bindparam("month"),
            Post.slug == bindparam("slug"),
        )
        .options(lazyload(Post.labels))
    )


def find_visible_post(year: int, month: int, slug: str) -> Post | None:
    return db.session.scalar(
        visible_post_statement(), {"year": year, "month": month, "slug": slug, "now": utcnow()}
    )


def find_visible_page(slug: str) -> Post | None:
    return db.session.scalar(
        select(Post).where(is_visible(), Post.kind == PostKind.PAGE, Post.slug == slug).limit(1)
    )


@dataclass(frozen=True)
class PageLink:
    title: str
    slug: str


def pages_in_navigation() -> list[PageLink]:
    """The published pages, in the order editors gave them."""
    rows = db.session.execute(
        select(Post.title, Post.slug)
        .where(is_visible(), Post.kind == PostKind.PAGE)
        .order_by(Post.nav_order, Post.title)
    )
    return [PageLink(*row) for row in rows]


def labels_of(post: Post) -> list[LabelLink]:
    rows = db.session.execute(
        select(Label.name, Label.slug)
        .join(post_labels, post_labels.c.label_id == Label.id)
        .where(post_labels.c.post_id == post.id)
        .order_by(Label.name)
    )
    return [LabelLink(*row) for row in rows]


@dataclass(frozen=True)
class AroundPost:
    """What a post page shows around the post: its labels and the posts before and after it
    on the blog and in its series. The same for every reader until the content changes."""

    labels: list[LabelLink]
    older: PostLink | None
    newer: PostLink | None
    series_previous: PostLink | None
    series_next: PostLink | None


def around_post(post: Post) -> AroundPost:
    return AroundPost(labels_of(post), *older_and_newer(post), *series_neighbours(post))


def first_link(statement: Select) -> PostLink | None:
    row = db.session.execute(statement.limit(1)).first()
    return PostLink(*row) if row else None


def older_and_newer(post: Post) -> tuple[PostLink | None, PostLink | None]:
    """The posts just before and just after ``post`` on the blog."""
    position = tuple_(Post.published_at, Post.id)
    here = (post.published_at, post.id)
    visible = select(*LINK_COLUMNS).where(is_listed())
    older = first_link(
        visible.where(position < here).order_by(Post.published_at.desc(), Post.id.desc())
    )
    newer = first_link(visible.where(position > here).order_by(Post.published_at, Post.id))
    return older, newer


def series_neighbours(post: Post) -> tuple[PostLink | None, PostLink | None]:
    """The previous and next numbered posts of the same series."""
    if post.series_id is None or post.series_number is None:
        return None, None
    in_series = select(*LINK_COLUMNS).where(is_listed(), Post.series_id == post.series_id)
    number = post.series_number
    previous = first_link(
        in_series.where(Post.series_number < number).order_by(Post.series_number.desc())
    )
    following = first_link(
        in_series.where(Post.series_number > number).order_by(Post.series_number)
    )
    return previous, following


def archive_counts() -> list[ArchiveYear]:
    """Years and months with their numbers of posts, newest first, in one query."""
    rows = db.session.execute(
        select(Post.published_year, Post.published_month, func.count())
        .where(is_listed())
        .group_by(Post.published_year, Post.published_month)
        .order_by(Post.published_year.desc(), Post.published_month.desc())
    )
    years: list[ArchiveYear] = []
    for year, month, count in rows:
        if not years or years[-1].year != year:
            years.append(ArchiveYear(year))
        years[-1].count += count
        years[-1].months.append((month, count))
    return years


def labels_in_use(limit: int = 40) -> list[LabelCount]:
    """The most used labels with their counts of visible posts, by name."""
    uses = func.count(post_labels.c.post_id)
    rows = db.session.execute(
        select(Label.name, Label.slug, uses)
        .join(post_labels, post_labels.c.label_id == Label.id)
        .join(Post, Post.id == post_labels.c.post_id)
        .where(is_listed())
        .group_by(Label.id, Label.name, Label.slug)
        .order_by(uses.desc(), Label.name)
        .limit(limit)
    )
    return sorted((LabelCount(*row) for row in rows), key=lambda label: label.name.lower())


def label_by_slug(slug: str) -> Label | None:
    return db.session.scalar(select(Label).where(Label.slug == slug))


def series_by_slug(slug: str) -> Series | None:
    return db.session.scalar(select(Series).where(Series.slug == slug))


def post_numbered_in_series(
    series_name: str, number: int, except_post_id: int | None = None
) -> Post | None:
    """The post (of any status) that already has ``number`` in the series of that name."""
    slug = slugify(" ".join(series_name.split()), 150)
    return db.session.scalar(
        select(Post)
        .join(Series, Post.series_id == Series.id)
        .where(Series.slug == slug, Post.series_number == number, Post.id != (except_post_id or 0))
        .limit(1)
    )

"""Reading bulletins: which ones visitors see, newest first."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, select, tuple_

from ..dates import utcnow
from ..extensions import db
from ..models import Bulletin, BulletinFeed

SIDEBAR_BULLETINS = 5


def bulletin_is_visible(
    now: datetime | ColumnElement[datetime] | None = None,
) -> ColumnElement[bool]:
    """A bulletin given a time still to come appears when that time comes, like a post."""
    return Bulletin.published_at <= (utcnow() if now is None else now)


def newest_first(statement: Select) -> Select:
    return statement.order_by(Bulletin.published_at.desc(), Bulletin.id.desc())


def visible_bulletins() -> Select[tuple[Bulletin]]:
    """Every bulletin a visitor may read, newest first."""
    return newest_first(select(Bulletin).where(bulletin_is_visible()))


def bulletins_published_between(start: datetime, end: datetime) -> Select[tuple[Bulletin]]:
    return visible_bulletins().where(Bulletin.published_at >= start, Bulletin.published_at < end)


@dataclass(frozen=True)
class BulletinLink:
    """What the sidebar shows of a bulletin: plain values, kept in the shared cache."""

    id: int
    slug: str
    title: str
    source: str
    published_at: datetime

    @property
    def url_values(self) -> dict[str, object]:
        return {"bulletin_id": self.id, "slug": self.slug}


def latest_bulletin_links(limit: int = SIDEBAR_BULLETINS) -> list[BulletinLink]:
    """The newest bulletins, only what a list of links shows, in one query."""
    rows = db.session.execute(
        newest_first(
            select(
                Bulletin.id, Bulletin.slug, Bulletin.title, Bulletin.source, Bulletin.published_at
            ).where(bulletin_is_visible())
        ).limit(limit)
    )
    return [BulletinLink(*row) for row in rows]


def find_visible_bulletin(bulletin_id: int) -> Bulletin | None:
    return db.session.scalar(
        select(Bulletin).where(Bulletin.id == bulletin_id, bulletin_is_visible())
    )


def _first_bulletin(statement: Select[tuple[Bulletin]]) -> Bulletin | None:
    return db.session.scalars(statement.limit(1)).first()


def older_and_newer_bulletins(bulletin: Bulletin) -> tuple[Bulletin | None, Bulletin | None]:
    """The bulletins just before and just after ``bulletin`` on the bulletins page."""
    position = tuple_(Bulletin.published_at, Bulletin.id)
    here = (bulletin.published_at, bulletin.id)
    older = _first_bulletin(visible_bulletins().where(position < here))
    newer = _first_bulletin(
        select(Bulletin)
        .where(bulletin_is_visible(), position > here)
        .order_by(Bulletin.published_at, Bulletin.id)
    )
    return older, newer


def all_bulletins() -> Select[tuple[Bulletin]]:
    """Every bulletin, those still to appear included, for editors."""
    return newest_first(select(Bulletin))


def bulletin_sources() -> list[str]:
    """The sources bulletins already have, to suggest when an editor types one."""
    names = db.session.scalars(select(Bulletin.source).distinct().order_by(Bulletin.source))
    return list(names)


def all_feeds() -> list[BulletinFeed]:
    return list(
        db.session.scalars(select(BulletinFeed).order_by(BulletinFeed.name, BulletinFeed.id))
    )

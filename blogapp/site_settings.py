"""Settings editors change on the site itself (at /admin/settings), kept in the database.

They live in a table rather than in the configuration because editors, not the person who
runs the server, decide them; a change must take effect at once in every server process,
without a restart.
"""

from dataclasses import dataclass, fields

from flask import current_app
from sqlalchemy import select

from . import changes
from .extensions import db
from .models import SiteSetting


@dataclass
class SiteSettings:
    #: Comments held for approval from each account until this many of its comments were
    #: approved; 0 publishes every comment at once. Until the editors choose, TRUSTED_AFTER.
    hold_first_comments: int = 0
    #: Words and web domains, one a line, that hold a comment for approval.
    blocked_terms: str = ""


def setting_topics(_setting: SiteSetting, _change: changes.RowChange) -> tuple[str, ...]:
    return (changes.SITE,)


changes.declare_rows(SiteSetting, setting_topics)


def load_site_settings() -> SiteSettings:
    """The current settings; those never saved have their defaults."""
    stored = {row.name: row.value for row in db.session.scalars(select(SiteSetting))}
    settings = SiteSettings(hold_first_comments=current_app.config["TRUSTED_AFTER"])
    for field in fields(SiteSettings):
        if field.name in stored:
            try:
                setattr(settings, field.name, field.type(stored[field.name]))
            except ValueError:
                continue
    return settings


def save_site_settings(settings: SiteSettings) -> None:
    for field in fields(SiteSettings):
        row = db.session.get(SiteSetting, field.name) or SiteSetting(name=field.name)
        row.value = str(getattr(settings, field.name))
        db.session.add(row)
    db.session.commit()

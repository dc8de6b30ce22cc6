"""The editors' front page."""

from flask import current_app, render_template

from ..backups.status import backup_status
from ..extensions import db
from . import bp
from .queries import SHOWN_STATUSES, post_counts_by_shown_status, posts_for_editors


@bp.get("/")
def dashboard() -> str:
    recent = db.session.scalars(posts_for_editors().limit(10))
    return render_template(
        "admin/dashboard.html",
        counts=post_counts_by_shown_status(),
        recent=list(recent),
        statuses=SHOWN_STATUSES,
        backups=backup_status(current_app.config.get("BACKUP_DIR")),
    )

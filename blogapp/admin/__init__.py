"""Editor pages under /admin/: every route here needs an editor or administrator."""

from flask import Blueprint, abort
from flask_login import current_user

from ..extensions import login_manager

bp = Blueprint("admin", __name__)


@bp.before_request
def require_editor() -> object:
    """Send visitors to log in; refuse readers."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.is_editor:
        abort(403)
    return None


from . import (  # noqa: E402, F401  (attach the routes to bp)
    bulletins,
    comments,
    dashboard,
    digest,
    export,
    feeds,
    imports,
    mail_health,
    outbox,
    posts,
    settings,
    uploads,
    users,
)

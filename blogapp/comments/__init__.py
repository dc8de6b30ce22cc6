"""Comment threads under posts: writing, replying, removing, reporting, feeds."""

from flask import Blueprint

from .authors import public_author, shows_editor_badge

bp = Blueprint("comments", __name__)
bp.add_app_template_filter(public_author)
bp.add_app_template_test(shows_editor_badge, "by_editor")

from . import feeds, notifications, views  # noqa: E402, F401  (attach routes and receivers)

"""Comment threads under posts: writing, replying, removing, reporting, feeds."""

from flask import Blueprint

from .authors import public_author

bp = Blueprint("comments", __name__)
bp.add_app_template_filter(public_author)

from . import feeds, notifications, views  # noqa: E402, F401  (attach routes and receivers)

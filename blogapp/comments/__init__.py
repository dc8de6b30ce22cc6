"""Comment threads under posts: writing, replying, removing, reporting, feeds."""

from flask import Blueprint

bp = Blueprint("comments", __name__)

from . import feeds, notifications, views  # noqa: E402, F401  (attach routes and receivers)

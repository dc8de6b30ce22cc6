"""Union bulletins: their pages, their Atom feed, and polling the unions' own feeds."""

from flask import Blueprint

bp = Blueprint("bulletins", __name__, cli_group="bulletins")

from . import cli, views  # noqa: E402, F401  (attach the routes and commands to bp)

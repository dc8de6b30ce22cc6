"""A reader's own account page: name, address, password, comment settings, deletion."""

from flask import Blueprint

bp = Blueprint("account", __name__)

from . import views  # noqa: E402, F401  (attach the routes to bp)

"""Following a post's comments by email, and muting a thread one has commented on."""

from flask import Blueprint

bp = Blueprint("following", __name__)

from . import views  # noqa: E402, F401  (attach the routes to bp)

"""Accounts: registering, confirming an address, logging in and out, resetting a password."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from . import views  # noqa: E402, F401  (attach the routes to bp)

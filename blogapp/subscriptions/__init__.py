"""Following the blog by email: choosing what the daily digest brings, and stopping it."""

from flask import Blueprint

from ..signals import account_deleted
from .operations import stop_subscription_of_deleted_account

bp = Blueprint("subscriptions", __name__)
account_deleted.connect(stop_subscription_of_deleted_account)

from . import views  # noqa: E402, F401  (attach the routes to bp)

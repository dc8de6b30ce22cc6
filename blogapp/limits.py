"""Rate limits: how often one address, account or IP may log in, register, comment and mail.

Each limit is a setting, so a site can tune it in instance/config.py or with a BLOGAPP_
environment variable (e.g. BLOGAPP_LOGIN_LIMIT_PER_ADDRESS="3 per minute"); the limits are
counted in RATELIMIT_STORAGE_URI (memory by default, Redis when several processes serve).
When that Redis cannot be reached, each process counts in its own memory until it is back:
the limits hold (per process) and nobody gets an error.
"""

from collections.abc import Callable

from flask import Flask, current_app, request
from flask.wrappers import Response
from flask_limiter.util import get_remote_address
from flask_login import current_user

from .config import redis_client_options

DEFAULT_LIMITS = {
    "LOGIN_LIMIT_PER_IP": "20 per minute; 200 per day",
    "LOGIN_LIMIT_PER_ADDRESS": "5 per minute; 30 per day",
    "REGISTER_LIMIT": "5 per hour; 20 per day",
    "PASSWORD_RESET_LIMIT_PER_IP": "5 per hour",
    "PASSWORD_RESET_LIMIT_PER_ADDRESS": "3 per hour",
    "CONFIRMATION_MAIL_LIMIT": "3 per hour",
    "EMAIL_CHANGE_LIMIT": "5 per hour",
    "COMMENT_LIMIT": "6 per minute; 60 per hour",
    "REPORT_LIMIT": "20 per hour",
}


def configured(name: str) -> Callable[[], str]:
    """The limit the site set for ``name``, read when a request is checked."""
    return lambda: current_app.config.get(name, DEFAULT_LIMITS[name])


def submitted_address() -> str:
    """Key a limit on the email address typed into the form, whoever sends it."""
    return "address:" + request.form.get("email", "").strip().lower()


def account_or_ip() -> str:
    """Key a limit on the logged-in account, or on the IP address of a visitor."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return "ip:" + (get_remote_address() or "")


def failed(response: Response) -> bool:
    """Count an attempt only when it did not succeed (a failed log-in answers 4xx)."""
    return response.status_code >= 400


def accepted(response: Response) -> bool:
    """Count an attempt only when it was acted on: a form sent back for correcting (or
    refused because it had expired) does not use up the sender's allowance."""
    return response.status_code < 400


def configure_rate_limits(app: Flask) -> None:
    """Fall back to memory when the storage fails, and never wait long for Redis."""
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    if app.config["RATELIMIT_STORAGE_URI"].startswith("redis"):
        app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", redis_client_options(app.config))

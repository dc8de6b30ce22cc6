"""Settings: defaults, then ``instance/config.py``, then the environment."""

import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask

SECRET_KEY_FILE = "secret_key"  # noqa: S105 - a file name, not a secret

#: Environment variables read as they are, and the type each one is parsed as.
ENVIRONMENT_SETTINGS: dict[str, type] = {
    "DATABASE_URL": str,
    "SECRET_KEY": str,
    "SITE_URL": str,
    "BLOG_TITLE": str,
    "BLOG_DESCRIPTION": str,
    "BLOG_TIMEZONE": str,
    "MAIL_SERVER": str,
    "MAIL_PORT": int,
    "MAIL_USE_TLS": bool,
    "MAIL_USE_SSL": bool,
    "MAIL_USERNAME": str,
    "MAIL_PASSWORD": str,
    "MAIL_DEFAULT_SENDER": str,
    "MAIL_TIMEOUT": float,
    "MAIL_QUEUE_SECONDS": int,
    "MAIL_PER_ADDRESS_PER_DAY": int,
    "BOUNCE_ADDRESS": str,
    "DKIM_PRIVATE_KEY_FILE": str,
    "DKIM_SELECTOR": str,
    "DKIM_DOMAIN": str,
    "RATELIMIT_STORAGE_URI": str,
    "TRUSTED_PROXIES": int,
    "DIGEST_TIME": str,
    "CACHE_REDIS_URL": str,
    "PAGE_CACHE_ENABLED": bool,
    "FRAGMENT_CACHE_ENABLED": bool,
    "COMMENT_CACHE_SECONDS": float,
    "BULLETIN_FETCH_TIMEOUT": float,
    "BULLETIN_POLL_MINUTES": int,
    "BULLETIN_FEEDS_ALLOW_PRIVATE": bool,
    "IMPORT_MAX_BYTES": int,
    "DIGEST_BATCH_SIZE": int,
    "MAIL_CATCHER_PORT": int,
}

TRUE_WORDS = {"1", "true", "yes", "on"}


def default_settings(instance_path: str) -> dict[str, Any]:
    """The settings a fresh checkout runs with."""
    instance = Path(instance_path)
    return {
        "DATABASE_URL": f"sqlite:///{instance / 'blogapp.db'}",
        "SITE_URL": "http://127.0.0.1:5000",
        "BLOG_TITLE": "On Probation",
        "BLOG_DESCRIPTION": "News, views and union bulletins for everyone who works in probation.",
        "BLOG_TIMEZONE": "Europe/London",
        "POSTS_PER_PAGE": 10,
        "SEARCH_RESULTS_PER_PAGE": 10,
        "FEED_ENTRIES": 25,
        "UPLOAD_FOLDER": str(instance / "uploads"),
        "UPLOAD_MAX_BYTES": 8 * 1024 * 1024,
        "MAX_CONTENT_LENGTH": 64 * 1024 * 1024,
        "IMPORT_MAX_BYTES": 256 * 1024 * 1024,
        "MAIL_SERVER": None,
        "MAIL_PORT": 25,
        #: Seconds any SMTP exchange (connect, each command) may take before it is given up.
        "MAIL_TIMEOUT": 10,
        #: How often the background sender sends what pages have queued.
        "MAIL_QUEUE_SECONDS": 30,
        #: Attempts at one queued message before a temporary SMTP error counts as a failure.
        "MAIL_MAX_ATTEMPTS": 6,
        #: Messages one address may get in a day (the blog's day); what a visitor causes
        #: beyond it is not sent. Digests count but are never refused.
        "MAIL_PER_ADDRESS_PER_DAY": 10,
        "MAIL_DEFAULT_SENDER": None,
        #: Where bounces go; each message's envelope sender is made from it (``verp``).
        "BOUNCE_ADDRESS": None,
        #: DKIM signing: a PEM RSA key, its selector, and the domain (From's by default).
        "DKIM_PRIVATE_KEY_FILE": None,
        "DKIM_SELECTOR": None,
        "DKIM_DOMAIN": None,
        "RATELIMIT_STORAGE_URI": "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        #: How many reverse proxies (nginx, a load balancer) stand in front of the app.
        "TRUSTED_PROXIES": 0,
        "DIGEST_TIME": "07:00",
        #: Whole pages for anonymous readers.
        "PAGE_CACHE_ENABLED": True,
        #: Rendered pieces every reader shares: the sidebar boxes, comment threads.
        "FRAGMENT_CACHE_ENABLED": True,
        #: How long anonymous readers may wait to see a new comment (its author sees it at once).
        "COMMENT_CACHE_SECONDS": 5,
        "BULLETIN_FETCH_TIMEOUT": 20,
        "BULLETIN_POLL_MINUTES": 30,
        #: Let union feeds live on this machine or the local network (off: the server would
        #: otherwise fetch whatever internal address an editor typed).
        "BULLETIN_FEEDS_ALLOW_PRIVATE": False,
        "BULLETIN_FEED_MAX_BYTES": 5_000_000,
        #: Messages sent over one SMTP connection before the next is opened.
        "DIGEST_BATCH_SIZE": 100,
        #: Attempts at one message before a temporary SMTP error counts as a failure.
        "DIGEST_MAX_ATTEMPTS": 6,
        #: How long a sender's claim on a batch lasts without being renewed.
        "DIGEST_CLAIM_SECONDS": 300,
        #: Where ``make run``'s local SMTP catcher listens when MAIL_SERVER is not set.
        "MAIL_CATCHER_PORT": 8025,
        "MAIL_OUTBOX_FOLDER": str(instance / "outbox"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "SQLALCHEMY_TRACK_MODIFICATIONS": False,
    }


def parse_setting(raw: str, kind: type) -> Any:
    """Turn an environment variable's text into the type its setting needs."""
    if kind is bool:
        return raw.strip().lower() in TRUE_WORDS
    return kind(raw)


def settings_from_environment(environ: os._Environ | dict[str, str]) -> dict[str, Any]:
    """The documented settings that are present in ``environ``."""
    return {
        name: parse_setting(environ[name], kind)
        for name, kind in ENVIRONMENT_SETTINGS.items()
        if environ.get(name)
    }


def read_secret_key_file(instance_path: str) -> str | None:
    """The key that ``flask setup`` wrote into the instance folder, if any."""
    path = Path(instance_path) / SECRET_KEY_FILE
    return path.read_text().strip() if path.exists() else None


def write_secret_key_file(instance_path: str) -> bool:
    """Create the instance secret key, readable by its owner only; False if it existed."""
    path = Path(instance_path) / SECRET_KEY_FILE
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(secrets.token_hex(32))
    return True


def normalise_database_url(url: str) -> str:
    """Let ``postgres://`` and ``postgresql://`` URLs use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def mail_sender_for(config: dict[str, Any]) -> str:
    """A From address on the site's own domain when none is configured."""
    host = urlsplit(config["SITE_URL"]).hostname or "localhost"
    return f"{config['BLOG_TITLE']} <noreply@{host}>"


def load_config(app: Flask, test_config: dict[str, Any] | None) -> None:
    """Fill ``app.config``; a test config replaces the instance file and the environment."""
    app.config.from_mapping(default_settings(app.instance_path))
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("BLOGAPP")
        app.config.update(settings_from_environment(os.environ))
        if not app.config.get("SECRET_KEY"):
            app.config["SECRET_KEY"] = read_secret_key_file(app.instance_path)
    else:
        app.config.from_mapping(test_config)
    app.config["DATABASE_URL"] = normalise_database_url(app.config["DATABASE_URL"])
    app.config["SQLALCHEMY_DATABASE_URI"] = app.config["DATABASE_URL"]
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", engine_options(app.config["DATABASE_URL"]))
    if not app.config.get("MAIL_DEFAULT_SENDER"):
        app.config["MAIL_DEFAULT_SENDER"] = mail_sender_for(app.config)
    if app.config["SITE_URL"].startswith("https://"):
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True


def engine_options(database_url: str) -> dict[str, Any]:
    """Connection settings: a generous lock wait for SQLite, health checks for servers."""
    if database_url.startswith("sqlite"):
        return {"connect_args": {"timeout": 15}}
    return {"pool_pre_ping": True}


def refuse_unsafe_production_settings(app: Flask) -> None:
    """Stop a production server that would run with a guessable key or the debugger on."""
    key = app.config.get("SECRET_KEY") or ""
    if len(key) < 24 or key in KNOWN_UNSAFE_KEYS:
        raise RuntimeError(
            "SECRET_KEY is missing or too weak: set SECRET_KEY in the environment "
            "(or run `flask setup`, which writes instance/secret_key)."
        )
    if app.debug:
        raise RuntimeError("Refusing to serve in production with debug mode on.")


KNOWN_UNSAFE_KEYS = {"dev", "secret", "changeme", "change-me", "test", "development"}

"""Settings: defaults, then ``instance/config.py``, then the environment."""

import math
import os
import secrets
import sys
import zlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from itertools import pairwise
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

import click
from flask import Flask

from .database import engine_options
from .instance_files import write_private_file

SECRET_KEY_FILE = "secret_key"  # noqa: S105 - a file name, not a secret

#: The site-wide environment variables read as they are, and the type each one is parsed as
#: (each feature lists its own in its ``settings`` module).
ENVIRONMENT_SETTINGS: dict[str, type] = {
    "DATABASE_URL": str,
    "DATABASE_CONNECT_TIMEOUT": float,
    "DATABASE_STATEMENT_TIMEOUT": float,
    "SECRET_KEY": str,
    "SITE_URL": str,
    "BLOG_TITLE": str,
    "BLOG_DESCRIPTION": str,
    "BLOG_TIMEZONE": str,
    "RATELIMIT_STORAGE_URI": str,
    "REDIS_TIMEOUT_SECONDS": float,
    "TRUSTED_PROXIES": int,
    "REMOTE_IMAGE_MAX_BYTES": int,
    "ALLOW_HTTP": bool,
    "SCHEDULER_LOCK_SECONDS": float,
    "DATABASE_APPLICATION_NAME": str,
    "UPLOADS_S3_URL": str,
    "UPLOADS_S3_TIMEOUT": float,
}


class FeatureSettings(Protocol):
    """A feature's ``settings`` module: its defaults and the variables it reads."""

    ENVIRONMENT: dict[str, type]

    def defaults(self, instance: Path) -> dict[str, Any]: ...


TRUE_WORDS = {"1", "true", "yes", "on"}
#: Where links point when SITE_URL is not set (``flask serve`` swaps in where it listens).
DEFAULT_SITE_URL = "http://127.0.0.1:5000"


def default_settings(instance_path: str) -> dict[str, Any]:
    """The site-wide settings a fresh checkout runs with."""
    instance = Path(instance_path)
    return {
        "DATABASE_URL": f"sqlite:///{instance / 'blogapp.db'}",
        #: Seconds to wait for a PostgreSQL connection (at least 2), and for one statement.
        "DATABASE_CONNECT_TIMEOUT": 2,
        "DATABASE_STATEMENT_TIMEOUT": 30,
        #: Let a production server (blogapp.wsgi) run with a SITE_URL that is not https.
        "ALLOW_HTTP": False,
        "BLOG_TITLE": "On Probation",
        "BLOG_DESCRIPTION": "News, views and union bulletins for everyone who works in probation.",
        "BLOG_TIMEZONE": "Europe/London",
        "POSTS_PER_PAGE": 10,
        "SEARCH_RESULTS_PER_PAGE": 10,
        "FEED_ENTRIES": 25,
        "UPLOAD_FOLDER": str(instance / "uploads"),
        #: s3://bucket/prefix?endpoint=…&region=…: keep images in a bucket every host reads.
        "UPLOADS_S3_URL": "",
        #: The longest a call to that bucket waits to connect, and for an answer.
        "UPLOADS_S3_TIMEOUT": 5,
        "UPLOAD_MAX_BYTES": 8 * 1024 * 1024,
        "MAX_CONTENT_LENGTH": 64 * 1024 * 1024,
        "RATELIMIT_STORAGE_URI": "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        #: The longest any Redis client waits to connect or for an answer.
        "REDIS_TIMEOUT_SECONDS": 0.5,
        #: How many reverse proxies (nginx, a load balancer) stand in front of the app.
        "TRUSTED_PROXIES": 0,
        #: The largest image copied from another site into a bulletin or post.
        "REMOTE_IMAGE_MAX_BYTES": 5_000_000,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "SQLALCHEMY_TRACK_MODIFICATIONS": False,
        #: How often a waiting scheduler tries to take the lock (and the acting one checks it
        #: still holds it): a standby takes over within this long of the acting one's death.
        "SCHEDULER_LOCK_SECONDS": 15,
    }


def redis_client_options(config: Mapping[str, Any]) -> dict[str, Any]:
    """Options for every Redis client (cache, rate limits): a Redis that hangs must cost a
    request half a second, not the 30 s a worker would wait before being killed."""
    timeout = config["REDIS_TIMEOUT_SECONDS"]
    return {
        "socket_connect_timeout": timeout,
        "socket_timeout": timeout,
        "health_check_interval": 30,
    }


def parse_setting(raw: str, kind: type) -> Any:
    """Turn an environment variable's text into the type its setting needs."""
    if kind is bool:
        return raw.strip().lower() in TRUE_WORDS
    return kind(raw)


def settings_from_environment(
    environ: os._Environ | dict[str, str], features: Iterable[FeatureSettings] = ()
) -> dict[str, Any]:
    """The documented settings, site-wide and the features', that are present in ``environ``."""
    kinds = ENVIRONMENT_SETTINGS | {
        name: kind for feature in features for name, kind in feature.ENVIRONMENT.items()
    }
    return {
        name: parse_setting(environ[name], kind)
        for name, kind in kinds.items()
        if environ.get(name)
    }


def all_defaults(instance_path: str, features: Iterable[FeatureSettings]) -> dict[str, Any]:
    """The site-wide defaults merged with each feature's own."""
    merged = default_settings(instance_path)
    for feature in features:
        merged |= feature.defaults(Path(instance_path))
    return merged


def read_secret_key_file(instance_path: str) -> str | None:
    """The key that ``flask setup`` wrote into the instance folder, if any."""
    path = Path(instance_path) / SECRET_KEY_FILE
    return path.read_text().strip() if path.exists() else None


def write_secret_key_file(instance_path: str) -> bool:
    """Create the instance secret key, readable by its owner only; False if it existed."""
    path = Path(instance_path) / SECRET_KEY_FILE
    if path.exists():
        return False
    write_private_file(path, secrets.token_hex(32).encode(), exclusive=True)
    return True


def require_secret_key(app: Flask) -> None:
    """Stop a command that signs links (sessions, unsubscribe links) when there is no key."""
    if not app.config.get("SECRET_KEY"):
        raise click.ClickException("No secret key: run `flask setup` first (or set SECRET_KEY).")


def normalise_database_url(url: str) -> str:
    """Let ``postgres://`` and ``postgresql://`` URLs use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


#: Options of the ``flask`` command that take a value, skipped to find the command's name.
FLASK_OPTIONS_WITH_VALUES = {"--app", "-A", "--env-file", "-e"}


def application_name(argv: Sequence[str]) -> str:
    """What PostgreSQL shows for this process's connections (pg_stat_activity):
    "blogapp web" for a server (gunicorn), "blogapp scheduler" for ``flask scheduler``,
    "blogapp serve" for ``make run``…"""
    if not argv or not argv[0].replace("\\", "/").rstrip("/").endswith(
        ("flask", "flask/__main__.py")
    ):
        return "blogapp web"
    words = iter(argv[1:])
    for word in words:
        if word in FLASK_OPTIONS_WITH_VALUES:
            next(words, None)
        elif not word.startswith("-"):
            return f"blogapp {word}"[:63]
    return "blogapp"


def mail_sender_for(config: dict[str, Any]) -> str:
    """A From address on the site's own domain when none is configured."""
    host = urlsplit(config["SITE_URL"]).hostname or "localhost"
    return f"{config['BLOG_TITLE']} <noreply@{host}>"


def load_config(
    app: Flask, test_config: dict[str, Any] | None, features: Iterable[FeatureSettings] = ()
) -> None:
    """Fill ``app.config``: defaults (site-wide, then each feature's), then the instance file
    and the environment, which a test config replaces."""
    features = list(features)
    app.config.from_mapping(all_defaults(app.instance_path, features))
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("BLOGAPP")
        app.config.update(settings_from_environment(os.environ, features))
        if not app.config.get("SECRET_KEY"):
            app.config["SECRET_KEY"] = read_secret_key_file(app.instance_path)
    else:
        app.config.from_mapping(test_config)
    app.config["SITE_URL_IS_DEFAULT"] = not app.config.get("SITE_URL")
    if app.config["SITE_URL_IS_DEFAULT"]:
        app.config["SITE_URL"] = DEFAULT_SITE_URL
    app.config["DATABASE_URL"] = normalise_database_url(app.config["DATABASE_URL"])
    app.config["SQLALCHEMY_DATABASE_URI"] = app.config["DATABASE_URL"]
    app.config.setdefault(
        "SQLALCHEMY_ENGINE_OPTIONS",
        engine_options(
            app.config["DATABASE_URL"],
            app.config["DATABASE_CONNECT_TIMEOUT"],
            app.config["DATABASE_STATEMENT_TIMEOUT"],
            app.config.get("DATABASE_APPLICATION_NAME") or application_name(sys.argv),
        ),
    )
    if not app.config.get("MAIL_DEFAULT_SENDER"):
        app.config["MAIL_DEFAULT_SENDER"] = mail_sender_for(app.config)
    if app.config["SITE_URL"].startswith("https://"):
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True


#: What a production key must at least hold, by ``estimated_key_bits``; a key of 32 random
#: bytes (``secrets.token_hex(32)``, as ``flask setup`` writes) is always well above it.
SECRET_KEY_MIN_BITS = 128
KNOWN_UNSAFE_KEYS = {"dev", "secret", "changeme", "change-me", "test", "development"}
WEAK_KEY_MESSAGE = (
    "SECRET_KEY is missing or too weak: it must be random, at least 32 random bytes' worth "
    '(for example the output of `python -c "import secrets; print(secrets.token_hex(32))"`); '
    "set it in the environment, or run `flask setup`, which writes instance/secret_key."
)


def shannon_bits(symbols: Sequence[object]) -> float:
    """How many bits the symbols carry, judged by how often each one occurs."""
    counts = Counter(symbols).values()
    total = len(symbols)
    return -sum(count * math.log2(count / total) for count in counts)


def estimated_key_bits(key: str) -> float:
    """A cautious estimate of a key's randomness: the least of three measures, each blind to
    a different pattern (few distinct characters; runs like "abcdef"; repeated pieces)."""
    if len(key) < 2:
        return 0.0
    steps = [ord(after) - ord(before) for before, after in pairwise(key)]
    packed = 8 * (len(zlib.compress(key.encode(), 9)) - 6)  # less zlib's header and checksum
    return min(shannon_bits(key), shannon_bits(steps), packed)


def secret_key_problem(key: str | bytes | None) -> str | None:
    text = key.decode("latin-1") if isinstance(key, bytes) else key or ""
    if text in KNOWN_UNSAFE_KEYS or estimated_key_bits(text) < SECRET_KEY_MIN_BITS:
        return WEAK_KEY_MESSAGE
    return None


def site_url_problem(config: Mapping[str, Any]) -> str | None:
    """Over plain http, login cookies and reset links cross the network readable by anyone."""
    site_url = config.get("SITE_URL") or ""
    if site_url.startswith("https://") or config.get("ALLOW_HTTP"):
        return None
    return (
        f"SITE_URL is {site_url or 'not set'}, not https://: logins and password links would "
        "cross the network unencrypted. Set SITE_URL=https://…, or ALLOW_HTTP=1 to serve "
        "over plain http on purpose."
    )


def refuse_unsafe_production_settings(app: Flask) -> None:
    """Stop a production server that would run with a guessable key, the debugger on, or
    over plain http."""
    problem = secret_key_problem(app.config.get("SECRET_KEY")) or site_url_problem(app.config)
    if problem:
        raise RuntimeError(problem)
    if app.debug:
        raise RuntimeError("Refusing to serve in production with debug mode on.")

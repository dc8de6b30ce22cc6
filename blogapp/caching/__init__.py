"""Caching for anonymous readers: rendered pages shared by every worker, and HTTP revalidation.

Every cached page and fragment is filed under *generations*, tokens kept in the shared cache
(``generations``): the site's, and those of the parts of it that change on their own that the
page shows (one post's comments, the comments feed, the comment counts on listings).
Committing a change to anything readers see (by whatever path: ``blogapp.changes`` announces
it) ends the generations of what it changed (``changes``), so every worker stops serving the
pages that show it and goes on serving the others. A post, bulletin or setting ends the
site's generation at once; a new comment ends its post's within ``COMMENT_CACHE_SECONDS`` (its
author sees it at once: logged-in pages are never cached); the counts on listings follow at
most ``LISTING_COUNT_SECONDS`` behind. The site's generation also ends by itself when the
next scheduled post falls due, so a post scheduled for later appears on time without any job.
The cache is a help, never a dependency: when it cannot be reached, each process keeps what
it makes in its own memory for a few seconds (``stand_in``) until it answers again.
Generations are kept under the database's identity (``identity``), so hosts of every release
hear of each change; pages under the code's fingerprint too (``keys``).
"""

from typing import Any

from flask import Flask

from ..config import redis_client_options
from .changes import listen_for_content_changes
from .fragments import cached_for_generation, kept_each_for_generation, kept_for_generation
from .generations import (
    ALL_COMMENTS,
    COMMENT_COUNTS,
    cache,
    counts_scope,
    current_generation,
    post_scope,
    shows,
)
from .keys import code_version_of
from .pages import CachedPages, cached_page, serve_cached_page, store_page

__all__ = [
    "ALL_COMMENTS",
    "COMMENT_COUNTS",
    "cache",
    "cached_for_generation",
    "cached_page",
    "counts_scope",
    "current_generation",
    "kept_each_for_generation",
    "kept_for_generation",
    "post_scope",
    "register_caching",
    "shows",
]


def cache_settings(app: Flask) -> dict[str, Any]:
    """Redis when ``CACHE_REDIS_URL`` is set, else files under ``instance/cache``, at most
    ``CACHE_THRESHOLD`` of them: made-up addresses are never stored, but every search is."""
    if app.config.get("CACHE_REDIS_URL"):
        return {
            "CACHE_TYPE": "RedisCache",
            "CACHE_KEY_PREFIX": "blogapp:",
            "CACHE_OPTIONS": redis_client_options(app.config),
        }
    return {
        "CACHE_TYPE": "blogapp.caching.files.BoundedFileCache",
        "CACHE_DIR": app.config.get("CACHE_DIR") or f"{app.instance_path}/cache",
        "CACHE_THRESHOLD": 10_000,
    }


def register_caching(app: Flask) -> None:
    """Attach the shared cache, the page-cache hooks and middleware, and the change listeners."""
    for name, value in cache_settings(app).items():
        app.config.setdefault(name, value)
    app.config.setdefault("CACHE_DEFAULT_TIMEOUT", 3600)
    app.config.setdefault("CACHE_CODE_VERSION", code_version_of(app))
    cache.init_app(app)
    app.before_request(serve_cached_page)
    app.after_request(store_page)
    app.wsgi_app = CachedPages(app)
    listen_for_content_changes()

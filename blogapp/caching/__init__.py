"""Caching for anonymous readers: rendered pages shared by every worker, and HTTP revalidation.

Every cached page and fragment is filed under the current *generation*, a token kept in the
shared cache (``generations``). Committing a change to anything readers see (by whatever
path: ``blogapp.changes`` announces it) starts a new generation, so every worker stops serving
the old pages at once (``changes``). A new comment ends the generation within
``COMMENT_CACHE_SECONDS`` instead: its author sees it at once (logged-in pages are never
cached) and everyone else within seconds, while a busy thread does not make the whole blog
render afresh for every comment. The generation also ends by itself when the next scheduled
post falls due, so a post scheduled for later appears on time without any job. Whole pages
(``pages``) and fragments such as the sidebar and comment threads (``cached_for_generation``)
are filed under it. The cache is a help, never a dependency: when it cannot be reached, pages
are rendered as if it were empty. The generation is kept under the running code's
fingerprint, so an upgrade starts one.
"""

from typing import Any

from flask import Flask

from ..config import redis_client_options
from .changes import listen_for_content_changes
from .generations import (
    cache,
    cached_for_generation,
    current_generation,
    generation_key_for,
    kept_each_for_generation,
    kept_for_generation,
)
from .pages import CachedPages, cached_page, serve_cached_page, store_page

__all__ = [
    "cache",
    "cached_for_generation",
    "cached_page",
    "current_generation",
    "kept_each_for_generation",
    "kept_for_generation",
    "register_caching",
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
    app.config.setdefault("CACHE_GENERATION_KEY", generation_key_for(app))
    cache.init_app(app)
    app.before_request(serve_cached_page)
    app.after_request(store_page)
    app.wsgi_app = CachedPages(app)
    listen_for_content_changes()

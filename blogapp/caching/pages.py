"""Whole pages for anonymous readers: kept in the shared cache, revalidated with ETags.

A page is stored after Flask renders it for a visitor with no account, and served again
to every such visitor until its generation ends. Visitors who send no session cookie at all
(most readers, and every crawler) are answered before Flask handles the request; visitors
with a session cookie but no account go through Flask, which serves the same stored page.
A view says its page may be kept with ``@cached_page(...)``, naming the query arguments it
reads: the page is kept under its path with only those, and any other address of it is
redirected there, so nobody can fill the cache with made-up variants of one page.
"""

import gzip
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import urlencode

from flask import Flask, current_app, g, redirect, request, session
from werkzeug.http import is_resource_modified, parse_cookie
from werkzeug.wrappers import Response

from ..ops.counters import count_page_cache_lookup
from .generations import (
    SITE,
    Generation,
    current_generation,
    generation_key,
    generations_of,
    shared,
    shown_scopes,
)
from .identity import database_identity, known_database_identity
from .keys import page_key, scopes_key
from .worker_copies import WorkerCopies

View = TypeVar("View", bound=Callable[..., Any])
GenerationsOf = Callable[[list[str]], dict[str, Generation] | None]

#: The attribute ``cached_page`` sets on a view: the query arguments its page reads.
PAGE_ARGUMENTS = "cached_page_arguments"
ANONYMOUS_CACHE_CONTROL = "public, no-cache"
PRIVATE_CACHE_CONTROL = "private, no-cache"
#: Says whether an anonymous page came from the cache ("hit") or was rendered ("miss"), for
#: whoever measures how well the cache works.
SOURCE_HEADER = "X-Page-Cache"
#: Headers a stored page never repeats: they belong to the visitor it was rendered for, or
#: to the answer it was rendered in.
VISITOR_HEADERS = {
    "set-cookie",
    "x-ratelimit-limit",
    "x-ratelimit-remaining",
    "x-ratelimit-reset",
    SOURCE_HEADER.lower(),
}
#: Headers that differ between the plain and the compressed page.
VARIANT_HEADERS = {"content-length", "content-encoding", "etag"}


@dataclass(frozen=True)
class Variant:
    """One encoding of a stored page, as sent."""

    body: bytes
    headers: list[tuple[str, str]]
    etag: str


@dataclass(frozen=True)
class CachedPage:
    """A rendered page, plain and gzip-compressed (compressed once, sent many times)."""

    body: bytes
    gzipped: bytes
    #: The response's headers, without its length, encoding and ETag.
    headers: list[tuple[str, str]]
    etag: str
    last_modified: datetime

    @classmethod
    def of(cls, response: Response, etag: str) -> "CachedPage":
        body = response.get_data()
        kept = [(name, value) for name, value in response.headers.items()
                if name.lower() not in VISITOR_HEADERS | VARIANT_HEADERS]  # fmt: skip
        return cls(body, gzip.compress(body, 6), kept, etag, response.last_modified)

    def variant_for(self, environ: dict[str, Any]) -> Variant:
        """Gzip for clients that accept it (every browser), else the plain page."""
        if "gzip" in environ.get("HTTP_ACCEPT_ENCODING", ""):
            encoding = [("Content-Encoding", "gzip")]
            body, etag = self.gzipped, f"{self.etag}-gzip"
        else:
            encoding, body, etag = [], self.body, self.etag
        length = [("Content-Length", str(len(body))), ("ETag", f'"{etag}"')]
        return Variant(body, [*self.headers, *encoding, *length], etag)

    def is_modified_for(self, environ: dict[str, Any], variant: Variant) -> bool:
        return is_resource_modified(environ, etag=variant.etag, last_modified=self.last_modified)


def cached_page(*arguments: str) -> Callable[[View], View]:
    """Mark a view whose page is the same for every anonymous reader: it is kept in the shared
    cache. ``arguments`` are the query arguments the page reads; an address with any other
    (or with one written another way) is sent on to the clean address, so that made-up
    variants of a page never become entries of their own."""

    def mark(view: View) -> View:
        setattr(view, PAGE_ARGUMENTS, arguments)
        return view

    return mark


def canonical_value(name: str, value: str) -> str | None:
    """The one way of writing an argument's value; None when it says nothing (page 1, no
    words)."""
    if name == "page" and value.isascii() and value.isdigit():
        value = str(int(value))
        return None if value == "1" else value
    if name == "q":
        return " ".join(value.split()) or None
    return value


def clean_arguments(arguments: tuple[str, ...]) -> list[tuple[str, str]]:
    """This request's query arguments reduced to ``arguments``, in that order, each once and
    written one way."""
    kept = []
    for name in arguments:
        value = request.args.get(name)
        value = canonical_value(name, value) if value is not None else None
        if value is not None:
            kept.append((name, value))
    return kept


def page_arguments() -> tuple[str, ...] | None:
    """The query arguments of this request's view if its page is cached, else None."""
    return getattr(current_app.view_functions.get(request.endpoint), PAGE_ARGUMENTS, None)


def is_anonymous_request() -> bool:
    """No account (not even a remember-me cookie) and nothing pending for this visitor."""
    remember_cookie = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    return (
        "_user_id" not in session
        and "_flashes" not in session
        and remember_cookie not in request.cookies
    )


def is_cacheable_request() -> bool:
    return (
        current_app.config["PAGE_CACHE_ENABLED"]
        and request.method in ("GET", "HEAD")
        and page_arguments() is not None
        and is_anonymous_request()
    )


def mark_revalidatable(response: Response, etag: str, last_modified: datetime) -> None:
    """Let browsers and proxies keep the page and ask again with If-None-Match."""
    response.set_etag(etag)
    response.last_modified = last_modified
    response.headers["Cache-Control"] = ANONYMOUS_CACHE_CONTROL
    response.vary.update(("Cookie", "Accept-Encoding"))


def stored_response(page: CachedPage) -> Response:
    """A stored page as Flask's response to this request (a 304 when the reader has it)."""
    variant = page.variant_for(request.environ)
    if not page.is_modified_for(request.environ, variant):
        response = current_app.response_class(status=304, headers=not_modified(variant))
        return response
    return current_app.response_class(variant.body, headers=variant.headers)


def not_modified(variant: Variant) -> list[tuple[str, str]]:
    dropped = {"content-length", "content-type", "content-encoding"}
    return [(name, value) for name, value in variant.headers if name.lower() not in dropped]


#: The pages this worker stored or read last, and the scopes each address showed: a page
#: another worker asks for next is often the one just stored.
recent_pages = WorkerCopies(kept=32)
recent_scopes = WorkerCopies(kept=1000)


def find_page(
    app: Flask, identity: str, address: str, site: Generation, generations_for: GenerationsOf
) -> "CachedPage | None":
    """The page stored for ``address`` under the site generation and the current
    generations of the scopes it showed, if there is one."""
    where_scopes = scopes_key(app, identity, address, site)
    scopes = recent_scopes.get(where_scopes)
    if scopes is None:
        scopes = shared(lambda store: store.get(where_scopes), app)
    if scopes is None:
        return None
    shown = generations_for(list(scopes))
    if shown is None:
        return None
    key = page_key(app, identity, address, site, shown)
    page = recent_pages.get(key)
    if page is None:
        page = shared(lambda store: store.get(key), app)
    if page is not None:
        recent_pages.keep(key, page)
        recent_scopes.keep(where_scopes, scopes)
    return page


def serve_cached_page() -> Response | None:
    """Answer an anonymous reader from the shared cache when the page is there."""
    if not is_cacheable_request():
        return None
    arguments = clean_arguments(page_arguments())
    query = urlencode(arguments)
    if list(request.args.items(multi=True)) != arguments:
        path = request.script_root + request.path
        return redirect(f"{path}?{query}" if query else path, 301)
    identity = known_database_identity(current_app) or database_identity(current_app)
    if identity is None:
        return None
    address = f"{request.environ.get('PATH_INFO', '')}?{query}"
    page = find_page(current_app, identity, address, current_generation(), generations_of)
    count_page_cache_lookup(page is not None)
    if page is None:
        g.page_to_store = (identity, address)
        return None
    g.served_from_cache = True
    response = stored_response(page)
    response.headers[SOURCE_HEADER] = "hit"
    return response


def last_change(generations: Iterable[Generation]) -> datetime:
    return max(generation.started_at for generation in generations).replace(microsecond=0)


def store_page(response: Response) -> Response:
    """Keep a freshly rendered anonymous page, unless another worker has kept it already;
    mark every page for revalidation."""
    to_store = g.pop("page_to_store", None)
    if g.get("served_from_cache"):
        return response
    if to_store is None or response.status_code != 200 or session.modified:
        response.headers.setdefault("Cache-Control", PRIVATE_CACHE_CONTROL)
        return response
    site, shown = current_generation(), shown_scopes()
    etag = hashlib.sha256(response.get_data()).hexdigest()[:32]
    mark_revalidatable(response, etag, last_change([site, *shown.values()]))
    response.headers[SOURCE_HEADER] = "miss"
    identity, address = to_store
    if database_identity(current_app) != identity:
        return response
    key = page_key(current_app, identity, address, site, shown)
    if recent_pages.get(key) is not None or shared(lambda store: store.has(key)):
        return response
    page = CachedPage.of(response, etag)
    where_scopes = scopes_key(current_app, identity, address, site)
    scopes = tuple(shown)
    shared(lambda store: store.set_many({where_scopes: scopes, key: page}))
    recent_pages.keep(key, page)
    recent_scopes.keep(where_scopes, scopes)
    stored = stored_response(page)
    stored.headers[SOURCE_HEADER] = "miss"
    return stored


def current_generations_in(app: Flask, identity: str) -> GenerationsOf:
    """Read the generations of scopes as they are (the middleware never starts one): None
    when one of them is missing or over."""

    def generations_for(scopes: list[str]) -> dict[str, Generation] | None:
        if not scopes:
            return {}
        keys = [generation_key(app, scope, identity) for scope in scopes]
        found = shared(lambda store: store.get_many(*keys), app)
        if found is None or any(item is None or item.is_over() for item in found):
            return None
        return dict(zip(scopes, found, strict=True))

    return generations_for


class CachedPages:
    """WSGI middleware: answer visitors who send no session cookie from the shared cache."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.render = app.wsgi_app
        self.visitor_cookies = {
            app.config.get("SESSION_COOKIE_NAME", "session"),
            app.config.get("REMEMBER_COOKIE_NAME", "remember_token"),
        }

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        page = self.stored_page(environ)
        if page is None:
            return self.render(environ, start_response)
        variant = page.variant_for(environ)
        hit = [(SOURCE_HEADER, "hit")]
        if not page.is_modified_for(environ, variant):
            start_response("304 Not Modified", [*not_modified(variant), *hit])
            return []
        start_response("200 OK", [*variant.headers, *hit])
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [variant.body]

    def stored_page(self, environ: dict[str, Any]) -> CachedPage | None:
        if environ["REQUEST_METHOD"] not in ("GET", "HEAD"):
            return None
        if not self.app.config["PAGE_CACHE_ENABLED"] or self.has_visitor_cookie(environ):
            return None
        identity = known_database_identity(self.app)
        if identity is None:
            return None
        key = generation_key(self.app, SITE, identity)
        site = shared(lambda store: store.get(key), self.app)
        if site is None or site.is_over():
            return None
        address = f"{environ.get('PATH_INFO', '')}?{environ.get('QUERY_STRING', '')}"
        generations = current_generations_in(self.app, identity)
        page = find_page(self.app, identity, address, site, generations)
        if page is not None:
            count_page_cache_lookup(True)  # a miss is counted where the app looks again
        return page

    def has_visitor_cookie(self, environ: dict[str, Any]) -> bool:
        cookie_header = environ.get("HTTP_COOKIE")
        return bool(cookie_header) and not self.visitor_cookies.isdisjoint(
            parse_cookie(cookie_header)
        )

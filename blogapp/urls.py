"""Addresses: absolute URLs on the site address, safe redirect targets, and what a path may hold."""

import re
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app, has_request_context, request, url_for
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.routing import IntegerConverter, Map, MapAdapter, RequestRedirect, UnicodeConverter

from .typed_text import LARGEST_ID

ROOT_RELATIVE_ATTRIBUTE = re.compile(r'(\s(?:href|src)=")/(?!/)')
#: A year and a month in a dated address ("/2016/09/"): four and two digits, and only those a
#: date can hold, so "/0000/" and "/2016/13/" are a 404 like any address that names nothing.
YEAR = "<int(fixed_digits=4, min=1):year>"
MONTH = "<int(fixed_digits=2, min=1, max=12):month>"


def site_url() -> str:
    """``SITE_URL`` without a trailing slash."""
    return current_app.config["SITE_URL"].rstrip("/")


def external_url(endpoint: str, **values: object) -> str:
    """An absolute URL built on ``SITE_URL``, never on the request's Host header."""
    return site_adapter(site_url()).build(endpoint, values, force_external=True)


def address_of(item: Any, *, external: bool = False, **values: object) -> str:
    """The address of a post or page (anything with ``address``: endpoint and values)."""
    endpoint, own = item.address
    if external:
        return external_url(endpoint, **own, **values)
    return url_for(endpoint, **own, **values)


def site_adapter(url: str) -> MapAdapter:
    """The URL map bound to ``url``, once per application and address (feeds and mail
    build many absolute links)."""
    adapters = current_app.extensions.setdefault("site_adapters", {})
    adapter = adapters.get(url)
    if adapter is None:
        parts = urlsplit(url)
        adapter = adapters[url] = current_app.url_map.bind(
            parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "http"
        )
    return adapter


def absolutise_links(html: str) -> str:
    """Make root-relative links and images in sanitised HTML absolute (for feeds and mail)."""
    return ROOT_RELATIVE_ATTRIBUTE.sub(lambda match: f"{match.group(1)}{site_url()}/", html)


def is_safe_redirect(target: str | None) -> bool:
    """Only paths on this site: no scheme, no host, no '//' or backslash tricks."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return False
    if any(character in target for character in "\\\r\n\t") or any(
        ord(character) < 32 for character in target
    ):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_redirect_target(target: str | None, fallback: str) -> str:
    """``target`` when it is a path on this site, else ``fallback``."""
    return target if target and is_safe_redirect(target) else fallback


class IdUrl:
    """``url_for(endpoint, argument=id)`` for many ids: routed once, then filled in.

    A thread of 500 comments needs 1,500 links; building each through the URL map would
    cost more than rendering the comments.
    """

    PLACEHOLDER = 2_147_480_011

    def __init__(self, endpoint: str, argument: str) -> None:
        url = url_for(endpoint, **{argument: self.PLACEHOLDER})
        self.head, self.tail = url.split(str(self.PLACEHOLDER), 1)

    def __call__(self, value: int) -> str:
        return f"{self.head}{value}{self.tail}"


#: How many built paths an application keeps; past that it forgets them all and starts again.
BUILT_PATHS_KEPT = 20_000


def cached_url_for(endpoint: str, **values: object) -> str:
    """``url_for`` for templates, remembering the paths it has built.

    A listing page links each post three or four times, and building a path through the URL
    map costs about 20 µs; the same posts are linked on every request. Only plain relative
    paths built during a request are kept (by script root, endpoint and values), so a path
    never depends on anything the key leaves out.
    """
    if (
        not has_request_context()
        or endpoint.startswith(".")
        or any(name.startswith("_") for name in values)
    ):
        return url_for(endpoint, **values)
    try:
        key = (request.script_root, endpoint, frozenset(values.items()))
        built = current_app.extensions["built_paths"]
        path = built.get(key)
    except TypeError:
        return url_for(endpoint, **values)
    if path is None:
        path = url_for(endpoint, **values)
        if len(built) >= BUILT_PATHS_KEPT:
            built.clear()
        built[key] = path
    return path


def register_cached_url_for(app: Flask) -> None:
    """Templates build their links through ``cached_url_for``."""
    app.extensions["built_paths"] = {}
    app.add_template_global(cached_url_for, "url_for")


class IdConverter(IntegerConverter):
    """``<int:…>``: ASCII digits (not "١"), no larger than an id can be; else a 404."""

    regex = r"[0-9]+"

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(*args, **kwargs)


class PrintableTextConverter(UnicodeConverter):
    """``<name>``: a path segment without control characters, which no slug or name holds
    (and which PostgreSQL cannot even compare); else a 404."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.regex = self.regex.replace("[^/]", r"[^/\x00-\x1f\x7f]")


def register_url_converters(app: Flask) -> None:
    """Before any route is added: rules take their converters when they join the map."""
    app.url_map.converters.update(
        int=IdConverter, default=PrintableTextConverter, string=PrintableTextConverter
    )


# One address per page ------------------------------------------------------------------------
#: Methods whose redirect may become a 301 (a form sent by POST keeps Werkzeug's 308).
READING_METHODS = {"GET", "HEAD"}


class MovedPermanently(RequestRedirect):
    code = 301


class OneAddressPerPage(MapAdapter):
    """Each page has one address, with or without its trailing slash as its rule says; the
    other form answers 301 to it (Werkzeug adds a missing slash with a 308, and a slash too
    many is its 404), so caches and search engines see one address."""

    def match(  # type: ignore[override]
        self,
        path_info: str | None = None,
        method: str | None = None,
        return_rule: bool = False,
        query_args: object = None,
        websocket: bool | None = None,
    ) -> tuple[object, dict]:
        path = self.path_info if path_info is None else path_info
        reading = (method or self.default_method).upper() in READING_METHODS
        try:
            return super().match(path_info, method, return_rule, query_args, websocket)
        except RequestRedirect as moved:
            if reading and moved.code == 308:
                raise MovedPermanently(moved.new_url) from None
            raise
        except NotFound:
            trimmed = path.rstrip("/")
            if not reading or trimmed == path or not trimmed or not self.matches(trimmed, method):
                raise
            raise MovedPermanently(self.make_redirect_url(trimmed, query_args)) from None

    def matches(self, path: str, method: str | None) -> bool:
        """Whether a rule answers ``path`` itself (another method's rule counts; a redirect
        does not: Werkzeug sends "/2016/13" on to "/2016/13/", the 404 we came from)."""
        try:
            super().match(path, method)
        except (NotFound, RequestRedirect):
            return False
        except HTTPException:
            return True
        return True


class OneAddressMap(Map):
    """A URL map whose adapters are ``OneAddressPerPage`` (Werkzeug's binding methods name
    MapAdapter itself, so the adapter they make is given the subclass)."""

    def bind(self, *args: Any, **kwargs: Any) -> MapAdapter:
        adapter = super().bind(*args, **kwargs)
        adapter.__class__ = OneAddressPerPage
        return adapter

    def bind_to_environ(self, *args: Any, **kwargs: Any) -> MapAdapter:
        adapter = super().bind_to_environ(*args, **kwargs)
        adapter.__class__ = OneAddressPerPage
        return adapter


class BlogFlask(Flask):
    """Flask with a URL map that keeps one address per page."""

    url_map_class = OneAddressMap

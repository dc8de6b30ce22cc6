"""What every template can use."""

import secrets
from functools import cached_property

from flask import Flask, Response, current_app, render_template, request
from markupsafe import Markup

from .blog.queries import archive_counts, labels_in_use, pages_in_navigation
from .bulletins.queries import latest_bulletin_links
from .caching import cached_for_generation
from .text import safe_html, xml_text
from .urls import IdUrl, external_url, register_cached_url_for


def render_shared_boxes() -> Markup:
    """The pages, bulletins, archive and labels boxes, the same for every reader."""
    html = render_template(
        "_sidebar_shared.html",
        pages=pages_in_navigation(),
        latest_bulletins=latest_bulletin_links(),
        archive=archive_counts(),
        labels=labels_in_use(),
    )
    return Markup(html)  # noqa: S704 - rendered by the escaping template


class Sidebar:
    """The sidebar's shared boxes, rendered once per change of content and only when shown."""

    @cached_property
    def shared_boxes(self) -> Markup:
        return cached_for_generation("sidebar", render_shared_boxes)


def current_path() -> str:
    """The path and query of this request, to come back to after logging in."""
    return request.full_path.rstrip("?")


def template_context() -> dict[str, object]:
    return {
        "sidebar": Sidebar(),
        "blog_title": current_app.config["BLOG_TITLE"],
        "blog_description": current_app.config["BLOG_DESCRIPTION"],
    }


#: Where a template shows HTML added after rendering: random, so that no text a visitor
#: writes can stand for it.
ENCODED_HTML_MARK = f"<!--encoded html {secrets.token_hex(16)}-->"


def render_around(template: str, name: str, html: bytes, **context: object) -> Response:
    """``template`` as a response, with ``html`` (UTF-8, already safe) where it prints ``name``.

    ``html`` is not decoded, copied into the rendered text and encoded again: for a post with
    hundreds of comments, that would be a good part of the page's work. An empty ``html``
    reaches the template as an empty (false) value.
    """
    mark = Markup(ENCODED_HTML_MARK) if html else ""  # noqa: S704 - a constant comment
    rendered = render_template(template, **{name: mark}, **context)
    before, _mark, after = rendered.partition(ENCODED_HTML_MARK)
    return current_app.response_class(b"".join((before.encode(), html, after.encode())))


def register_template_globals(app: Flask) -> None:
    app.add_template_filter(safe_html, "sanitised")
    app.add_template_filter(xml_text)
    app.context_processor(template_context)
    app.add_template_global(external_url)
    app.add_template_global(current_path)
    app.add_template_global(IdUrl, "id_url")
    register_cached_url_for(app)

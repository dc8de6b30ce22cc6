"""What every template can use."""

from functools import cached_property

from flask import Flask, current_app, render_template, request
from markupsafe import Markup

from .blog.queries import archive_counts, labels_in_use
from .bulletins.queries import latest_bulletin_links
from .caching import cached_for_generation
from .text import safe_html
from .urls import IdUrl, external_url, register_cached_url_for


def render_shared_boxes() -> Markup:
    """The bulletins, archive and labels boxes, the same for every reader."""
    html = render_template(
        "_sidebar_shared.html",
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


def register_template_globals(app: Flask) -> None:
    app.add_template_filter(safe_html, "sanitised")
    app.context_processor(template_context)
    app.add_template_global(external_url)
    app.add_template_global(current_path)
    app.add_template_global(IdUrl, "id_url")
    register_cached_url_for(app)

"""What robots and monitors ask for: robots.txt, the sitemap and a health check."""

from flask import Response, current_app, jsonify, render_template
from sqlalchemy import select

from ..bulletins.queries import bulletin_is_visible
from ..caching import cached_page
from ..extensions import db
from ..health import health_report
from ..models import Bulletin, Label, Post, Series
from ..urls import external_url
from . import bp
from .queries import is_visible


@bp.get("/robots.txt")
@cached_page()
def robots() -> Response:
    body = render_template("blog/robots.txt", sitemap_url=external_url("blog.sitemap"))
    return Response(body, mimetype="text/plain")


@bp.get("/sitemap.xml")
@cached_page()
def sitemap() -> Response:
    posts = db.session.execute(
        select(Post.published_year, Post.published_month, Post.slug, Post.updated_at, Post.kind)
        .where(is_visible())
        .order_by(Post.published_at.desc())
    )
    body = render_template(
        "blog/sitemap.xml",
        posts=posts,
        labels=db.session.scalars(select(Label.slug).order_by(Label.slug)),
        series=db.session.scalars(select(Series.slug).order_by(Series.slug)),
        bulletins=db.session.execute(
            select(Bulletin.id, Bulletin.slug, Bulletin.updated_at)
            .where(bulletin_is_visible())
            .order_by(Bulletin.published_at.desc())
        ),
        external_url=external_url,
    )
    return Response(body, mimetype="application/xml")


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    """The database, the shared cache, the rate-limit storage and the scheduler, apart:
    503 without a database, "degraded" without Redis, always within a second."""
    report, status = health_report(current_app._get_current_object())
    return jsonify(report), status

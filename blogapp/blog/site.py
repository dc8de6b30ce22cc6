"""What robots and monitors ask for: robots.txt, the sitemap and a health check."""

from flask import Response, current_app, jsonify, render_template
from sqlalchemy import select, text

from ..bulletins.queries import bulletin_is_visible
from ..caching import cached_page
from ..extensions import db
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
        select(Post.published_year, Post.published_month, Post.slug, Post.updated_at)
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
    """200 when the database answers, 503 when it does not."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as error:
        db.session.rollback()
        current_app.logger.warning("health check failed: %s", error)
        return jsonify(status="unavailable", database="error"), 503
    return jsonify(status="ok", database="ok"), 200

"""Reading the blog: home, posts, archive, labels, series, search, feeds and sitemap."""

from flask import Blueprint

bp = Blueprint("blog", __name__)

from . import feeds, search, site, views  # noqa: E402, F401  (attach their routes to bp)

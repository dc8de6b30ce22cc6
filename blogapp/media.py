"""Serving uploaded images at /uploads/…: cached for a year, never sniffed as anything else."""

from flask import Blueprint, abort, current_app, send_from_directory
from werkzeug.wrappers import Response

from .images import IMAGE_EXTENSIONS

#: A file's name is random and never reused, so browsers and proxies may keep it for good.
ONE_YEAR = 365 * 24 * 60 * 60

#: Where the files under UPLOAD_FOLDER are served (built without a request by background jobs).
UPLOADS_PATH = "/uploads"

bp = Blueprint("media", __name__)


@bp.get(f"{UPLOADS_PATH}/<path:filename>")
def upload(filename: str) -> Response:
    """An image from UPLOAD_FOLDER; 404 for anything else, missing or outside it."""
    if filename.rsplit(".", 1)[-1].lower() not in IMAGE_EXTENSIONS:
        abort(404)
    response = send_from_directory(current_app.config["UPLOAD_FOLDER"], filename, max_age=ONE_YEAR)
    response.cache_control.public = True
    response.cache_control.immutable = True
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response

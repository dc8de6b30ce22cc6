"""Serving uploaded and copied images at /uploads/…, from the upload store (the instance
folder or the bucket every host shares): cached for a year, never sniffed as anything else."""

import logging

from flask import Blueprint, abort, current_app
from werkzeug.wrappers import Response

from .images import IMAGE_EXTENSIONS
from .upload_storage import StoreUnavailable, upload_store

log = logging.getLogger(__name__)

#: A file's name is random or its digest, never reused: browsers and proxies may keep it.
ONE_YEAR = 365 * 24 * 60 * 60

#: Where the stored images are served (built without a request by background jobs).
UPLOADS_PATH = "/uploads"

bp = Blueprint("media", __name__)


@bp.get(f"{UPLOADS_PATH}/<path:filename>")
def upload(filename: str) -> Response:
    """A stored image; 404 for anything else or missing; 503 while the store is away."""
    if filename.rsplit(".", 1)[-1].lower() not in IMAGE_EXTENSIONS or ".." in filename.split("/"):
        abort(404)
    try:
        image = upload_store().read(filename)
    except StoreUnavailable as error:
        log.warning("%s", error)
        abort(503)
    if image is None:
        abort(404)
    response = current_app.response_class(
        image.chunks, content_type=image.content_type, direct_passthrough=True
    )
    response.content_length = image.size
    response.cache_control.max_age = ONE_YEAR
    response.cache_control.public = True
    response.cache_control.immutable = True
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response

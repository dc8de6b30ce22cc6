"""The whole blog as a download, in any export format: administrators only."""

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from flask import abort, render_template
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import BooleanField, RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from ..dates import utcnow
from ..exporters.formats import FORMATS, export_to
from ..forms import BlogForm
from . import bp

CHUNK_BYTES = 256 * 1024


class ExportForm(BlogForm):
    format = RadioField(
        "Format",
        choices=[SelectChoice(format.name, format.description) for format in FORMATS.values()],
        default="json",
        validators=[InputRequired("Choose a format.")],
    )
    without_emails = BooleanField("Leave every email address out (JSON)")


def require_admin() -> None:
    if not current_user.is_admin:
        abort(403)


@bp.route("/export", methods=["GET", "POST"])
def export_blog() -> str | Response | tuple[str, int]:
    require_admin()
    form = ExportForm()
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_template("admin/export.html", form=form), status
    return export_download(form.format.data, form.without_emails.data)


def export_download(format_name: str, without_emails: bool) -> Response:
    """The export written to a private temporary file (flat memory), sent from there in
    chunks and deleted once the response is closed."""
    chosen = FORMATS[format_name]
    handle, name = tempfile.mkstemp(prefix="blogapp-export-")
    path = Path(name)
    with os.fdopen(handle, "wb") as spool:
        export_to(format_name, spool, without_emails=without_emails and format_name == "json")
    filename = f"blog-{utcnow():%Y-%m-%d}-{format_name}.{chosen.file_suffix}"
    response = Response(chunks_of(path), mimetype=chosen.media_type)
    response.content_length = path.stat().st_size
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.call_on_close(lambda: path.unlink(missing_ok=True))
    return response


def chunks_of(path: Path) -> Iterator[bytes]:
    """The file's bytes, opened only when the server starts sending them."""
    with path.open("rb") as exported:
        while chunk := exported.read(CHUNK_BYTES):
            yield chunk

"""The whole blog as a download, in any export format: administrators only."""

import tempfile

from flask import abort, render_template, send_file
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import BooleanField, RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from ..dates import utcnow
from ..exporters.formats import FORMATS, export_to
from ..forms import BlogForm
from . import bp


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
    """The export written to a temporary file (flat memory) and sent from there."""
    chosen = FORMATS[format_name]
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes it when sent
    export_to(format_name, spool, without_emails=without_emails and format_name == "json")
    spool.seek(0)
    return send_file(
        spool,
        mimetype=chosen.media_type,
        as_attachment=True,
        download_name=f"blog-{utcnow():%Y-%m-%d}-{format_name}.{chosen.file_suffix}",
    )

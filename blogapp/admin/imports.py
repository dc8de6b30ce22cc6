"""Importing a Blogger export from the editor pages."""

from flask import current_app, render_template, request
from flask_login import current_user
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField

from ..forms import BlogForm
from ..importers.operations import import_uploaded_export
from ..importers.records import ImportFailed
from . import bp


class ImportForm(BlogForm):
    export = FileField(
        "Blogger export",
        validators=[
            FileRequired("Choose the export file to upload."),
            FileAllowed(["xml", "atom"], "A Blogger export is an .xml (or .atom) file."),
        ],
    )
    dry_run = BooleanField("Dry run: check the file and show what would be imported")
    credit_me = BooleanField("Show me as the author of the imported posts")


@bp.url_value_preprocessor
def allow_large_exports(endpoint: str | None, values: dict | None) -> None:
    """Exports can be far larger than other uploads: editors get a higher limit here.

    URL value preprocessors run before the CSRF check, which is what reads the body.
    """
    is_editor = current_user.is_authenticated and current_user.is_editor
    if endpoint == "admin.import_blogger" and is_editor:
        request.max_content_length = current_app.config["IMPORT_MAX_BYTES"]


@bp.route("/import", methods=["GET", "POST"])
def import_blogger() -> tuple[str, int]:
    form = ImportForm()
    if not form.validate_on_submit():
        return render_import_page(form), 422 if form.errors else 200
    author = current_user._get_current_object() if form.credit_me.data else None
    try:
        summary = import_uploaded_export(form.export.data.stream, author, form.dry_run.data)
    except ImportFailed as error:
        form.export.errors.append(str(error))
        return render_import_page(form), 422
    return render_import_page(ImportForm(formdata=None), summary=summary), 200


def readable_size(size: int) -> str:
    """'256 MB', '512 KB'."""
    if size >= 1024 * 1024:
        return f"{round(size / 1024 / 1024, 1):g} MB"
    return f"{round(size / 1024, 1):g} KB"


def render_import_page(form: ImportForm, **context: object) -> str:
    limit = readable_size(current_app.config["IMPORT_MAX_BYTES"])
    return render_template("admin/import.html", form=form, limit=limit, **context)

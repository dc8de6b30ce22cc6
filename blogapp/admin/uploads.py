"""Uploading images for posts, and the list of those already uploaded."""

from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from markupsafe import Markup
from werkzeug.wrappers import Response

from ..blog.views import requested_page
from ..extensions import db
from ..images import (
    ImageRefused,
    image_markdown,
    megabytes,
    store_image,
    upload_url,
    uploads_newest_first,
)
from ..models import Upload
from . import bp
from .forms import ImageFields, UploadForm, add_error

UPLOADS_PER_PAGE = 24

bp.add_app_template_global(image_markdown)
bp.add_app_template_global(upload_url)
bp.add_app_template_filter(megabytes)


def upload_limit() -> str:
    """The largest image an editor may upload, for hints: '8 MB'."""
    return megabytes(current_app.config["UPLOAD_MAX_BYTES"])


def uploaded_message(upload: Upload) -> Markup:
    return Markup(
        "Uploaded “{}”. To show it in a post, paste <code>{}</code> into the body "
        "where the image should go."
    ).format(upload.original_name, image_markdown(upload))


def upload_chosen_image(form: ImageFields) -> Upload | None:
    """Store the form's image, flashing its Markdown; None, with the reason shown, if refused."""
    chosen = form.chosen_image()
    if chosen is None:
        add_error(form.image, "Choose an image file to upload.")
        return None
    try:
        description = form.image_description.data or ""
        upload = store_image(chosen.stream, chosen.filename, current_user, description)
    except ImageRefused as refusal:
        add_error(form.image, str(refusal))
        return None
    flash(uploaded_message(upload), "success")
    form.image_description.data = ""
    return upload


def render_uploads(form: UploadForm) -> str:
    pagination = db.paginate(
        uploads_newest_first(), page=requested_page(), per_page=UPLOADS_PER_PAGE, error_out=True
    )
    return render_template(
        "admin/uploads.html", form=form, pagination=pagination, max_size=upload_limit()
    )


@bp.get("/uploads")
def uploads() -> str:
    return render_uploads(UploadForm())


@bp.post("/uploads")
def upload_image() -> Response | tuple[str, int]:
    form = UploadForm()
    if not form.validate() or upload_chosen_image(form) is None:
        return render_uploads(form), 422
    return redirect(url_for("admin.uploads"))

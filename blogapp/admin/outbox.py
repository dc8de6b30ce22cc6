"""/admin/outbox: the messages the local mail catcher saved, newest first."""

from flask import abort, current_app, render_template
from flask_login import current_user
from werkzeug.wrappers import Response

from ..blog.views import requested_page
from ..mail.catcher import catcher_is_running, outbox_folder, outbox_page, read_outbox_message
from . import bp
from .mail_preview import with_strict_preview_policy
from .signed_links import message_as_seen_by

MESSAGES_PER_PAGE = 50


@bp.get("/outbox")
def outbox() -> str:
    page = requested_page()
    entries, total = outbox_page(outbox_folder(), page, MESSAGES_PER_PAGE)
    if page > 1 and not entries:
        abort(404)
    return render_template(
        "admin/outbox.html",
        entries=entries,
        total=total,
        page=page,
        has_next=page * MESSAGES_PER_PAGE < total,
        folder=outbox_folder(),
        catching=catcher_is_running(),
        mail_server=current_app.config.get("MAIL_SERVER"),
    )


@bp.get("/outbox/<name>")
def outbox_message(name: str) -> Response:
    message = read_outbox_message(outbox_folder(), name) or abort(404)
    shown = message_as_seen_by(message, current_user.email)
    page = render_template(
        "admin/outbox_message.html",
        name=name,
        message=message,
        headers=shown.headers,
        text=shown.text,
        html=shown.html,
    )
    return with_strict_preview_policy(page)

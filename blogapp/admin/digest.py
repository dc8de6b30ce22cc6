"""/admin/digest: the next digest as it would reach me, a test send, and the past runs."""

from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ..dates import utcnow
from ..digest.preview import next_edition_of, queue_preview
from ..digest.runs import delivery_counts, next_run_editions, recent_runs
from ..digest.schedule import next_digest_time
from ..extensions import limiter
from ..models import DeliveryState
from . import bp
from .mail_preview import with_strict_preview_policy


def current_user_key() -> str:
    return f"user:{current_user.id}"


@bp.get("/digest")
def digest() -> Response:
    now = utcnow()
    runs = recent_runs()
    page = render_template(
        "admin/digest.html",
        preview=next_edition_of(current_user, now),
        next_time=next_digest_time(now),
        editions=next_run_editions(now),
        runs=runs,
        counts=delivery_counts([run.id for run in runs]),
        states=DeliveryState,
        timezone=current_app.config["BLOG_TIMEZONE"],
    )
    return with_strict_preview_policy(page)


@bp.post("/digest/send-to-me")
@limiter.limit("10 per hour", key_func=current_user_key)
def send_digest_to_me() -> Response:
    """Email the next digest to the editor asking, and nobody else; records no run."""
    preview = next_edition_of(current_user)
    if preview.edition is None:
        flash("Nothing is new for you since the last digest, so there is nothing to send.", "info")
    else:
        queue_preview(preview)
        flash(f"The next digest is on its way to {current_user.email}.", "success")
    return redirect(url_for("admin.digest"))

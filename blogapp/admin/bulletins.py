"""Editors' pages for bulletins: list, new, edit, remove."""

from datetime import UTC, datetime

from flask import flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from ..blog.queries import page_of
from ..blog.views import requested_page
from ..bulletins.forms import BulletinForm, ConfirmForm
from ..bulletins.operations import (
    BulletinFields,
    create_bulletin,
    remove_bulletin,
    update_bulletin,
)
from ..bulletins.queries import all_bulletins, bulletin_sources
from ..dates import blog_zone, to_local, utcnow
from ..extensions import db
from ..models import Bulletin
from . import bp

BULLETINS_PER_PAGE = 25


def bulletin_or_404(bulletin_id: int) -> Bulletin:
    return db.get_or_404(Bulletin, bulletin_id)


def from_local_input(moment: datetime | None) -> datetime | None:
    """A time typed in the blog's zone, as UTC."""
    return moment.replace(tzinfo=blog_zone()).astimezone(UTC) if moment else None


def fields_from(form: BulletinForm) -> BulletinFields:
    return BulletinFields(
        source=form.source.data,
        title=form.title.data,
        body=form.body.data,
        link=form.link.data or None,
        published_at=from_local_input(form.published_at.data),
    )


def form_data_of(bulletin: Bulletin) -> dict[str, object]:
    return {
        "source": bulletin.source,
        "title": bulletin.title,
        "body": bulletin.body_html,
        "link": bulletin.original_url,
        "published_at": to_local(bulletin.published_at).replace(tzinfo=None),
    }


def render_bulletin_form(form: BulletinForm, bulletin: Bulletin | None = None) -> tuple[str, int]:
    status = 422 if form.is_submitted() else 200
    page = render_template(
        "admin/bulletin_form.html", form=form, bulletin=bulletin, sources=bulletin_sources()
    )
    return page, status


@bp.get("/bulletins")
def bulletins() -> str:
    pagination = page_of(all_bulletins(), requested_page(), BULLETINS_PER_PAGE)
    return render_template("admin/bulletins.html", pagination=pagination, now=utcnow())


@bp.route("/bulletins/new", methods=["GET", "POST"])
def new_bulletin() -> tuple[str, int] | Response:
    form = BulletinForm()
    if not form.validate_on_submit():
        return render_bulletin_form(form)
    bulletin = create_bulletin(fields_from(form))
    flash(f"Saved the bulletin “{bulletin.title}”.", "success")
    return redirect(url_for("admin.bulletins"))


@bp.route("/bulletins/<int:bulletin_id>/edit", methods=["GET", "POST"])
def edit_bulletin(bulletin_id: int) -> tuple[str, int] | Response:
    bulletin = bulletin_or_404(bulletin_id)
    form = BulletinForm(data=form_data_of(bulletin))
    if not form.validate_on_submit():
        return render_bulletin_form(form, bulletin)
    update_bulletin(bulletin, fields_from(form))
    flash(f"Saved the bulletin “{bulletin.title}”.", "success")
    return redirect(url_for("admin.bulletins"))


@bp.route("/bulletins/<int:bulletin_id>/remove", methods=["GET", "POST"])
def remove_bulletin_page(bulletin_id: int) -> str | Response:
    bulletin = bulletin_or_404(bulletin_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template("admin/remove_bulletin.html", bulletin=bulletin, form=form)
    title = bulletin.title
    remove_bulletin(bulletin)
    flash(f"Removed the bulletin “{title}”.", "success")
    return redirect(url_for("admin.bulletins"))

"""Site settings editors change themselves: when a reader is trusted, and the block list."""

from flask import current_app, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response
from wtforms import IntegerField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange

from ..auth.forms import printable
from ..forms import BlogForm
from ..site_settings import SiteSettings, load_site_settings, save_site_settings
from . import bp

BLOCKED_TERMS_MAX_LENGTH = 20_000


class SiteSettingsForm(BlogForm):
    hold_first_comments = IntegerField(
        "Comments a reader needs approved before theirs are published at once",
        validators=[
            InputRequired("Give a number: 0 publishes every comment at once."),
            NumberRange(0, 100, "Give a number from 0 to 100."),
        ],
    )
    blocked_terms = TextAreaField(
        "Block list: words and web domains that hold a comment for approval, one a line",
        validators=[Length(max=BLOCKED_TERMS_MAX_LENGTH), printable],
        render_kw={"rows": 8, "maxlength": BLOCKED_TERMS_MAX_LENGTH},
    )


def one_a_line(text: str) -> str:
    """The block list as editors see it again: one entry a line, without blank lines."""
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


@bp.route("/settings", methods=["GET", "POST"])
def site_settings() -> str | Response | tuple[str, int]:
    form = SiteSettingsForm(obj=load_site_settings())
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        trusted_after = current_app.config["TRUSTED_AFTER"]
        page = render_template("admin/settings.html", form=form, trusted_after=trusted_after)
        return page, status
    save_site_settings(
        SiteSettings(
            hold_first_comments=form.hold_first_comments.data,
            blocked_terms=one_a_line(form.blocked_terms.data or ""),
        )
    )
    flash("The settings are saved.", "success")
    return redirect(url_for("admin.site_settings"))

"""Site settings editors change themselves, such as holding new accounts' comments."""

from flask import flash, redirect, render_template, url_for
from werkzeug.wrappers import Response
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange

from ..forms import BlogForm
from ..site_settings import SiteSettings, load_site_settings, save_site_settings
from . import bp


class SiteSettingsForm(BlogForm):
    hold_first_comments = IntegerField(
        "Hold the first comments of each new account for approval",
        validators=[
            InputRequired("Give a number: 0 publishes every comment at once."),
            NumberRange(0, 100, "Give a number from 0 to 100."),
        ],
    )


@bp.route("/settings", methods=["GET", "POST"])
def site_settings() -> str | Response | tuple[str, int]:
    form = SiteSettingsForm(obj=load_site_settings())
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_template("admin/settings.html", form=form), status
    save_site_settings(SiteSettings(hold_first_comments=form.hold_first_comments.data))
    flash("The settings are saved.", "success")
    return redirect(url_for("admin.site_settings"))

"""The forms on the account page; each has its own prefix, as several share one page."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField
from wtforms.validators import DataRequired, InputRequired

from ..auth.forms import display_name_field, email_field, new_password_fields
from ..forms import BlogForm


def current_password_field(label: str = "Your current password") -> PasswordField:
    return PasswordField(
        label,
        validators=[InputRequired("Please type your current password.")],
        render_kw={"autocomplete": "current-password"},
    )


class ProfileForm(BlogForm):
    display_name = display_name_field()
    anonymous_by_default = BooleanField("Tick “Post as Anonymous” for me on every new comment")
    notify_replies = BooleanField("Email me replies to my comments")
    follow_on_comment = BooleanField("Follow a thread when I comment on it")
    #: Offered to editors only.
    mail_moderation_queue = BooleanField(
        "Email me, at most once an hour, about comments held or reported for moderation"
    )


class EmailChangeForm(BlogForm):
    email = email_field("New email address")
    current_password = current_password_field()


class PasswordChangeForm(BlogForm):
    current_password = current_password_field()
    password, password_again = new_password_fields()


class DownloadDataForm(BlogForm):
    current_password = current_password_field("Your password")


class DeleteAccountForm(BlogForm):
    current_password = current_password_field("Your password")
    understood = BooleanField(
        "I understand that my account cannot be restored",
        validators=[DataRequired("Please tick the box to confirm.")],
    )


#: Prefix of each form on the page, and its class.
ACCOUNT_FORMS: dict[str, type[FlaskForm]] = {
    "profile": ProfileForm,
    "email": EmailChangeForm,
    "password": PasswordChangeForm,
    "data": DownloadDataForm,
    "delete": DeleteAccountForm,
}

"""The comment, reply, edit, removal and report forms."""

from flask_login import current_user
from wtforms import BooleanField, HiddenField, TextAreaField
from wtforms.validators import Length

from ..auth.forms import follows
from ..forms import BlogForm, HumanForm, PersonOnlyForm
from .operations import COMMENT_MAX_LENGTH, REPORT_REASON_MAX_LENGTH, comment_body_problem


class CommentForm(HumanForm):
    body = TextAreaField(
        "Your comment",
        validators=[follows(comment_body_problem)],
        render_kw={"rows": 6, "maxlength": COMMENT_MAX_LENGTH},
    )
    anonymous = BooleanField("Post as Anonymous")
    #: The comment whose "Reply" was used; empty for a new thread.
    reply_to = HiddenField()


def new_comment_form(reply_to: int | None = None) -> CommentForm:
    """An empty form, "Post as Anonymous" ticked when the account asks for it."""
    anonymous = bool(current_user.is_authenticated and current_user.anonymous_by_default)
    return CommentForm(formdata=None, anonymous=anonymous, reply_to=reply_to or "")


class EditForm(BlogForm):
    body = TextAreaField(
        "Your comment",
        validators=[follows(comment_body_problem)],
        render_kw={"rows": 6, "maxlength": COMMENT_MAX_LENGTH},
    )


class RemoveForm(BlogForm):
    """Only its CSRF token: the button on the confirmation page."""


class ReportForm(PersonOnlyForm):
    reason = TextAreaField(
        "What is wrong with it? (optional)",
        validators=[Length(max=REPORT_REASON_MAX_LENGTH)],
        render_kw={"rows": 3, "maxlength": REPORT_REASON_MAX_LENGTH},
    )

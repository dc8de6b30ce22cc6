"""The base of every form: WTForms' stock messages said in the blog's voice, and the quiet
checks that tell a person from a script without asking either of them anything.

WTForms asks its form's translations for every message it was not given, so one table here
covers every field and validator; a form that names its own message keeps it.
"""

from flask import current_app
from flask_wtf import FlaskForm
from itsdangerous import BadSignature, URLSafeSerializer
from markupsafe import Markup
from wtforms import Field, HiddenField
from wtforms.widgets import HiddenInput

from .dates import utcnow

#: WTForms' stock English, and what the blog says instead: what is wrong and what to do.
BLOG_VOICE = {
    "This field is required.": "Please fill this in.",
    "Invalid input.": "That is not in a form this box takes: check it and try again.",
    "Field must be at least %(min)d character long.": "Write at least %(min)d character.",
    "Field must be at least %(min)d characters long.": "Write at least %(min)d characters.",
    "Field cannot be longer than %(max)d character.": "Keep this to %(max)d character.",
    "Field cannot be longer than %(max)d characters.": (
        "That is longer than the %(max)d characters this box takes: please shorten it."
    ),
    "Field must be exactly %(max)d character long.": "Write exactly %(max)d character.",
    "Field must be exactly %(max)d characters long.": "Write exactly %(max)d characters.",
    "Field must be between %(min)d and %(max)d characters long.": (
        "Write between %(min)d and %(max)d characters."
    ),
    "Field must be equal to %(other_name)s.": "The two entries differ: type the same in both.",
    "Number must be at least %(min)s.": "Give a number of %(min)s or more.",
    "Number must be at most %(max)s.": "Give a number of %(max)s or less.",
    "Number must be between %(min)s and %(max)s.": "Give a number from %(min)s to %(max)s.",
    "Date must be at least %(min)s.": "Choose a date on or after %(min)s.",
    "Date must be at most %(max)s.": "Choose a date on or before %(max)s.",
    "Date must be between %(min)s and %(max)s.": "Choose a date from %(min)s to %(max)s.",
    "Invalid email address.": "Enter an email address, such as name@example.org.",
    "Invalid URL.": "Enter a web address starting with http:// or https://.",
    "Invalid IP address.": "Enter an IP address, such as 192.0.2.10.",
    "Invalid Mac address.": "Enter a MAC address, such as 00:1a:2b:3c:4d:5e.",
    "Invalid UUID.": "Enter an id of the form 123e4567-e89b-12d3-a456-426614174000.",
    "Invalid value, must be one of: %(values)s.": "Choose one of: %(values)s.",
    "Invalid value, can't be any of: %(values)s.": "Choose something other than %(values)s.",
    "Not a valid choice.": "Choose one of the options shown.",
    "Invalid Choice: could not coerce.": "Choose one of the options shown.",
    "'%(value)s' is not a valid choice for this field.": "Choose one of the options shown.",
    "'%(value)s' are not valid choices for this field.": "Choose from the options shown.",
    "Invalid choice(s): one or more data inputs could not be coerced.": (
        "Choose from the options shown."
    ),
    "Not a valid integer value.": "Enter a whole number, such as 12.",
    "Not a valid decimal value.": "Enter a number, such as 2.5.",
    "Not a valid float value.": "Enter a number, such as 2.5.",
    "Not a valid datetime value.": "Give a date and time, such as 2026-11-03 09:30.",
    "Not a valid date value.": "Give a date, such as 2026-11-03.",
    "Not a valid time value.": "Give a time, such as 09:30.",
    "Not a valid week value.": "Give a week, such as 2026-W45.",
    "This field cannot be edited.": "This cannot be changed here.",
    "This field is disabled and cannot have a value.": "This cannot be changed here.",
    "File does not have an approved extension.": (
        "That kind of file cannot be used here: choose another."
    ),
    "File does not have an approved extension: {extensions}": (
        "That kind of file cannot be used here: choose a {extensions} file."
    ),
    "CSRF token missing.": "The form had expired: reload the page and send it again.",
    "CSRF token expired.": "The form had expired: reload the page and send it again.",
    "Invalid CSRF Token.": "The form had expired: reload the page and send it again.",
    "CSRF failed.": "The form had expired: reload the page and send it again.",
}


class BlogVoice:
    """WTForms' translations interface, answering in the blog's words."""

    def gettext(self, string: str) -> str:
        return BLOG_VOICE.get(string, string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


BLOG_VOICE_MESSAGES = BlogVoice()


class BlogForm(FlaskForm):
    """A Flask-WTF form (CSRF and all) whose stock messages are the blog's."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form: FlaskForm) -> BlogVoice:
            return BLOG_VOICE_MESSAGES


#: What a form asks a visitor to do when it took them for a script.
TRY_AGAIN = (
    "We could not be sure a person sent that, perhaps because it came very quickly. "
    "Please check what you typed and send it again."
)
#: Why a form looks sent by a script, as the log tells whoever runs the site.
TOO_FAST = "sent faster than a person types"
TRAP_FILLED = "filled in the field hidden from people"


def shown_at_signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="form-shown-at")


class ShownAtField(HiddenField):
    """When the form was shown, signed, so a script cannot claim it read the page for long."""

    def _value(self) -> str:
        return self.data or shown_at_signer().dumps(utcnow().timestamp())

    def seconds_shown(self) -> float | None:
        """Seconds since the form was shown; None when the time is missing or forged."""
        try:
            shown = float(shown_at_signer().loads(self.data or ""))
        except (BadSignature, TypeError, ValueError):
            return None
        return utcnow().timestamp() - shown


class TrapInput(HiddenInput):
    """A text box placed off-screen, out of the tab order and hidden from screen readers.

    It is a ``HiddenInput`` so that ``form.hidden_tag()``, which every form template already
    calls, puts it in the page; people never see it, scripts that fill every box do.
    """

    input_type = "text"

    def __call__(self, field: Field, **kwargs: object) -> Markup:
        box = super().__call__(field, tabindex="-1", autocomplete="off", value="", **kwargs)
        return Markup('<div class="form-trap" aria-hidden="true">{}{}</div>').format(
            field.label(), box
        )


class HumanForm(BlogForm):
    """A form that notices scripts: a box no person fills, and a minimum time to fill it in
    (``COMMENT_MIN_SECONDS``); what to do with a script's form is the form's own choice."""

    form_shown_at = ShownAtField()
    website = HiddenField("Leave this box empty", widget=TrapInput())

    def sign_of_a_script(self) -> str | None:
        """Why this form looks sent by a script, or None when a person may have sent it."""
        if (self.website.data or "").strip():
            return TRAP_FILLED
        least = float(current_app.config["COMMENT_MIN_SECONDS"])
        if least <= 0:
            return None
        seconds = self.form_shown_at.seconds_shown()
        return TOO_FAST if seconds is None or seconds < least else None


class PersonOnlyForm(HumanForm):
    """A form a script cannot send: the visitor is asked to send it again instead."""

    def validate(self, extra_validators: dict | None = None) -> bool:
        valid = super().validate(extra_validators)
        if valid and self.sign_of_a_script():
            self.form_errors.append(TRY_AGAIN)
            self.form_shown_at.data = None
            return False
        return valid

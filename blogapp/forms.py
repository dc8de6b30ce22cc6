"""The base of every form: WTForms' stock messages said in the blog's voice.

WTForms asks its form's translations for every message it was not given, so one table here
covers every field and validator; a form that names its own message keeps it.
"""

from flask_wtf import FlaskForm

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

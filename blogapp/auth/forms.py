"""Account forms: each field's rules come from ``rules.py``, so the pages and CLI agree."""

from collections.abc import Callable

from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, Field, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, ValidationError

from ..forms import BlogForm, PersonOnlyForm
from ..typed_text import control_characters_problem
from .names import editor_name_problem
from .rules import PASSWORD_MAX_LENGTH, display_name_problem, password_problem

EMAIL_MESSAGE = "Please give an email address like name@example.org."
PASSWORDS_DIFFER = "The two passwords are not the same."


def follows(rule: Callable[[str], str | None]) -> Callable[[FlaskForm, Field], None]:
    """A WTForms validator from a rule that returns a problem or None."""

    def validate(form: FlaskForm, field: Field) -> None:
        problem = rule(field.data or "")
        if problem:
            raise ValidationError(problem)

    return validate


#: For any text field that is stored: PostgreSQL cannot hold NUL, and no page can show it.
printable = follows(control_characters_problem)


def email_field(label: str = "Email address") -> EmailField:
    return EmailField(
        label,
        validators=[InputRequired(EMAIL_MESSAGE), Length(max=254), Email(EMAIL_MESSAGE)],
        render_kw={"autocomplete": "email"},
    )


def new_password_fields() -> tuple[PasswordField, PasswordField]:
    password = PasswordField(
        "New password",
        validators=[InputRequired("Please choose a password.")],
        render_kw={"autocomplete": "new-password", "maxlength": PASSWORD_MAX_LENGTH},
    )
    again = PasswordField(
        "New password again",
        validators=[
            InputRequired("Please type the password twice."),
            EqualTo("password", PASSWORDS_DIFFER),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    return password, again


def not_an_editors_name(form: FlaskForm, field: Field) -> None:
    """A reader may not take (or rename themselves to) a name that passes for an editor's."""
    renaming = current_user if current_user.is_authenticated else None
    problem = editor_name_problem(field.data or "", renaming)
    if problem:
        raise ValidationError(problem)


def display_name_field() -> StringField:
    return StringField(
        "Your name, as shown beside your comments",
        validators=[follows(display_name_problem), not_an_editors_name],
        render_kw={"autocomplete": "nickname", "maxlength": 80},
    )


class LoginForm(BlogForm):
    email = EmailField(
        "Email address",
        validators=[DataRequired("Enter the email address you registered with."), Length(max=254)],
    )
    password = PasswordField(
        "Password", validators=[DataRequired("Enter your password."), Length(max=1000)]
    )
    remember = BooleanField("Remember me on this computer")
    submit = SubmitField("Log in")


class RegisterForm(PersonOnlyForm):
    email = email_field()
    display_name = display_name_field()
    password, password_again = new_password_fields()

    def validate_password(self, field: Field) -> None:
        problem = password_problem(field.data or "", self.email.data or "")
        if problem:
            raise ValidationError(problem)


class ResetRequestForm(BlogForm):
    email = email_field()


class ResetPasswordForm(BlogForm):
    password, password_again = new_password_fields()


class ButtonForm(BlogForm):
    """A form that is only a button: the CSRF token is all it carries."""

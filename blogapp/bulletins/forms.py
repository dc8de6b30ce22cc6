"""The editors' forms for bulletins and union feeds."""

from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, StringField, TextAreaField, URLField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..auth.forms import printable
from ..forms import BlogForm
from .fetching import FeedError, UnknownHost, check_public_address
from .ingest import fetch_limits
from .operations import SOURCE_LENGTH, TITLE_LENGTH, is_web_address

BODY_LENGTH = 200_000
URL_LENGTH = 1000
LOCAL_INPUT_FORMAT = "%Y-%m-%dT%H:%M"


def web_address(form: FlaskForm, field: URLField) -> None:
    """Only http:// and https:// addresses: nothing else is fetched or linked to."""
    if field.data and not is_web_address(field.data):
        raise ValidationError("Enter a web address starting with http:// or https://.")


def public_address(form: FlaskForm, field: URLField) -> None:
    """A feed on this machine or the local network is refused when it is added, as it would
    be at every fetch (unless BULLETIN_FEEDS_ALLOW_PRIVATE is on). A name that cannot be
    looked up now is accepted: the fetch will say so on the feed, and try again."""
    if field.errors or not field.data:
        return
    try:
        check_public_address(field.data.strip(), fetch_limits())
    except UnknownHost:
        return
    except FeedError as error:
        raise ValidationError(
            f"{error} The blog fetches union feeds from the public web only: "
            "give the address the union publishes its feed at."
        ) from error


class BulletinForm(BlogForm):
    source = StringField(
        "Source",
        validators=[
            DataRequired("Say which union it is from."),
            Length(max=SOURCE_LENGTH),
            printable,
        ],
        render_kw={"list": "bulletin-sources", "autocomplete": "off"},
    )
    title = StringField(
        "Title",
        validators=[
            DataRequired("Give the bulletin a title."),
            Length(max=TITLE_LENGTH),
            printable,
        ],
    )
    body = TextAreaField(
        "Body",
        validators=[DataRequired("The bulletin needs a body."), Length(max=BODY_LENGTH), printable],
    )
    link = URLField("Link", validators=[Optional(), Length(max=URL_LENGTH), printable, web_address])
    published_at = DateTimeLocalField(
        "Published at",
        format=LOCAL_INPUT_FORMAT,
        validators=[Optional()],
        render_kw={"step": 60},
    )


class FeedForm(BlogForm):
    name = StringField(
        "Name",
        validators=[
            DataRequired("Give the feed the union's name."),
            Length(max=SOURCE_LENGTH),
            printable,
        ],
    )
    url = URLField(
        "Feed address (RSS or Atom)",
        validators=[
            DataRequired("Enter the feed's address."),
            Length(max=URL_LENGTH),
            printable,
            web_address,
            public_address,
        ],
    )


class ConfirmForm(BlogForm):
    """A button that only needs its CSRF token."""

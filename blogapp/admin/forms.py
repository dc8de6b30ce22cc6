"""Editor forms: writing a post, uploading an image, confirming a change."""

from datetime import UTC, datetime

from flask_wtf.file import FileField
from werkzeug.datastructures import FileStorage
from wtforms import BooleanField, Field, IntegerField, StringField, TextAreaField
from wtforms.fields import DateTimeLocalField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from ..auth.forms import printable
from ..blog.operations import PostFields, parse_label_names
from ..blog.queries import post_numbered_in_series
from ..dates import blog_zone, format_local_input, utcnow
from ..forms import BlogForm

MAX_LABELS = 20
MAX_LABEL_LENGTH = 100


def add_error(field: Field, message: str) -> None:
    """Show ``message`` under ``field`` (after validation, or for a check made elsewhere)."""
    field.errors = [*field.errors, message]


class LocalDateTimeField(DateTimeLocalField):
    """A ``datetime-local`` typed in the blog's zone; its data is an aware UTC datetime."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("format", ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"])
        kwargs.setdefault(
            "invalid_value_message", "Give a date and time, such as 2026-11-03 09:30."
        )
        super().__init__(*args, **kwargs)

    def _value(self) -> str:
        if self.raw_data:
            return " ".join(self.raw_data)
        return format_local_input(self.data)

    def process_formdata(self, valuelist: list[str]) -> None:
        super().process_formdata(valuelist)
        if self.data is not None:
            self.data = self.data.replace(tzinfo=blog_zone()).astimezone(UTC)


class ImageFields:
    """The image part of a form: a file and the words that describe it to blind readers."""

    image = FileField("Image", render_kw={"accept": "image/jpeg,image/png,image/gif,image/webp"})
    image_description = StringField(
        "Description of the image (alt text)", validators=[Length(max=300), printable]
    )

    def chosen_image(self) -> FileStorage | None:
        """The file the editor chose, or None when the file input was left empty."""
        data = self.image.data
        return data if isinstance(data, FileStorage) and data.filename else None


class UploadForm(ImageFields, BlogForm):
    pass


class PostForm(ImageFields, BlogForm):
    title = StringField(
        "Title",
        validators=[DataRequired(message="Give the post a title."), Length(max=300), printable],
    )
    body = TextAreaField(
        "Body", validators=[Length(max=500_000), printable], render_kw={"rows": 24}
    )
    labels = StringField("Labels", validators=[Length(max=2000), printable])
    series = StringField("Series", validators=[Length(max=150), printable])
    series_number = IntegerField(
        "Number in series",
        validators=[Optional(), NumberRange(min=1, max=1_000_000, message="Give a number from 1.")],
    )
    comments_open = BooleanField("Allow comments", default=True)
    publish_at = LocalDateTimeField("Publish at", validators=[Optional()])
    nav_order = IntegerField(
        "Place in the list of pages",
        default=0,
        validators=[
            Optional(),
            NumberRange(min=0, max=1000, message="Give a number from 0 to 1000."),
        ],
    )

    def validate_labels(self, field: StringField) -> None:
        names = parse_label_names(field.data or "")
        if len(names) > MAX_LABELS:
            raise ValidationError(f"Give at most {MAX_LABELS} labels.")
        if any(len(name) > MAX_LABEL_LENGTH for name in names):
            raise ValidationError(f"A label can be at most {MAX_LABEL_LENGTH} characters long.")

    def validate_series_number(self, field: IntegerField) -> None:
        if field.data is not None and not (self.series.data or "").strip():
            raise ValidationError("Name the series this number belongs to, or leave it empty.")

    def validate_for(
        self, action: str, now: datetime | None = None, post_id: int | None = None
    ) -> bool:
        """Check the fields, and what the chosen button needs (a body, a time); ``post_id``
        is the post being edited, which may keep its own number in its series."""
        valid = self.validate()
        now = now or utcnow()
        self.refuse_a_taken_series_number(post_id)
        if action in {"publish", "schedule", "update"} and not (self.body.data or "").strip():
            add_error(self.body, "Write the post before publishing it.")
        when = self.publish_at.data
        if action == "schedule" and not self.publish_at.errors:
            if when is None:
                add_error(self.publish_at, "Choose when to publish the post.")
            elif when <= now:
                add_error(self.publish_at, "That time has passed: choose a time still to come.")
        if action == "update" and when is not None and when > now:
            add_error(
                self.publish_at,
                "That time is still to come. To schedule this post, unpublish it first.",
            )
        return valid and not self.errors

    def refuse_a_taken_series_number(self, post_id: int | None) -> None:
        """Two posts cannot both be "Latest From Napo 119": name the one that is."""
        series, number = (self.series.data or "").strip(), self.series_number.data
        if not series or number is None or self.series_number.errors:
            return
        other = post_numbered_in_series(series, number, post_id)
        if other is not None:
            add_error(
                self.series_number,
                f"“{other.title}” is already number {number} in {other.series.name}. "
                "Give this post the next free number, or change that post first.",
            )

    def post_fields(self) -> PostFields:
        """What the editor typed, ready for the post operations."""
        return PostFields(
            title=self.title.data.strip(),
            body_source=(self.body.data or "").replace("\r\n", "\n"),
            labels=parse_label_names(self.labels.data or ""),
            series_name=(self.series.data or "").strip() or None,
            series_number=self.series_number.data,
            comments_open=self.comments_open.data,
            nav_order=self.nav_order.data or 0,
        )


class ConfirmForm(BlogForm):
    """A form with nothing but its CSRF token, for buttons such as Delete and Unpublish."""

"""One styled page for every HTTP error."""

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .extensions import db

#: What a reader is told, by status code.
ERROR_TEXT = {
    400: ("Bad request", "Something in that request did not make sense. Please try again."),
    403: ("Not allowed", "You do not have permission to do that."),
    404: ("Page not found", "There is no page at this address. It may have moved or gone."),
    405: ("Not allowed", "That page cannot be used like that."),
    413: ("Too large", "That upload is too large."),
    429: ("Too many requests", "You have done that too often. Please wait a little and try again."),
    500: ("Something went wrong", "The blog hit an error. It has been logged; please try again."),
}
CSRF_TEXT = (
    "The form had expired or did not come from this site, so nothing was changed. "
    "Please go back, reload the page and try again."
)


def render_error(error: HTTPException) -> tuple[str, int]:
    """Render ``errors/<code>.html`` (or the generic page) with the right status."""
    code = error.code or 500
    if code >= 500:
        db.session.rollback()
    title, message = ERROR_TEXT.get(code, (error.name, error.description or ""))
    if isinstance(error, CSRFError):
        message = CSRF_TEXT
    elif error.description and error.description != type(error).description:
        message = error.description
    templates = [f"errors/{code}.html", "errors/error.html"]
    return render_template(templates, code=code, title=title, message=message), code


def register_error_pages(app: Flask) -> None:
    app.register_error_handler(HTTPException, render_error)

"""One styled page for every HTTP error, and a 503 when the database cannot be reached."""

import logging

from flask import Flask, Response, render_template
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from .extensions import db, login_manager

log = logging.getLogger(__name__)
#: What a database that is down, hung or out of connections raises.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError, PoolTimeout)
#: When a visitor's browser (or a crawler) is told to try again, in seconds.
RETRY_AFTER_SECONDS = 30

#: What a reader is told, by status code.
ERROR_TEXT = {
    400: ("Bad request", "Something in that request did not make sense. Please try again."),
    403: ("Not allowed", "You do not have permission to do that."),
    404: ("Page not found", "There is no page at this address. It may have moved or gone."),
    405: ("Not allowed", "That page cannot be used like that."),
    413: ("Too large", "That upload is too large."),
    429: ("Too many requests", "You have done that too often. Please wait a little and try again."),
    500: ("Something went wrong", "The blog hit an error. It has been logged; please try again."),
    503: (
        "Back in a moment",
        "The blog cannot reach its database just now, so nothing was changed. "
        "Please try again in a minute.",
    ),
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


def database_unavailable(error: Exception) -> Response:
    """503 with Retry-After, on a page that needs nothing from the database: the visitor is
    shown as logged out (loading their account is what may have failed) and the sidebar,
    which is read from the database, is left out."""
    log.warning("the database is unavailable: %s", " ".join(str(error).split())[:300])
    try:
        db.session.rollback()
    except DATABASE_UNAVAILABLE:
        log.debug("the failed transaction could not be rolled back", exc_info=True)
    # Flask-Login has no public way to treat this request as a visitor's.
    login_manager._update_request_context_with_user()
    title, message = ERROR_TEXT[503]
    body = render_template("errors/503.html", code=503, title=title, message=message)
    return Response(body, 503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


def register_error_pages(app: Flask) -> None:
    app.register_error_handler(HTTPException, render_error)
    for error in DATABASE_UNAVAILABLE:
        app.register_error_handler(error, database_unavailable)

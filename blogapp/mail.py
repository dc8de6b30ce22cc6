"""Sending email: every message has a plain-text and an HTML part from paired templates."""

import logging
import smtplib
from email.utils import make_msgid
from urllib.parse import urlsplit

import css_inline
from flask import current_app, render_template
from flask_mail import Message

from .extensions import mail

#: Headers every message the blog sends automatically carries (RFC 3834).
AUTOMATIC_HEADERS = {"Auto-Submitted": "auto-generated"}

log = logging.getLogger(__name__)


def site_domain() -> str:
    """The host name of ``SITE_URL``, used for Message-IDs."""
    return urlsplit(current_app.config["SITE_URL"]).hostname or "localhost"


def new_message_id() -> str:
    """A unique Message-ID on the site's own domain."""
    return make_msgid(domain=site_domain())


def render_email(template: str, **context: object) -> tuple[str, str]:
    """The text and HTML (CSS inlined) bodies from ``email/<template>.txt`` and ``.html``."""
    text = render_template(f"email/{template}.txt", **context)
    html = render_template(f"email/{template}.html", **context)
    return text, css_inline.inline(html)


def build_message(
    to: str,
    subject: str,
    template: str,
    headers: dict[str, str] | None = None,
    message_id: str | None = None,
    **context: object,
) -> Message:
    """A multipart/alternative message, ready to send."""
    text, html = render_email(template, **context)
    message = Message(
        subject=subject,
        recipients=[to],
        body=text,
        html=html,
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
        extra_headers={**AUTOMATIC_HEADERS, **(headers or {})},
    )
    message.msgId = message_id or new_message_id()
    return message


def send_email(to: str, subject: str, template: str, **context: object) -> None:
    """Render and send one message through the configured SMTP server."""
    mail.send(build_message(to, subject, template, **context))


def deliver_email(to: str, subject: str, template: str, **context: object) -> bool:
    """Send one message as ``send_email`` does; False, and logged, when the server refuses it.

    For mail that a page sends on the way (a confirmation link, a reply notice): the page
    must still answer when the mail server is down or refuses the address.
    """
    try:
        send_email(to, subject, template, **context)
    except (smtplib.SMTPException, OSError):
        log.exception("Could not send %r to %s", subject, to)
        return False
    return True

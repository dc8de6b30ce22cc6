"""The one way mail leaves the blog: every message is composed here from paired templates
(plain text and HTML); what a page causes is queued (``queue``) and every message goes
out through ``sender`` over ``transport``'s SMTP connections."""

import logging
import time
from dataclasses import dataclass, field
from email.utils import make_msgid, parseaddr
from urllib.parse import urlsplit

import css_inline
from flask import current_app, get_template_attribute, render_template

from ..dates import utcnow
from .caps import has_had_its_share, is_capped
from .mime import as_smtp_bytes, fits_smtp_lines
from .queue import add_to_queue, record_suppressed
from .suppression import is_suppressed
from .transport import OutgoingMessage
from .verp import envelope_sender

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


def render_email_piece(template: str, macro: str, *arguments: object) -> tuple[str, str]:
    """The text and HTML of a piece of an email, from the macro ``macro`` of
    ``email/<template>.txt`` and ``.html``, the HTML with the emails' stylesheet inlined
    just as ``render_email`` inlines it in a whole message (to be put into one)."""
    text = get_template_attribute(f"email/{template}.txt", macro)(*arguments)
    html = get_template_attribute(f"email/{template}.html", macro)(*arguments)
    stylesheet = current_app.jinja_env.get_template("email/_style.css").render()
    return str(text), css_inline.inline_fragment(str(html), stylesheet)


@dataclass(frozen=True)
class Email:
    """A composed message: what it says and who it is for, before it becomes SMTP bytes."""

    to: str
    subject: str
    sender: str
    text: str
    html: str
    message_id: str
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def fits_smtp_lines(self) -> bool:
        """Whether both parts can travel as 8-bit lines (no quoted-printable needed)."""
        return fits_smtp_lines(self.text) and fits_smtp_lines(self.html)

    def as_outgoing(self, date: float | None = None, kind: str = "") -> OutgoingMessage:
        """The message as it goes over SMTP, dated ``date`` (now by default), with the
        envelope sender for a message of ``kind`` (see ``verp``)."""
        data = as_smtp_bytes(
            subject=self.subject,
            sender=self.sender,
            to=self.to,
            date=time.time() if date is None else date,
            message_id=self.message_id,
            headers=self.headers,
            text=self.text,
            html=self.html,
            eight_bit=self.fits_smtp_lines,
        )
        envelope = envelope_sender(self.to, kind, parseaddr(self.sender)[1])
        return OutgoingMessage(envelope, self.to, data, kind)


def compose_email(
    to: str,
    subject: str,
    template: str,
    headers: dict[str, str] | None = None,
    message_id: str | None = None,
    **context: object,
) -> Email:
    """A multipart/alternative message from ``email/<template>``, from the blog's sender."""
    text, html = render_email(template, **context)
    return Email(
        to=to,
        subject=subject,
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
        text=text,
        html=html,
        message_id=message_id or new_message_id(),
        headers={**AUTOMATIC_HEADERS, **(headers or {})},
    )


def queue_email(to: str, subject: str, template: str, **context: object) -> bool:
    """Compose a message from ``email/<template>`` and queue it for the background sender.

    Added to the session's transaction (the caller commits), so the page that asks for
    it never waits on a mail server. False, and nothing queued, when the message is of a
    kind anyone can cause by typing an address and the address has had its share of those
    (see ``caps``); the page should answer as it always does, so that nobody learns
    anything about the address. Nothing is queued for a suppressed address either: the
    attempt is recorded as suppressed.
    """
    address = to.strip().lower()
    if is_suppressed(address, template):
        log.info("Not queueing %r: %s is suppressed", template, address)
        record_suppressed(
            template, address, parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[1]
        )
        return False
    if is_capped(template) and has_had_its_share(address, utcnow()):
        log.info("Not queueing %r: %s has had its share of such mail", template, address)
        return False
    email = compose_email(address, subject, template, **context)
    add_to_queue(template, email.as_outgoing(kind=template), email.message_id)
    return True

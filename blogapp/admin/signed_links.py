"""Caught mail as one viewer may see it: signed links only in the viewer's own mail.

A reset, confirmation or unsubscribe link is a key to somebody's account. The outbox holds
everyone's mail, so an editor reading it could otherwise ask for a reset of the admin's
address and follow the link. A link is signed when the route it leads to takes a ``token``;
any new route of that kind is covered without being listed here.
"""

import re
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import getaddresses
from urllib.parse import urlsplit

from flask import current_app
from werkzeug.exceptions import HTTPException
from werkzeug.routing import MapAdapter

LINK = re.compile(r"https?://[^\s\"'<>]+")
#: What a signed link is called in the note that stands in for it; others are "a signed link".
LINK_NAMES = {
    "auth.reset_password": "a password-reset link",
    "auth.confirm_email": "a confirmation link",
    "account.confirm_email_change": "a change-of-address link",
    "subscriptions.unsubscribe_page": "an unsubscribe link",
    "following.mute_page": "a mute link",
}


@dataclass(frozen=True)
class ShownMessage:
    """The parts of a caught message that the outbox page shows."""

    headers: list[tuple[str, str]]
    text: str
    html: str


def recipients_of(message: EmailMessage) -> set[str]:
    """Every address the message was written to (To and Cc), lower-cased."""
    fields = [str(value) for name in ("To", "Cc") for value in message.get_all(name, [])]
    return {address.lower() for _, address in getaddresses(fields) if address}


def is_only_for(message: EmailMessage, viewer_email: str) -> bool:
    recipients = recipients_of(message)
    return bool(recipients) and recipients == {viewer_email.lower()}


def signed_link_name(url: str, adapter: MapAdapter) -> str | None:
    """What kind of signed link ``url`` is, or None when its route takes no token."""
    path = urlsplit(url).path
    site_path = urlsplit(current_app.config["SITE_URL"]).path.rstrip("/")
    if site_path and path.startswith(f"{site_path}/"):
        path = path[len(site_path) :]
    for method in ("GET", "POST"):
        try:
            endpoint, arguments = adapter.match(path, method=method)
        except HTTPException:
            continue
        return LINK_NAMES.get(endpoint, "a signed link") if "token" in arguments else None
    return None


def hide_signed_links(content: str, recipients: str, adapter: MapAdapter) -> str:
    def replace(match: re.Match[str]) -> str:
        name = signed_link_name(match.group(0), adapter)
        if name is None:
            return match.group(0)
        return f"[{name} was sent to {recipients}; only they can see it]"

    return LINK.sub(replace, content)


def part_of(message: EmailMessage, subtype: str) -> str:
    part = message.get_body(preferencelist=(subtype,))
    return part.get_content() if part else ""


def message_as_seen_by(message: EmailMessage, viewer_email: str) -> ShownMessage:
    """The message whole for its own recipient; for anyone else, signed links become notes."""
    headers = [(name, str(value)) for name, value in message.items()]
    text, html = part_of(message, "plain"), part_of(message, "html")
    if is_only_for(message, viewer_email):
        return ShownMessage(headers, text, html)
    adapter = current_app.url_map.bind("localhost")
    recipients = ", ".join(sorted(recipients_of(message))) or "someone else"
    return ShownMessage(
        headers=[(name, hide_signed_links(value, recipients, adapter)) for name, value in headers],
        text=hide_signed_links(text, recipients, adapter),
        html=hide_signed_links(html, recipients, adapter),
    )

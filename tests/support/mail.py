"""Reading what the app mailed: the plain-text part and the links to this site inside it."""

import re
from email.message import EmailMessage
from urllib.parse import urlsplit

LINK = re.compile(r"https?://[^\s<>\"]+")


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def link_in(message: EmailMessage, containing: str) -> str:
    """The path (and query) of the first link in the text part that contains ``containing``."""
    for url in LINK.findall(text_of(message)):
        if containing in url:
            parts = urlsplit(url)
            return parts.path + (f"?{parts.query}" if parts.query else "")
    raise AssertionError(f"no link containing {containing!r} in:\n{text_of(message)}")

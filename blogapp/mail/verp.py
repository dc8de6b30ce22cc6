"""Envelope senders that say whom a bounce is about (VERP).

With BOUNCE_ADDRESS set (``bounces@blog.example``), each message goes out with its own
envelope sender, ``bounces+<kind>.<signature>.<local>=<domain>@blog.example``: a bounce
comes back to that address, which names the recipient and the kind of message. The
signature (an HMAC with SECRET_KEY) means nobody can make up an address that suppresses
someone else. Everything is lower case, since some mail servers lower-case local parts.
"""

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass

from flask import current_app

#: Kinds are template names (``comment_reply``) or ``digest``.
KIND = re.compile(r"[a-z0-9_]{1,40}")
#: A local part that can travel unquoted (RFC 5322 atext and dots).
PLAIN_LOCAL = re.compile(r"[a-z0-9!#$%&'*+/=?^_`{|}~.-]+")
#: Base32 characters of the HMAC kept: 60 bits, far beyond guessing by sending bounces.
SIGNATURE_LENGTH = 12


@dataclass(frozen=True)
class BounceTarget:
    """Whom a returned message was sent to, and what it was."""

    recipient: str
    kind: str


def signature(kind: str, recipient: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"verp\0{kind}\0{recipient}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode()[:SIGNATURE_LENGTH].lower()


def bounce_address() -> tuple[str, str] | None:
    """BOUNCE_ADDRESS as (local part, domain), lower case; None when it is not set."""
    address = (current_app.config.get("BOUNCE_ADDRESS") or "").strip().lower()
    local, at, domain = address.rpartition("@")
    return (local, domain) if at and local and domain else None


def envelope_sender(recipient: str, kind: str, default: str) -> str:
    """The envelope sender for a message of ``kind`` to ``recipient``.

    ``default`` when BOUNCE_ADDRESS is not set; the bare BOUNCE_ADDRESS for an address
    that cannot be written into a local part.
    """
    bounces = bounce_address()
    if bounces is None:
        return default
    local, domain = bounces
    recipient = recipient.strip().lower()
    recipient_local, at, recipient_domain = recipient.rpartition("@")
    if not (at and PLAIN_LOCAL.fullmatch(recipient_local) and KIND.fullmatch(kind)):
        return f"{local}@{domain}"
    token = f"{kind}.{signature(kind, recipient)}.{recipient_local}={recipient_domain}"
    return f"{local}+{token}@{domain}"


def read_envelope_sender(address: str) -> BounceTarget | None:
    """Whom a VERP address names, if it is one of ours with a good signature; else None."""
    bounces = bounce_address()
    if bounces is None:
        return None
    local, domain = bounces
    address_local, _, address_domain = address.strip().strip("<>").lower().rpartition("@")
    prefix = f"{local}+"
    if address_domain != domain or not address_local.startswith(prefix):
        return None
    parts = address_local.removeprefix(prefix).split(".", 2)
    if len(parts) != 3:
        return None
    kind, given_signature, rest = parts
    recipient_local, equals, recipient_domain = rest.rpartition("=")
    if not (equals and recipient_local and recipient_domain):
        return None
    recipient = f"{recipient_local}@{recipient_domain}"
    if not hmac.compare_digest(given_signature, signature(kind, recipient)):
        return None
    return BounceTarget(recipient, kind)

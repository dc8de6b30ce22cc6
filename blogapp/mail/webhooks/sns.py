"""Amazon SES notifications, delivered by SNS: the message signature checked against
Amazon's certificate, the subscription handshake, then bounces and complaints.

Anyone can create an SNS topic, and SNS signs every topic's messages with the same
certificate, so a good signature only proves that SNS sent the message: it is taken only
from the topics named in SES_SNS_TOPIC_ARNS. The certificate is fetched over https from a
host SNS_CERT_HOST_PATTERN allows (``sns.<region>.amazonaws.com``) and kept in memory.
"""

import base64
import json
import re
import ssl
import threading
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from flask import current_app

from ...models import ReportKind
from ..intake import Event
from ..verp import read_envelope_sender
from .common import Refused, text

#: The fields signed for each message type, in the order SNS signs them.
SIGNED_FIELDS = {
    "Notification": ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"),
    "SubscriptionConfirmation": (
        "Message",
        "MessageId",
        "SubscribeURL",
        "Timestamp",
        "Token",
        "TopicArn",
        "Type",
    ),
}
SIGNED_FIELDS["UnsubscribeConfirmation"] = SIGNED_FIELDS["SubscriptionConfirmation"]
HASHES = {"1": hashes.SHA1, "2": hashes.SHA256}
#: The most of a certificate that is read, and how many are kept.
MAX_CERT_BYTES = 64 * 1024
CACHED_CERTS = 16
#: Seconds a certificate fetch or the subscription visit may take.
FETCH_SECONDS = 5

certificates: dict[str, rsa.RSAPublicKey] = {}
certificates_lock = threading.Lock()


def string_to_sign(message: dict[str, Any]) -> bytes:
    """The text SNS signed: each signed field present, as ``name\\nvalue\\n``."""
    fields = SIGNED_FIELDS.get(text(message.get("Type")))
    if fields is None:
        raise Refused("unknown message type")
    lines = [
        f"{name}\n{message[name]}\n"
        for name in fields
        if name in message and message[name] is not None
    ]
    return "".join(lines).encode()


def allowed_sns_url(url: str) -> bool:
    """Whether ``url`` is https on a host SNS_CERT_HOST_PATTERN allows (no user, no port
    unless the pattern says so)."""
    parts = urlsplit(url)
    pattern = current_app.config["SNS_CERT_HOST_PATTERN"]
    return (
        parts.scheme == "https"
        and "@" not in parts.netloc
        and re.fullmatch(pattern, parts.netloc.lower()) is not None
    )


def fetch(url: str) -> bytes:
    """The body at an allowed https ``url`` (certificate checked against the system's CAs)."""
    context = ssl.create_default_context()
    with urllib.request.urlopen(url, timeout=FETCH_SECONDS, context=context) as response:  # noqa: S310 - https only, see allowed_sns_url
        return response.read(MAX_CERT_BYTES)


def signing_key(url: str) -> rsa.RSAPublicKey:
    """The public key of the certificate at ``url``, fetched once and kept; OSError when
    it cannot be fetched now (the call should be retried)."""
    if not url.endswith(".pem") or not allowed_sns_url(url):
        raise Refused("certificate not from SNS")
    with certificates_lock:
        known = certificates.get(url)
    if known is not None:
        return known
    try:
        key = x509.load_pem_x509_certificate(fetch(url)).public_key()
    except ValueError as error:
        raise Refused(f"certificate could not be read: {error}") from error
    if not isinstance(key, rsa.RSAPublicKey):
        raise Refused("certificate without an RSA key")
    with certificates_lock:
        if len(certificates) >= CACHED_CERTS:
            certificates.clear()
        certificates[url] = key
    return key


def verify(message: dict[str, Any]) -> None:
    """Refused unless SNS signed ``message`` and it comes from one of our topics."""
    topics = {arn.strip() for arn in text(current_app.config["SES_SNS_TOPIC_ARNS"]).split(",")}
    if text(message.get("TopicArn")) not in topics - {""}:
        raise Refused("not one of our topics")
    algorithm = HASHES.get(text(message.get("SignatureVersion")))
    if algorithm is None:
        raise Refused("unknown signature version")
    try:
        signature = base64.b64decode(text(message.get("Signature")), validate=True)
    except ValueError as error:
        raise Refused("signature is not base64") from error
    key = signing_key(text(message.get("SigningCertURL")))
    try:
        key.verify(signature, string_to_sign(message), padding.PKCS1v15(), algorithm())
    except InvalidSignature as error:
        raise Refused("wrong signature") from error


def confirm_subscription(message: dict[str, Any]) -> None:
    """Visit a verified SubscriptionConfirmation's SubscribeURL, as SNS asks."""
    url = text(message.get("SubscribeURL"))
    if not allowed_sns_url(url):
        raise Refused("subscription address not at SNS")
    fetch(url)


def notification(message: dict[str, Any]) -> dict[str, Any]:
    try:
        inner = json.loads(text(message.get("Message")))
    except ValueError:
        return {}
    return inner if isinstance(inner, dict) else {}


def bounce_kind(details: dict[str, Any]) -> ReportKind:
    return {
        "Permanent": ReportKind.HARD_BOUNCE,
        "Transient": ReportKind.SOFT_BOUNCE,
    }.get(text(details.get("bounceType")), ReportKind.UNRECOGNISED)


def complaint_kind(details: dict[str, Any]) -> ReportKind:
    feedback = text(details.get("complaintFeedbackType")).lower()
    return (
        ReportKind.COMPLAINT
        if feedback in ("", "abuse", "fraud", "other")
        else (ReportKind.UNRECOGNISED)
    )


def events_of(message: dict[str, Any]) -> list[Event]:
    """An event for each recipient a verified SES notification names (one unrecognised
    event when it names none)."""
    inner = notification(message)
    message_id = text(message.get("MessageId"))
    kind_name = text(inner.get("notificationType") or inner.get("eventType"))
    mail = inner.get("mail") if isinstance(inner.get("mail"), dict) else {}
    target = read_envelope_sender(text(mail.get("source")))
    mail_kind = None if target is None else target.kind
    details = inner.get(kind_name.lower())
    details = details if isinstance(details, dict) else {}
    if kind_name == "Bounce":
        kind, listed = bounce_kind(details), details.get("bouncedRecipients")
    elif kind_name == "Complaint":
        kind, listed = complaint_kind(details), details.get("complainedRecipients")
    else:
        kind, listed = ReportKind.UNRECOGNISED, []
    summary = f"ses {kind_name} {text(details.get('bounceType'))}".strip()
    addresses = [
        text(entry.get("emailAddress"))
        for entry in (listed if isinstance(listed, list) else [])
        if isinstance(entry, dict) and entry.get("emailAddress")
    ]
    if not addresses:
        return [Event(ReportKind.UNRECOGNISED, summary or "ses", event_id=f"sns:{message_id}")]
    return [
        Event(kind, summary, address, mail_kind, f"sns:{message_id}:{address.lower()}")
        for address in addresses
    ]

"""Mailgun's webhooks: an HMAC-SHA256 of timestamp and token with the webhook signing key.

A signature older than MAILGUN_WEBHOOK_MAX_AGE is refused, and so is a token seen before
(a replay); ``failed`` events are bounces (permanent or temporary) and ``complained`` is a
complaint. Anything else is kept and changes nothing.
"""

import hashlib
import hmac
import time
from typing import Any

from ...models import ReportKind
from ..intake import Event, report_for_event
from ..verp import read_envelope_sender
from .common import Refused, text

SIGNATURE_FIELDS = ("timestamp", "token", "signature")
SEVERITIES = {"permanent": ReportKind.HARD_BOUNCE, "temporary": ReportKind.SOFT_BOUNCE}


def event_id(payload: dict[str, Any]) -> str:
    return f"mailgun:{text(signature_block(payload).get('token'))}"


def signature_block(payload: dict[str, Any]) -> dict[str, Any]:
    block = payload.get("signature")
    if not isinstance(block, dict):
        raise Refused("no signature")
    return block


def verify(payload: dict[str, Any], key: str, max_age: int, now: float | None = None) -> None:
    """Refused unless Mailgun signed this call lately and it was not seen before."""
    block = signature_block(payload)
    timestamp, token, given = (text(block.get(name)) for name in SIGNATURE_FIELDS)
    expected = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    if not (token and hmac.compare_digest(given.encode(), expected.encode())):
        raise Refused("wrong signature")
    if not timestamp.isdigit() or abs((now or time.time()) - int(timestamp)) > max_age:
        raise Refused("stale signature")
    if report_for_event(event_id(payload)) is not None:
        raise Refused("a replay of a call already taken")


def read_event(payload: dict[str, Any]) -> Event:
    """What a verified call reports."""
    data = payload.get("event-data")
    if not isinstance(data, dict):
        return Event(ReportKind.UNRECOGNISED, "mailgun: no event data", event_id=event_id(payload))
    name = text(data.get("event"))
    recipient = text(data.get("recipient")) or None
    envelope = data.get("envelope") if isinstance(data.get("envelope"), dict) else {}
    target = read_envelope_sender(text(envelope.get("sender")))
    kind = ReportKind.UNRECOGNISED
    if name == "failed":
        kind = SEVERITIES.get(text(data.get("severity")), ReportKind.UNRECOGNISED)
    elif name == "complained":
        kind = ReportKind.COMPLAINT
    status = data.get("delivery-status") if isinstance(data.get("delivery-status"), dict) else {}
    summary = f"mailgun {name} {text(data.get('severity'))} {text(status.get('code'))}".strip()
    return Event(
        kind,
        " ".join(summary.split()),
        recipient,
        None if target is None else target.kind,
        event_id(payload),
    )

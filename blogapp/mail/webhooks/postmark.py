"""Postmark's bounce and spam-complaint webhooks, authenticated by a secret: in the URL,
or as the basic-auth password Postmark is given.

Hard bounces (``HardBounce``, ``BadEmailAddress``) and soft ones (``Transient``,
``SoftBounce``, ``DnsError``) are bounces; ``SpamComplaint`` is a complaint; every other
type (auto-replies, blocks, manual deactivations…) is kept and changes nothing.
"""

from typing import Any

from ...models import ReportKind
from ..intake import Event
from .common import text

BOUNCE_TYPES = {
    "HardBounce": ReportKind.HARD_BOUNCE,
    "BadEmailAddress": ReportKind.HARD_BOUNCE,
    "Transient": ReportKind.SOFT_BOUNCE,
    "SoftBounce": ReportKind.SOFT_BOUNCE,
    "DnsError": ReportKind.SOFT_BOUNCE,
    "SpamComplaint": ReportKind.COMPLAINT,
}


def read_event(payload: dict[str, Any]) -> Event:
    """What a call reports."""
    record = text(payload.get("RecordType"))
    bounce_type = text(payload.get("Type")) or record
    kind = ReportKind.UNRECOGNISED
    if record in ("Bounce", "SpamComplaint"):
        kind = BOUNCE_TYPES.get(bounce_type, ReportKind.UNRECOGNISED)
    identifier = text(payload.get("ID"))
    return Event(
        kind,
        f"postmark {record} {bounce_type}".strip(),
        text(payload.get("Email")) or None,
        None,
        f"postmark:{record}:{identifier}" if identifier else None,
    )

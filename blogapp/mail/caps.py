"""How much mail anyone can have sent to an address by typing it into a form, so nobody
can aim the blog at a stranger.

Only the kinds of message a visitor causes by typing an address count and are capped:
the confirmation link (register, resend), "you already have an account", the password
reset link and the link that confirms a new address. At most MAIL_PER_ADDRESS_PER_DAY of
them go to one address in any 24 hours, whoever asks; past it nothing is queued and the
form answers as it always does. What readers chose for themselves (digests, reply
notices) is neither counted nor refused.
"""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from ..extensions import db
from ..models import DeliveryState, QueuedMail

#: The kinds (template names) anyone can cause by typing an address into a form.
TYPED_ADDRESS_KINDS = frozenset(
    {"confirm_email", "already_registered", "reset_password", "change_email"}
)
#: The cap counts back this far from now.
CAP_WINDOW = timedelta(hours=24)


def is_capped(kind: str) -> bool:
    """Whether messages of ``kind`` count against, and are refused past, the cap."""
    return kind in TYPED_ADDRESS_KINDS


def typed_address_mail_since(address: str, since: datetime) -> int:
    """Capped messages queued for ``address`` since ``since`` (not those refused as
    suppressed)."""
    return db.session.scalar(
        select(func.count(QueuedMail.id)).where(
            QueuedMail.recipient == address,
            QueuedMail.kind.in_(TYPED_ADDRESS_KINDS),
            QueuedMail.queued_at > since,
            QueuedMail.state != DeliveryState.SUPPRESSED,
        )
    )


def has_had_its_share(address: str, now: datetime) -> bool:
    """Whether ``address`` has had MAIL_PER_ADDRESS_PER_DAY capped messages in the 24 hours
    before ``now``."""
    cap = current_app.config["MAIL_PER_ADDRESS_PER_DAY"]
    return typed_address_mail_since(address, now - CAP_WINDOW) >= cap

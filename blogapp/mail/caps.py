"""How much mail one address may get in a day, so nobody can aim the blog at a stranger.

Every message to an address counts, whatever its kind and whoever asked: what pages
queued (confirmations, resets, reply notices…) and the digests sent. Only what a visitor
causes can be refused: a digest is the reader's own daily choice, never refused, but it
still takes its place in the day's count. The day is the blog's day (midnight to
midnight in BLOG_TIMEZONE, Europe/London by default), as readers see dates.
"""

from datetime import datetime

from flask import current_app
from sqlalchemy import func, select

from ..dates import local_date, local_midnight
from ..extensions import db
from ..models import DeliveryState, DigestDelivery, QueuedMail, User


def start_of_day(now: datetime) -> datetime:
    """The UTC instant at which the blog's day containing ``now`` began."""
    return local_midnight(local_date(now))


def mail_to_address_since(address: str, since: datetime) -> int:
    """Messages queued for ``address`` (not those refused as suppressed), and digests sent
    to it, since ``since``."""
    queued = select(func.count(QueuedMail.id)).where(
        QueuedMail.recipient == address,
        QueuedMail.queued_at >= since,
        QueuedMail.state != DeliveryState.SUPPRESSED,
    )
    digests = (
        select(func.count(DigestDelivery.id))
        .join(User, User.id == DigestDelivery.user_id)
        .where(User.email == address, DigestDelivery.sent_at >= since)
    )
    return db.session.scalar(queued) + db.session.scalar(digests)


def has_had_its_share(address: str, now: datetime) -> bool:
    """Whether ``address`` has had MAIL_PER_ADDRESS_PER_DAY messages today already."""
    cap = current_app.config["MAIL_PER_ADDRESS_PER_DAY"]
    return mail_to_address_since(address, start_of_day(now)) >= cap

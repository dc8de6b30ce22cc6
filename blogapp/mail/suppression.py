"""Addresses the blog sends nothing to: they bounced for good, complained, or an editor
stopped them. The check sits where every message passes: ``queue_email`` does not queue
mail for them, and the sender records any message for them as suppressed, not sent, so a
digest built before the address was suppressed does not go either."""

import logging
from collections.abc import Iterable

from sqlalchemy import Connection, delete, insert, select
from sqlalchemy.exc import IntegrityError

from .. import changes
from ..dates import utcnow
from ..extensions import db
from ..models import ReceivedReport, Suppression, SuppressionReason

changes.declare_unseen(Suppression, ReceivedReport)

log = logging.getLogger(__name__)


def normalised(address: str) -> str:
    return address.strip().lower()


def is_suppressed(address: str) -> bool:
    """Whether the blog sends nothing to ``address``."""
    found = select(Suppression.id).where(Suppression.address == normalised(address))
    return db.session.scalar(found) is not None


def suppressed_among(connection: Connection, addresses: Iterable[str]) -> set[str]:
    """Which of ``addresses`` (as given) are suppressed, read on ``connection``."""
    by_normal = {normalised(address): address for address in addresses}
    if not by_normal:
        return set()
    found = connection.scalars(
        select(Suppression.address).where(Suppression.address.in_(list(by_normal)))
    )
    return {by_normal[address] for address in found}


def suppress(
    address: str, reason: SuppressionReason, report: ReceivedReport | None = None
) -> Suppression:
    """Suppress ``address`` in the session's transaction (the caller commits).

    An address already suppressed stays as it was: the first reason is the one that counts.
    """
    address = normalised(address)
    existing = db.session.scalar(select(Suppression).where(Suppression.address == address))
    if existing is not None:
        return existing
    suppression = Suppression(address=address, reason=reason, suppressed_at=utcnow(), report=report)
    db.session.add(suppression)
    return suppression


def suppress_on(connection: Connection, address: str, reason: SuppressionReason) -> None:
    """Suppress ``address`` in ``connection``'s transaction (a sender's ledger: it commits).

    Nothing changes for an address already suppressed, by anyone, even meanwhile.
    """
    address = normalised(address)
    existing = select(Suppression.id).where(Suppression.address == address)
    if connection.scalar(existing) is not None:
        return
    try:
        with connection.begin_nested():
            connection.execute(
                insert(Suppression).values(address=address, reason=reason, suppressed_at=utcnow())
            )
    except IntegrityError:
        return


def lift_suppression(address: str, lifted_by: str = "") -> bool:
    """Send to ``address`` again (committed and logged); False if it was not suppressed."""
    address = normalised(address)
    removed = db.session.execute(delete(Suppression).where(Suppression.address == address))
    db.session.commit()
    if not removed.rowcount:
        return False
    log.warning("Suppression of %s lifted%s", address, f" by {lifted_by}" if lifted_by else "")
    return True

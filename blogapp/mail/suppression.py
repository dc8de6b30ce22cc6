"""Addresses the blog sends nothing to: they bounced for good, kept failing, complained, or
an editor stopped them. The check sits where every message passes: ``queue_email`` does
not queue mail for them, and the sender records any message for them as suppressed, not
sent, so a digest built before the address was suppressed does not go either.

A complaint stops the digest only (see ``DIGEST_ONLY_REASONS``); every other reason stops
everything except ``LIFT_KIND``, the one message that lets a reader prove the address
works again (see ``blogapp.mail.lifting``).
"""

import logging
from collections.abc import Iterable

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError

from .. import changes
from ..dates import utcnow
from ..extensions import db
from ..models import (
    DIGEST_ONLY_REASONS,
    ReceivedReport,
    Suppression,
    SuppressionLift,
    SuppressionReason,
    User,
)

changes.declare_unseen(Suppression, ReceivedReport, SuppressionLift)

#: The kinds of message a complaint stops.
DIGEST_KINDS = frozenset({"digest"})
#: The message a reader asks for, logged in, to lift a suppression of their own address.
LIFT_KIND = "confirm_address_again"

log = logging.getLogger(__name__)


def normalised(address: str) -> str:
    return address.strip().lower()


def stops(reason: SuppressionReason, kind: str) -> bool:
    """Whether a suppression for ``reason`` stops a message of ``kind``."""
    if kind == LIFT_KIND:
        return reason == SuppressionReason.MANUAL
    if reason in DIGEST_ONLY_REASONS:
        return kind in DIGEST_KINDS
    return True


def suppression_of(address: str) -> Suppression | None:
    """The address's suppression, if it has one."""
    return db.session.scalar(select(Suppression).where(Suppression.address == normalised(address)))


def is_suppressed(address: str, kind: str = "") -> bool:
    """Whether the blog sends no message of ``kind`` to ``address`` (any kind when unsaid)."""
    entry = suppression_of(address)
    return entry is not None and stops(entry.reason, kind)


def suppressed_among(connection: Connection, messages: Iterable[tuple[str, str]]) -> set[str]:
    """Which recipients of ``messages`` ((address as given, kind) pairs) are suppressed
    for that kind, read on ``connection``."""
    kinds_by_normal: dict[str, list[tuple[str, str]]] = {}
    for address, kind in messages:
        kinds_by_normal.setdefault(normalised(address), []).append((address, kind))
    if not kinds_by_normal:
        return set()
    found = connection.execute(
        select(Suppression.address, Suppression.reason).where(
            Suppression.address.in_(list(kinds_by_normal))
        )
    )
    return {
        address
        for normal, reason in found
        for address, kind in kinds_by_normal[normal]
        if stops(SuppressionReason(reason), kind)
    }


def is_wider(new: SuppressionReason, old: SuppressionReason) -> bool:
    """Whether ``new`` stops more than ``old`` (a bounce after a complaint stops all)."""
    return old in DIGEST_ONLY_REASONS and new not in DIGEST_ONLY_REASONS


def suppress(
    address: str, reason: SuppressionReason, report: ReceivedReport | None = None
) -> Suppression:
    """Suppress ``address`` in the session's transaction (the caller commits).

    An address already suppressed keeps its first reason, unless the new one stops more.
    """
    address = normalised(address)
    existing = suppression_of(address)
    if existing is not None:
        if is_wider(reason, existing.reason):
            existing.reason, existing.report, existing.suppressed_at = reason, report, utcnow()
        return existing
    suppression = Suppression(address=address, reason=reason, suppressed_at=utcnow(), report=report)
    db.session.add(suppression)
    return suppression


def suppress_on(connection: Connection, address: str, reason: SuppressionReason) -> None:
    """Suppress ``address`` in ``connection``'s transaction (a sender's ledger: it commits).

    An address already suppressed, by anyone, even meanwhile, keeps its first reason
    unless the new one stops more.
    """
    address = normalised(address)
    existing = connection.scalar(select(Suppression.reason).where(Suppression.address == address))
    if existing is not None:
        if is_wider(reason, SuppressionReason(existing)):
            connection.execute(
                update(Suppression)
                .where(Suppression.address == address)
                .values(reason=reason, suppressed_at=utcnow(), report_id=None)
            )
        return
    try:
        with connection.begin_nested():
            connection.execute(
                insert(Suppression).values(address=address, reason=reason, suppressed_at=utcnow())
            )
    except IntegrityError:
        return


def lift(entry: Suppression, lifted_by: User) -> None:
    """End ``entry`` and keep a record of who lifted it, and when (the caller commits)."""
    db.session.add(
        SuppressionLift(
            address=entry.address,
            reason=entry.reason,
            suppressed_at=entry.suppressed_at,
            lifted_at=utcnow(),
            user_id=lifted_by.id,
        )
    )
    db.session.delete(entry)


def lift_suppression(address: str, lifted_by: User) -> bool:
    """An editor sends to ``address`` again (committed, recorded and logged); False if it
    was not suppressed."""
    entry = db.session.scalar(select(Suppression).where(Suppression.address == normalised(address)))
    if entry is None:
        return False
    lift(entry, lifted_by)
    db.session.commit()
    log.warning("Suppression of %s lifted by %s", entry.address, lifted_by.email)
    return True

"""Who may receive which mail: one rule, as SQL for the digest's queries and as Python for a
loaded reader. Runs, the sender's ledger, previews and reply notices all ask here."""

import enum

from sqlalchemy import ColumnElement, and_, exists
from sqlalchemy.orm import aliased

from ..models import Subscription, User
from .operations import subscription_of


class Mailing(enum.StrEnum):
    """The kinds of mail a reader opts into."""

    DIGEST = "digest"
    REPLY_NOTICES = "reply_notices"


def account_may_receive_sql() -> ColumnElement[bool]:
    """An address that is there, confirmed, and not banned or deleted."""
    return and_(
        User.email.is_not(None),
        User.email_confirmed_at.is_not(None),
        User.banned.is_(False),
        User.deleted_at.is_(None),
    )


def account_may_receive(user: User) -> bool:
    """The Python twin of ``account_may_receive_sql``."""
    return (
        user.email is not None
        and user.email_confirmed_at is not None
        and not user.banned
        and user.deleted_at is None
    )


def may_receive_sql(kind: Mailing) -> ColumnElement[bool]:
    """Whether the ``users`` row of the statement may receive ``kind``.

    Needs no join: a statement may join ``subscriptions`` itself (the subquery's own alias
    is never correlated to it).
    """
    if kind == Mailing.DIGEST:
        chosen = aliased(Subscription)
        wants_it = exists().where(chosen.user_id == User.id, chosen.is_receiving)
    else:
        wants_it = User.notify_replies.is_(True)
    return and_(account_may_receive_sql(), wants_it)


def may_receive(user: User, kind: Mailing) -> bool:
    """Whether ``user``, as loaded, may receive ``kind``: the same rule as ``may_receive_sql``."""
    if not account_may_receive(user):
        return False
    if kind == Mailing.DIGEST:
        subscription = subscription_of(user)
        return subscription is not None and subscription.is_receiving
    return user.notify_replies

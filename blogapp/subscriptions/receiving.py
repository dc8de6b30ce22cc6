"""Who may receive which mail: one rule, as SQL for the digest's queries and as Python for a
loaded reader. Runs, the sender's ledger, previews and reply notices all ask here."""

import enum

from sqlalchemy import ColumnElement, and_, exists
from sqlalchemy.orm import InstrumentedAttribute, aliased

from ..models import Subscription, User
from ..models.subscriptions import ConversationRhythm
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


def conversation_rhythm_of(user: User) -> ConversationRhythm:
    """How the reader's conversation comes: as they chose, else at once (as it always did).

    A stopped digest keeps its choice: a reader who had it in the digest gets none."""
    subscription = subscription_of(user)
    if subscription is None:
        return ConversationRhythm.AT_ONCE
    if subscription.wants_conversation_in_digest and not subscription.active:
        return ConversationRhythm.NEVER
    return subscription.conversation_rhythm


def conversation_at_once_sql(user_id: InstrumentedAttribute[int]) -> ColumnElement[bool]:
    """The SQL twin of ``conversation_rhythm_of(user) == AT_ONCE`` for the reader ``user_id``."""
    chosen = aliased(Subscription)
    return ~exists().where(
        chosen.user_id == user_id, chosen.conversation_rhythm != ConversationRhythm.AT_ONCE
    )

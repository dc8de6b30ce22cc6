"""Subscribing, changing the choice and stopping: one commit each."""

from dataclasses import dataclass

from flask import g, has_request_context
from sqlalchemy import select

from .. import changes
from ..dates import utcnow
from ..extensions import db
from ..models import Subscription, User
from ..models.subscriptions import MONDAY, ConversationRhythm, Rhythm, rhythm_of
from .tokens import UnsubscribeRequest

changes.declare_unseen(Subscription)


class SubscriptionError(ValueError):
    """A reader who may not follow the blog by email, with the reason for them."""


UNCONFIRMED = "Confirm your email address first: the daily email only goes to confirmed addresses."
SUSPENDED = "This account has been suspended."


#: Where a request keeps the subscriptions it has loaded or saved, by user id.
REQUEST_KEY = "subscriptions_by_user"


def remember_for_request(user: User, subscription: Subscription | None) -> None:
    """Keep ``user``'s subscription (or its absence) for the rest of the request.

    The logged-in reader's is kept from the login's query, so the sidebar costs none.
    Only inside a request: a test or command keeps one app context for a long time.
    """
    if has_request_context():
        g.setdefault(REQUEST_KEY, {})[user.id] = subscription


def load_reader(user_id: int) -> User | None:
    """An account and its subscription in one query; the subscription is kept for the request."""
    row = db.session.execute(
        select(User, Subscription)
        .outerjoin(Subscription, Subscription.user_id == User.id)
        .where(User.id == user_id)
    ).first()
    if row is None:
        return None
    user, subscription = row
    remember_for_request(user, subscription)
    return user


def subscription_of(user: User) -> Subscription | None:
    """The reader's subscription: the one this request keeps, else fetched."""
    kept = g.get(REQUEST_KEY, {}) if has_request_context() else {}
    if user.id in kept:
        return kept[user.id]
    return db.session.scalar(select(Subscription).where(Subscription.user_id == user.id))


def current_subscription(user: User) -> Subscription | None:
    """The logged-in reader's subscription, for pages; None for a visitor."""
    return subscription_of(user) if user.is_authenticated else None


def check_may_subscribe(user: User) -> None:
    if user.banned:
        raise SubscriptionError(SUSPENDED)
    if not user.is_confirmed:
        raise SubscriptionError(UNCONFIRMED)


def save_subscription(user: User, wants_posts: bool, wants_bulletins: bool) -> Subscription:
    """Start the daily email with this choice of lists, or change the choice."""
    return save_rhythms(user, rhythm_of(wants_posts), rhythm_of(wants_bulletins))


def save_rhythms(
    user: User,
    posts: Rhythm,
    bulletins: Rhythm,
    weekly_day: int = MONDAY,
    conversation: ConversationRhythm | None = None,
) -> Subscription:
    """Start the email with these rhythms, or change them; all "never" stops it. The
    conversation keeps its rhythm unless one is given.

    A change applies from the reader's next edition: each stream of it starts where the
    last one sent to them ended (see ``blogapp.digest.streams``), so nothing is skipped,
    and a comment mailed one way is never mailed another (see ``blogapp.digest.conversation``).
    """
    check_may_subscribe(user)
    subscription = subscription_of(user) or Subscription(
        user_id=user.id, conversation_rhythm=ConversationRhythm.AT_ONCE
    )
    subscription.posts_rhythm = posts
    subscription.bulletins_rhythm = bulletins
    subscription.weekly_day = weekly_day
    if conversation is not None:
        subscription.conversation_rhythm = conversation
    subscription.active = True
    subscription.unsubscribed_at = None
    db.session.add(subscription)
    db.session.commit()
    remember_for_request(user, subscription)
    return subscription


def _stop(subscription: Subscription | None) -> bool:
    """Flush the stop; False when there was nothing to stop."""
    if subscription is None or not subscription.active:
        return False
    subscription.active = False
    subscription.unsubscribed_at = utcnow()
    db.session.flush()
    return True


def stop_subscription_of_deleted_account(user: User) -> None:
    """A deleted account gets no more mail (runs inside the deletion's transaction)."""
    _stop(subscription_of(user))


def stop_subscription_after_complaint(user: User) -> bool:
    """The reader marked the digest as spam: stop it in the caller's transaction."""
    return _stop(subscription_of(user))


def stop_subscription(user: User) -> bool:
    """Stop the reader's daily email; False if it was not running."""
    stopped = _stop(subscription_of(user))
    db.session.commit()
    return stopped


@dataclass(frozen=True)
class Unsubscribed:
    email: str | None
    was_subscribed: bool


def unsubscribe(request: UnsubscribeRequest) -> Unsubscribed:
    """Act on a signed unsubscribe link (no log-in needed); doing it twice is harmless."""
    user = db.session.get(User, request.user_id)
    if user is None:
        return Unsubscribed(None, False)
    stopped = _stop(subscription_of(user))
    db.session.commit()
    return Unsubscribed(user.email, stopped)

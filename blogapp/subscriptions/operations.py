"""Subscribing, changing the choice and stopping: one commit each."""

from dataclasses import dataclass

from .. import changes
from ..dates import utcnow
from ..extensions import db
from ..models import Subscription, User
from .tokens import UnsubscribeRequest

changes.declare_unseen(Subscription)


class SubscriptionError(ValueError):
    """A reader who may not follow the blog by email, with the reason for them."""


UNCONFIRMED = "Confirm your email address first: the daily email only goes to confirmed addresses."
SUSPENDED = "This account has been suspended."


def subscription_of(user: User) -> Subscription | None:
    """The reader's subscription: loaded with the logged-in user, fetched for any other."""
    return user.subscription


def current_subscription(user: User) -> Subscription | None:
    """The logged-in reader's subscription, for pages; None for a visitor."""
    return subscription_of(user) if user.is_authenticated else None


def check_may_subscribe(user: User) -> None:
    if user.banned:
        raise SubscriptionError(SUSPENDED)
    if not user.is_confirmed:
        raise SubscriptionError(UNCONFIRMED)


def save_subscription(user: User, wants_posts: bool, wants_bulletins: bool) -> Subscription:
    """Start the daily email with this choice, or change the choice."""
    check_may_subscribe(user)
    subscription = subscription_of(user) or Subscription(user=user)
    subscription.wants_posts = wants_posts
    subscription.wants_bulletins = wants_bulletins
    subscription.active = True
    subscription.unsubscribed_at = None
    db.session.add(subscription)
    db.session.commit()
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

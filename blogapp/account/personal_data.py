"""What the blog keeps about one reader, as the file "Download my data" gives them: their
account, every comment they wrote (anonymous ones included: they are theirs), their
subscription and the mail the blog sent them."""

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..dates import utcnow
from ..extensions import db
from ..models import Comment, DigestDelivery, QueuedMail, Subscription, User
from ..models.subscriptions import WEEKDAY_NAMES
from ..urls import address_of


def when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def account_of(user: User) -> dict[str, Any]:
    return {
        "email": user.email,
        "display_name": user.display_name,
        "role": user.role.value,
        "created_at": when(user.created_at),
        "email_confirmed_at": when(user.email_confirmed_at),
        "post_as_anonymous_by_default": user.anonymous_by_default,
        "email_me_replies": user.notify_replies,
        "follow_threads_i_comment_on": user.follow_on_comment,
    }


def comment_address(comment: Comment) -> str | None:
    if comment.post.published_year is None:
        return None
    return f"{address_of(comment.post, external=True)}#{comment.anchor}"


def comments_of(user: User) -> list[dict[str, Any]]:
    written = (
        select(Comment)
        .where(Comment.user_id == user.id)
        .options(selectinload(Comment.post))
        .order_by(Comment.created_at, Comment.id)
    )
    return [
        {
            "post": comment.post.title,
            "address": comment_address(comment),
            "written_at": when(comment.created_at),
            "as_anonymous": comment.anonymous,
            "state": comment.state.value,
            "text": comment.body,
        }
        for comment in db.session.scalars(written)
    ]


def subscription_of(user: User) -> dict[str, Any] | None:
    subscription = db.session.scalar(select(Subscription).where(Subscription.user_id == user.id))
    if subscription is None:
        return None
    return {
        "new_posts": subscription.posts_rhythm.value,
        "union_bulletins": subscription.bulletins_rhythm.value,
        "weekly_day": WEEKDAY_NAMES[subscription.weekly_day],
        "active": subscription.active,
        "since": when(subscription.created_at),
        "unsubscribed_at": when(subscription.unsubscribed_at),
    }


def mail_sent_to(user: User) -> list[dict[str, Any]]:
    """Digests and other mail to this reader, as far as the blog still keeps a record."""
    digests = select(DigestDelivery).where(DigestDelivery.user_id == user.id)
    mails = [
        {"kind": "digest", "state": delivery.state.value, "sent_at": when(delivery.sent_at)}
        for delivery in db.session.scalars(digests)
    ]
    if user.email:
        queued = select(QueuedMail).where(QueuedMail.recipient == user.email)
        mails += [
            {"kind": mail.kind, "state": mail.state.value, "sent_at": when(mail.sent_at)}
            for mail in db.session.scalars(queued)
        ]
    return sorted(mails, key=lambda mail: mail["sent_at"] or "")


def personal_data(user: User) -> dict[str, Any]:
    return {
        "about": "What the blog keeps about you, as of the time below.",
        "made_at": utcnow().isoformat(),
        "account": account_of(user),
        "comments": comments_of(user),
        "subscription": subscription_of(user),
        "mail_sent_to_you": mail_sent_to(user),
    }

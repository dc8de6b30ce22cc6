"""A reader whose address is suppressed sees why on their account page and can end it by
confirming the address again: one message with a link, sent because they asked.

That one message goes even to an address that bounced: the reader, logged in, asked for
it from their own account page, so it is not mail a stranger can aim at anyone; it is
capped like any message a page causes, and the asking is rate-limited. Without it, a
reader whose mailbox was full for a fortnight, or who fixed their mail server, would
depend on an editor to get mail again. If it bounces, the address stays suppressed; only
following its link (proof the address works and is theirs) lifts the suppression. An
editor's suppression is not the reader's to lift.
"""

from dataclasses import dataclass
from datetime import datetime

from flask import current_app

from ..auth.operations import account_named_by
from ..auth.tokens import INVALID_MESSAGE, LIFETIMES, Purpose, TokenInvalid, account_token
from ..extensions import db
from ..models import LIFTABLE_REASONS, Suppression, SuppressionReason, User
from ..urls import external_url
from . import queue_email
from .suppression import LIFT_KIND, lift, suppression_of

#: Why mail stopped, in the reader's words.
WHY = {
    SuppressionReason.BOUNCE: "mail we sent to it came back undelivered (the receiving "
    "mail server said the address does not exist or does not take mail)",
    SuppressionReason.SOFT_BOUNCES: "mail we sent to it kept coming back undelivered for "
    "more than a week (the mailbox may have been full, or its server away)",
    SuppressionReason.COMPLAINT: "your mail provider told us you marked one of our daily "
    "emails as spam",
    SuppressionReason.MANUAL: "an editor stopped mail to it",
}


@dataclass(frozen=True)
class MailStop:
    """What the account page says about a reader's suppressed address."""

    reason: SuppressionReason
    since: datetime
    why: str
    liftable: bool

    @property
    def digest_only(self) -> bool:
        return self.reason == SuppressionReason.COMPLAINT


def mail_stop_of(user: User) -> MailStop | None:
    """Why and since when the reader's address gets no mail; None when it does."""
    entry = suppression_of(user.email) if user.email else None
    if entry is None:
        return None
    reason = SuppressionReason(entry.reason)
    return MailStop(reason, entry.suppressed_at, WHY[reason], reason in LIFTABLE_REASONS)


def stop_name(entry: Suppression) -> str:
    """Which suppression a link is for: a link for a complaint does not lift the bounce
    that later widened it."""
    return f"{entry.id}:{entry.reason}"


def lift_token(user: User, entry: Suppression) -> str:
    return account_token(Purpose.RESUME_MAIL, user, suppression=stop_name(entry))


def send_lift_link(user: User) -> bool:
    """Queue the message whose link lifts the reader's suppression (committed); False,
    and nothing sent, when there is none they may lift or they have had their share of
    mail today."""
    entry = suppression_of(user.email) if user.email else None
    if entry is None or entry.reason not in LIFTABLE_REASONS:
        return False
    queued = queue_email(
        user.email,
        f"Confirm your email address for {current_app.config['BLOG_TITLE']}",
        LIFT_KIND,
        user=user,
        link=external_url("account.resume_mail", token=lift_token(user, entry)),
        hours=int(LIFETIMES[Purpose.RESUME_MAIL].total_seconds() // 3600),
    )
    db.session.commit()
    return queued


def lift_by_link(token: str) -> User:
    """Follow a link from ``send_lift_link``: end the suppression it was sent for and
    record that (committed). Following it again is harmless; a link for a suppression
    that has since been replaced by a newer one is refused."""
    user, data = account_named_by(Purpose.RESUME_MAIL, token)
    entry = suppression_of(user.email)
    if entry is None:
        return user
    if stop_name(entry) != data.get("suppression") or entry.reason not in LIFTABLE_REASONS:
        raise TokenInvalid(INVALID_MESSAGE)
    lift(entry, user)
    db.session.commit()
    return user

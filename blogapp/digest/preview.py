"""The next digest as one reader would get it: to print, to show editors, to send to oneself."""

from dataclasses import dataclass
from datetime import datetime

from ..dates import utcnow
from ..extensions import db
from ..mail import new_message_id
from ..mail.queue import add_to_queue
from ..models import User
from ..subscriptions.operations import subscription_of
from ..subscriptions.receiving import Mailing, may_receive
from .build import Edition, Editions, Recipient
from .content import DigestContent, content_for_window
from .runs import next_window


@dataclass(frozen=True)
class Preview:
    """The next digest for one reader; ``edition`` is None when nothing is new for them."""

    content: DigestContent
    recipient: Recipient
    subscribed: bool
    edition: Edition | None

    @property
    def subject(self) -> str:
        return self.edition.subject if self.edition else ""

    @property
    def text(self) -> str:
        return self.edition.text_for(self.recipient) if self.edition else ""

    @property
    def html(self) -> str:
        return self.edition.html_for(self.recipient) if self.edition else ""


def preview_recipient(user: User) -> tuple[Recipient, bool]:
    """The reader's choice, or both lists for a reader who does not subscribe."""
    if may_receive(user, Mailing.DIGEST):
        subscription = subscription_of(user)
        recipient = Recipient(
            user.id, user.email, subscription.wants_posts, subscription.wants_bulletins
        )
        return recipient, True
    return Recipient(user.id, user.email), False


def next_digest_for(user: User, now: datetime | None = None) -> Preview:
    """Build (never send, never record) the digest ``user`` gets next."""
    content = content_for_window(*next_window(now or utcnow()))
    recipient, subscribed = preview_recipient(user)
    return Preview(content, recipient, subscribed, Editions(content).edition(recipient))


def queue_preview(preview: Preview) -> None:
    """Queue a preview for its reader only: no run, no delivery recorded (committed)."""
    if preview.edition is None:
        raise ValueError("There is nothing new to send.")
    message_id = new_message_id()
    message = preview.edition.message_for(preview.recipient, message_id)
    add_to_queue("digest_preview", message, message_id)
    db.session.commit()

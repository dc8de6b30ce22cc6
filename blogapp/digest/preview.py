"""The next digest as one reader would get it: to print, to show editors, to send to oneself."""

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from email import message_from_bytes, policy

from ..auth.operations import user_by_email
from ..dates import local_date, utcnow
from ..extensions import db
from ..mail import new_message_id
from ..mail.queue import add_to_queue
from ..models import DigestStream, User
from ..models.subscriptions import MONDAY, ConversationRhythm, Rhythm
from ..subscriptions.operations import subscription_of
from ..subscriptions.receiving import Mailing, may_receive
from .build import Edition, Editions, Recipient, RunEditions, chosen_streams
from .content import DigestContent, StreamContents, content_for_window
from .conversation import Conversation, conversation_between
from .runs import next_window
from .schedule import digest_time_on, previous_digest_time
from .streams import (
    Rhythms,
    RunStreams,
    Windows,
    clamp_to_schedule,
    is_due,
    reader_rhythms,
)

#: The user id an address with no account is given: no account has it.
NO_ACCOUNT = 0
TEST_HEADER = "X-Blogapp-Test"


@dataclass(frozen=True)
class Preview:
    """The next digest for one reader; ``edition`` is None when nothing is new for them."""

    content: DigestContent
    recipient: Recipient
    subscribed: bool
    edition: Edition | None

    @property
    def subject(self) -> str:
        return self.edition.subject_for(self.recipient) if self.edition else ""

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
    recipient, subscribed = preview_recipient(user)
    return preview_for(recipient, subscribed, now)


def next_digest_to(address: str, now: datetime | None = None) -> Preview:
    """The next digest for any address: as its account chose, or both lists for an address
    with no account (whose unsubscribe link then names nobody)."""
    user = user_by_email(address)
    if user is not None and user.email:
        return next_digest_for(user, now)
    return preview_for(Recipient(NO_ACCOUNT, address), False, now)


def preview_for(recipient: Recipient, subscribed: bool, now: datetime | None) -> Preview:
    content = content_for_window(*next_window(now or utcnow()))
    return Preview(content, recipient, subscribed, Editions(content).edition(recipient))


def rhythms_of(user: User) -> tuple[Rhythms, bool]:
    """The reader's rhythms, or posts and bulletins daily for a reader who does not
    subscribe."""
    subscription = subscription_of(user) if may_receive(user, Mailing.DIGEST) else None
    if subscription is None:
        return reader_rhythms(Rhythm.DAILY, Rhythm.DAILY, ConversationRhythm.NEVER, MONDAY), False
    rhythms = reader_rhythms(
        subscription.posts_rhythm,
        subscription.bulletins_rhythm,
        subscription.conversation_rhythm,
        subscription.weekly_day,
    )
    return rhythms, True


def conversation_in(user: User, windows: Windows) -> Conversation:
    """What the conversation window among ``windows`` would hold now (nothing recorded)."""
    for window in windows:
        if window.stream == DigestStream.CONVERSATION:
            return conversation_between(user.id, window.start, window.end)
    return ()


def digest_on(user: User, day: date) -> Preview:
    """What ``user`` would get in the edition of ``day`` (never sent, never recorded), if
    every edition before it goes out on time."""
    end = digest_time_on(day)
    previous = previous_digest_time(end)
    rhythms, subscribed = rhythms_of(user)
    windows = RunStreams.for_run(previous, end).windows(user.id, rhythms)
    windows = clamp_to_schedule(windows, rhythms, previous)
    recipient = Recipient(user.id, user.email)
    if not windows:
        return Preview(DigestContent(previous, end), recipient, subscribed, None)
    editions = RunEditions(StreamContents()).editions_for(windows)
    chosen = replace(
        chosen_streams(recipient, windows), conversation=conversation_in(user, windows)
    )
    return Preview(editions.content, chosen, subscribed, editions.edition(chosen))


def next_edition_day(user: User, now: datetime | None = None) -> date:
    """The next day, from the next digest on, when one of the reader's streams is due."""
    rhythms, _ = rhythms_of(user)
    first = local_date(next_window(now or utcnow())[1])
    for offset in range(7):
        day = first + timedelta(days=offset)
        weekdays = {day.weekday()}
        if any(
            is_due(rhythm, rhythms.weekly_day, weekdays) for rhythm in rhythms.by_stream.values()
        ):
            return day
    return first


def next_edition_of(user: User, now: datetime | None = None) -> Preview:
    """The next edition ``user`` gets, by their own rhythms and with their conversation; for
    someone who does not subscribe, the next digest of posts and bulletins."""
    if may_receive(user, Mailing.DIGEST):
        return digest_on(user, next_edition_day(user, now))
    return next_digest_for(user, now)


def queue_preview(preview: Preview, marked_as_test: bool = False) -> None:
    """Queue a preview for its reader only: no run, no delivery recorded (committed).

    ``marked_as_test`` says so in the subject and a header, for a copy sent to an address
    to try the digest out (``flask digest send --to``)."""
    if preview.edition is None:
        raise ValueError("There is nothing new to send.")
    message_id = new_message_id()
    message = preview.edition.message_for(preview.recipient, message_id)
    if marked_as_test:
        message = replace(message, data=marked_as_a_test(message.data))
    add_to_queue("digest_preview", message, message_id)
    db.session.commit()


def marked_as_a_test(data: bytes) -> bytes:
    parsed = message_from_bytes(data, policy=policy.SMTP)
    subject = str(parsed["Subject"])
    del parsed["Subject"]
    parsed["Subject"] = f"[Test] {subject}"
    parsed[TEST_HEADER] = "a copy of the next digest, sent by hand; no run recorded it"
    return parsed.as_bytes()

"""Building digest emails: content and subscriber in, message out, no I/O.

Everyone with the same choice gets the same email but for three things: the To
address, the Message-ID and the unsubscribe token. So the email is rendered (Jinja,
css-inline) and serialised once per choice — an *edition*, with slots for those
three — and each subscriber's message is the edition with its slots filled. The
result is exactly what rendering and serialising each message on its own would give,
for a fraction of the cost (see bench/digest.py).
"""

import re
import secrets
import time
from dataclasses import dataclass, field, replace
from datetime import date
from email.utils import formataddr, parseaddr

from flask import current_app

from ..dates import DAY_NAMES, local_date, month_name
from ..mail import AUTOMATIC_HEADERS, compose_email, site_domain
from ..mail.mime import as_smtp_bytes
from ..mail.transport import OutgoingMessage
from ..mail.verp import envelope_sender
from ..models import DigestStream
from ..subscriptions.tokens import DIGEST_LIST, unsubscribe_token
from ..text import counted
from ..urls import external_url
from .content import DigestContent, StreamContents
from .conversation import Conversation
from .streams import Windows

ONE_CLICK_POST = "List-Unsubscribe=One-Click"
#: The digest's kind in its envelope sender (see ``blogapp.mail.verp``).
DIGEST_KIND = "digest"
#: An address that can go into a To header exactly as it is (no quoting, no encoding).
PLAIN_ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+$")


@dataclass(frozen=True)
class Recipient:
    """A subscriber as the email needs them: address and choice."""

    user_id: int
    email: str
    wants_posts: bool = True
    wants_bulletins: bool = True

    @property
    def choice(self) -> tuple[bool, bool]:
        return self.wants_posts, self.wants_bulletins


def edition_date(content: DigestContent) -> date:
    """The day a digest is dated: the day of its run, on the blog's clock."""
    return local_date(content.window_end)


def format_edition_date(day: date) -> str:
    """'Saturday 24 September 2016', as subject lines give it."""
    return f"{DAY_NAMES[day.weekday()]} {day.day} {month_name(day.month)} {day.year}"


def listed(parts: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(parts) < 2:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} and {parts[-1]}"


def digest_subject(content: DigestContent) -> str:
    """'3 new posts, 2 bulletins and 5 replies — On Probation, Monday 26 September 2016':
    what is inside first, so a reader sees it in the list before opening it."""
    parts = []
    if content.posts:
        parts.append(counted(len(content.posts), "new post"))
    if content.bulletins:
        parts.append(counted(len(content.bulletins), "bulletin"))
    if content.conversation:
        parts.append(counted(content.conversation_count, "reply", "replies"))
    what = listed(parts)
    title = current_app.config["BLOG_TITLE"]
    return f"{what} — {title}, {format_edition_date(edition_date(content))}"


def unsubscribe_link(token: str) -> str:
    return external_url("subscriptions.unsubscribe_now", token=token)


def list_headers(unsubscribe_url: str) -> dict[str, str]:
    """List-Id and the RFC 2369 / RFC 8058 headers that let mail clients unsubscribe."""
    description = f"{current_app.config['BLOG_TITLE']} daily digest"
    return {
        "List-Id": formataddr((description, f"digest.{site_domain()}")),
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": ONE_CLICK_POST,
    }


@dataclass(frozen=True)
class Slots:
    """Stand-ins for what differs between subscribers; random, so no content contains them."""

    to: str
    message_id: str
    token: str

    @classmethod
    def new(cls) -> "Slots":
        key = secrets.token_hex(12)
        return cls(f"to-{key}@slot.invalid", f"<id-{key}@slot.invalid>", f"token-{key}")


@dataclass(frozen=True)
class Edition:
    """The digest for one choice, rendered once, with slots for each subscriber."""

    subject: str
    text: str
    html: str
    sender: str
    date: float
    slots: Slots
    #: The serialised message with its slots; None when a line is too long to send as
    #: 8-bit text, and each message must then be encoded (quoted-printable) on its own.
    data: bytes | None

    def personal(self, value: str, recipient: Recipient) -> str:
        return value.replace(self.slots.token, unsubscribe_token(recipient.user_id, DIGEST_LIST))

    def text_for(self, recipient: Recipient) -> str:
        return self.personal(self.text, recipient)

    def html_for(self, recipient: Recipient) -> str:
        return self.personal(self.html, recipient)

    def message_for(self, recipient: Recipient, message_id: str) -> OutgoingMessage:
        """This subscriber's message, Message-ID and unsubscribe link included."""
        if self.data is None or not PLAIN_ADDRESS.match(recipient.email):
            data = self.encoded_alone(recipient, message_id)
        else:
            token = unsubscribe_token(recipient.user_id, DIGEST_LIST)
            data = (
                self.data.replace(self.slots.to.encode(), recipient.email.encode())
                .replace(self.slots.message_id.encode(), message_id.encode())
                .replace(self.slots.token.encode(), token.encode())
            )
        envelope = envelope_sender(recipient.email, DIGEST_KIND, parseaddr(self.sender)[1])
        return OutgoingMessage(envelope, recipient.email, data, DIGEST_KIND)

    def encoded_alone(self, recipient: Recipient, message_id: str) -> bytes:
        token = unsubscribe_token(recipient.user_id, DIGEST_LIST)
        return as_smtp_bytes(
            subject=self.subject,
            sender=self.sender,
            to=recipient.email,
            date=self.date,
            message_id=message_id,
            headers={**AUTOMATIC_HEADERS, **list_headers(unsubscribe_link(token))},
            text=self.text_for(recipient),
            html=self.html_for(recipient),
        )


def edition_words(wants_posts: bool, wants_bulletins: bool, content: DigestContent) -> str:
    """What the footer says the reader follows: 'new posts and the threads you are in'."""
    lists = (
        (wants_posts, "new posts"),
        (wants_bulletins, "union bulletins"),
        (bool(content.conversation), "the threads you are in"),
    )
    return listed([words for wanted, words in lists if wanted])


def render_edition(content: DigestContent, wants_posts: bool, wants_bulletins: bool) -> Edition:
    """Render and serialise the digest for one choice of lists (through ``compose_email``)."""
    chosen = content.chosen(wants_posts, wants_bulletins)
    slots = Slots.new()
    headers = list_headers(unsubscribe_link(slots.token))
    message = compose_email(
        slots.to,
        digest_subject(chosen),
        "digest",
        headers=headers,
        message_id=slots.message_id,
        content=chosen,
        choice_words=edition_words(wants_posts, wants_bulletins, chosen),
        edition=format_edition_date(edition_date(chosen)),
        unsubscribe_url=unsubscribe_link(slots.token),
        preferences_url=external_url("subscriptions.subscribe"),
    )
    sent_on = time.time()
    data = message.as_outgoing(sent_on).data if message.fits_smtp_lines else None
    return Edition(
        message.subject, message.text, message.html, message.sender, sent_on, slots, data
    )


@dataclass
class Editions:
    """Editions of one content by choice, rendered on first use (one sender, one thread)."""

    content: DigestContent
    rendered: dict[tuple[bool, bool], Edition] = field(default_factory=dict)

    def edition(self, recipient: Recipient) -> Edition | None:
        """The recipient's edition; None when nothing new matches their choice."""
        if self.content.chosen(*recipient.choice).is_empty:
            return None
        if recipient.choice not in self.rendered:
            self.rendered[recipient.choice] = render_edition(self.content, *recipient.choice)
        return self.rendered[recipient.choice]

    def message_for(self, recipient: Recipient, message_id: str) -> OutgoingMessage | None:
        edition = self.edition(recipient)
        return None if edition is None else edition.message_for(recipient, message_id)


@dataclass
class RunEditions:
    """A run's editions by the windows each delivery covers, rendered on first use."""

    contents: StreamContents
    by_windows: dict[Windows, Editions] = field(default_factory=dict)

    def editions_for(self, windows: Windows) -> Editions:
        if windows not in self.by_windows:
            self.by_windows[windows] = Editions(self.contents.content_for(windows))
        return self.by_windows[windows]

    def message_for(
        self,
        recipient: Recipient,
        windows: Windows,
        message_id: str,
        conversation: Conversation = (),
    ) -> OutgoingMessage | None:
        """The recipient's edition of the streams recorded for them; None when empty.

        An edition with a conversation is the reader's own (its mute links name them), so
        it is rendered for them alone."""
        if not windows:
            return None
        chosen = chosen_streams(recipient, windows)
        editions = self.editions_for(windows)
        if conversation:
            editions = Editions(replace(editions.content, conversation=conversation))
        return editions.message_for(chosen, message_id)


def chosen_streams(recipient: Recipient, windows: Windows) -> Recipient:
    """The recipient with the lists their windows cover."""
    streams = {window.stream for window in windows}
    return replace(
        recipient,
        wants_posts=DigestStream.POSTS in streams,
        wants_bulletins=DigestStream.BULLETINS in streams,
    )


def build_digest(
    content: DigestContent, recipient: Recipient, message_id: str
) -> OutgoingMessage | None:
    """The recipient's email for this content, or None when nothing matches their choice."""
    return Editions(content).message_for(recipient, message_id)

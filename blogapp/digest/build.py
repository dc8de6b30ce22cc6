"""Building digest emails: content and subscriber in, message out, no I/O.

Everyone with the same choice gets the same email but for the To address, the Message-ID,
the unsubscribe token and, for a reader with a conversation, the subject's count of replies
and the conversation section. So the email is rendered (Jinja, css-inline) and serialised
once per choice — an *edition*, with slots for those — and each subscriber's message is the
edition with its slots filled, their conversation put together from threads each rendered
once (``thread_blocks``). The result is what rendering and serialising each message on its
own gives (``Edition.encoded_alone``), for a fraction of the cost (see bench/digest.py).
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
from ..mail.mime import as_smtp_bytes, encoded_header
from ..mail.transport import OutgoingMessage
from ..mail.verp import envelope_sender
from ..models import DigestStream
from ..subscriptions.tokens import DIGEST_LIST, unsubscribe_token
from ..text import counted
from ..urls import external_url
from .content import DigestContent, StreamContents
from .conversation import Conversation, comment_count
from .streams import Windows
from .thread_blocks import Section, ThreadBlocks

ONE_CLICK_POST = "List-Unsubscribe=One-Click"
#: The digest's kind in its envelope sender (see ``blogapp.mail.verp``).
DIGEST_KIND = "digest"
#: An address that can go into a To header exactly as it is (no quoting, no encoding).
PLAIN_ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+$")


@dataclass(frozen=True)
class Recipient:
    """A subscriber as the email needs them: address, choice and their own conversation."""

    user_id: int
    email: str
    wants_posts: bool = True
    wants_bulletins: bool = True
    conversation: Conversation = ()

    @property
    def choice(self) -> tuple[bool, bool]:
        return self.wants_posts, self.wants_bulletins

    @property
    def edition_key(self) -> tuple[bool, bool, bool]:
        """What decides which edition is theirs: the lists, and whether a conversation."""
        return self.wants_posts, self.wants_bulletins, bool(self.conversation)


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


def digest_subject(content: DigestContent, replies: int = 0) -> str:
    """'3 new posts, 2 bulletins and 5 replies — On Probation, Monday 26 September 2016':
    what is inside first, so a reader sees it in the list before opening it."""
    parts = []
    if content.posts:
        parts.append(counted(len(content.posts), "new post"))
    if content.bulletins:
        parts.append(counted(len(content.bulletins), "bulletin"))
    if replies:
        parts.append(counted(replies, "reply", "replies"))
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
    subject: str
    conversation: Section

    @classmethod
    def new(cls) -> "Slots":
        key = secrets.token_hex(12)
        return cls(
            f"to-{key}@slot.invalid",
            f"<id-{key}@slot.invalid>",
            f"token-{key}",
            f"subject-{key}",
            Section(f"conversation-text-{key}", f"conversation-html-{key}"),
        )


def as_smtp_lines(text: str) -> bytes:
    """Text as an 8-bit body carries it: UTF-8, every line ending in CRLF."""
    return text.encode().replace(b"\r\n", b"\n").replace(b"\r", b"\n").replace(b"\n", b"\r\n")


@dataclass(frozen=True)
class Edition:
    """The digest for one choice, rendered once, with slots for each subscriber."""

    #: What the edition carries for everyone (the subject counts it).
    content: DigestContent
    text: str
    html: str
    sender: str
    date: float
    slots: Slots
    #: The serialised message with its slots; None when a line is too long to send as
    #: 8-bit text, and each message must then be encoded (quoted-printable) on its own.
    data: bytes | None
    blocks: ThreadBlocks
    #: The encoded Subject header by number of replies, made on first use.
    subject_headers: dict[int, bytes] = field(default_factory=dict, compare=False)

    def subject_for(self, recipient: Recipient) -> str:
        return digest_subject(self.content, comment_count(recipient.conversation))

    def section_for(self, recipient: Recipient) -> Section:
        return self.blocks.section(recipient.user_id, recipient.conversation)

    def personal(self, value: str, recipient: Recipient) -> str:
        return value.replace(self.slots.token, unsubscribe_token(recipient.user_id, DIGEST_LIST))

    def text_for(self, recipient: Recipient) -> str:
        section = self.section_for(recipient).text
        return self.personal(self.text, recipient).replace(self.slots.conversation.text, section)

    def html_for(self, recipient: Recipient) -> str:
        section = self.section_for(recipient).html
        return self.personal(self.html, recipient).replace(self.slots.conversation.html, section)

    def message_for(self, recipient: Recipient, message_id: str) -> OutgoingMessage:
        """This subscriber's message: Message-ID, unsubscribe link, subject and conversation."""
        section = self.section_for(recipient)
        if self.data is None or not section.fits or not PLAIN_ADDRESS.match(recipient.email):
            data = self.encoded_alone(recipient, message_id)
        else:
            data = self.filled_in(recipient, message_id, section)
        envelope = envelope_sender(recipient.email, DIGEST_KIND, parseaddr(self.sender)[1])
        return OutgoingMessage(envelope, recipient.email, data, DIGEST_KIND)

    def filled_in(self, recipient: Recipient, message_id: str, section: Section) -> bytes:
        """The serialised edition with the subscriber's own in its slots."""
        token = unsubscribe_token(recipient.user_id, DIGEST_LIST)
        return (
            self.data.replace(self.slots.to.encode(), recipient.email.encode())
            .replace(self.slots.message_id.encode(), message_id.encode())
            .replace(self.slots.token.encode(), token.encode())
            .replace(self.slots.subject.encode(), self.subject_header(recipient))
            .replace(self.slots.conversation.text.encode(), as_smtp_lines(section.text))
            .replace(self.slots.conversation.html.encode(), as_smtp_lines(section.html))
        )

    def subject_header(self, recipient: Recipient) -> bytes:
        replies = comment_count(recipient.conversation)
        if replies not in self.subject_headers:
            subject = digest_subject(self.content, replies)
            self.subject_headers[replies] = encoded_header("Subject", subject)
        return self.subject_headers[replies]

    def encoded_alone(self, recipient: Recipient, message_id: str) -> bytes:
        token = unsubscribe_token(recipient.user_id, DIGEST_LIST)
        return as_smtp_bytes(
            subject=self.subject_for(recipient),
            sender=self.sender,
            to=recipient.email,
            date=self.date,
            message_id=message_id,
            headers={**AUTOMATIC_HEADERS, **list_headers(unsubscribe_link(token))},
            text=self.text_for(recipient),
            html=self.html_for(recipient),
        )


def edition_words(wants_posts: bool, wants_bulletins: bool, with_conversation: bool) -> str:
    """What the footer says the reader follows: 'new posts and the threads you are in'."""
    lists = (
        (wants_posts, "new posts"),
        (wants_bulletins, "union bulletins"),
        (with_conversation, "the threads you are in"),
    )
    return listed([words for wanted, words in lists if wanted])


def render_edition(
    content: DigestContent, key: tuple[bool, bool, bool], blocks: ThreadBlocks
) -> Edition:
    """Render and serialise the digest for one edition key (see ``Recipient.edition_key``),
    through ``compose_email``."""
    wants_posts, wants_bulletins, with_conversation = key
    chosen = content.chosen(wants_posts, wants_bulletins)
    slots = Slots.new()
    headers = list_headers(unsubscribe_link(slots.token))
    message = compose_email(
        slots.to,
        slots.subject,
        "digest",
        headers=headers,
        message_id=slots.message_id,
        content=chosen,
        conversation=slots.conversation if with_conversation else None,
        choice_words=edition_words(wants_posts, wants_bulletins, with_conversation),
        edition=format_edition_date(edition_date(chosen)),
        unsubscribe_url=unsubscribe_link(slots.token),
        preferences_url=external_url("subscriptions.subscribe"),
    )
    sent_on = time.time()
    data = message.as_outgoing(sent_on).data if message.fits_smtp_lines else None
    return Edition(chosen, message.text, message.html, message.sender, sent_on, slots, data, blocks)


@dataclass
class Editions:
    """Editions of one content by edition key, rendered on first use (one sender, one
    thread), sharing the blocks of the conversations they carry."""

    content: DigestContent
    blocks: ThreadBlocks = field(default_factory=ThreadBlocks)
    rendered: dict[tuple[bool, bool, bool], Edition] = field(default_factory=dict)

    def edition(self, recipient: Recipient) -> Edition | None:
        """The recipient's edition; None when nothing new matches their choice."""
        if self.content.chosen(*recipient.choice).is_empty and not recipient.conversation:
            return None
        key = recipient.edition_key
        if key not in self.rendered:
            self.rendered[key] = render_edition(self.content, key, self.blocks)
        return self.rendered[key]

    def message_for(self, recipient: Recipient, message_id: str) -> OutgoingMessage | None:
        edition = self.edition(recipient)
        return None if edition is None else edition.message_for(recipient, message_id)


@dataclass
class RunEditions:
    """A run's editions by the windows each delivery covers, rendered on first use."""

    contents: StreamContents
    blocks: ThreadBlocks = field(default_factory=ThreadBlocks)
    by_windows: dict[Windows, Editions] = field(default_factory=dict)

    def editions_for(self, windows: Windows) -> Editions:
        if windows not in self.by_windows:
            self.by_windows[windows] = Editions(self.contents.content_for(windows), self.blocks)
        return self.by_windows[windows]

    def message_for(
        self,
        recipient: Recipient,
        windows: Windows,
        message_id: str,
        conversation: Conversation = (),
    ) -> OutgoingMessage | None:
        """The recipient's edition of the streams recorded for them, with the conversation
        recorded for them; None when empty."""
        if not windows:
            return None
        chosen = replace(chosen_streams(recipient, windows), conversation=conversation)
        return self.editions_for(windows).message_for(chosen, message_id)


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

"""A real SMTP server (aiosmtpd) that keeps what it receives, for the tests to read."""

import smtplib
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage
    #: The message's bytes as they arrived.
    data: bytes = b""


@dataclass
class Mailbox:
    """What the server accepted.

    ``refuse`` makes it answer RCPT TO for an address with 550 (permanent);
    ``refuse_after_data`` maps an address to the reply DATA gets for a message to it
    (a server that checks the mailbox, or the content, only after the message);
    ``defer(address, times)`` answers 451 (temporary) for its next ``times`` attempts;
    ``hang_up_after(count)`` accepts ``count`` more messages, then answers every MAIL FROM
    with 421 (the server is closing the connection) until ``stop_hanging_up()``.
    ``tried`` lists every address a client asked to send to, accepted or not;
    ``after_each_message``, when set, is called (in the server's thread) as each message is
    accepted, before the client hears so.
    ``before_reading`` runs before the messages are read: the ``mailbox`` fixture has it
    send the app's queued mail, as the background sender would have by then.
    """

    arrived: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    refuse_after_data: dict[str, str] = field(default_factory=dict)
    deferrals: dict[str, int] = field(default_factory=dict)
    tried: list[str] = field(default_factory=list)
    accepting: int | None = None
    after_each_message: Callable[[], None] | None = None
    port: int = 0
    before_reading: Callable[[], object] | None = None

    async def handle_MAIL(self, server: SMTP, session: Session, envelope: Envelope,
                          address: str, mail_options: list[str]) -> str:  # fmt: skip
        if self.accepting is not None and self.accepting <= 0:
            return "421 4.3.2 Service shutting down, closing transmission channel"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope,
                          address: str, rcpt_options: list[str]) -> str:  # fmt: skip
        self.tried.append(address.lower())
        if address.lower() in self.refuse:
            return "550 5.1.1 No such user here"
        if self.deferrals.get(address.lower(), 0) > 0:
            self.deferrals[address.lower()] -= 1
            return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    def defer(self, address: str, times: int = 1) -> None:
        self.deferrals[address.lower()] = times

    def hang_up_after(self, count: int) -> None:
        self.accepting = count

    def stop_hanging_up(self) -> None:
        self.accepting = None

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        for address in envelope.rcpt_tos:
            if address.lower() in self.refuse_after_data:
                return self.refuse_after_data[address.lower()]
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        self.arrived.append(
            Received(
                envelope.mail_from, list(envelope.rcpt_tos), message, envelope.original_content
            )
        )
        if self.accepting is not None:
            self.accepting -= 1
        if self.after_each_message is not None:
            self.after_each_message()
        return "250 Message accepted for delivery"

    @property
    def received(self) -> list[Received]:
        """Everything accepted so far, once what is queued has been sent."""
        if self.before_reading is not None:
            self.before_reading()
        return self.arrived

    @property
    def messages(self) -> list[EmailMessage]:
        return [item.message for item in self.received]

    def to(self, address: str) -> list[EmailMessage]:
        return [item.message for item in self.received if address in item.recipients]

    def clear(self) -> None:
        """Forget what was sent so far, queued mail included, and the refusals."""
        self.received.clear()
        self.refuse.clear()
        self.refuse_after_data.clear()
        self.deferrals.clear()
        self.tried.clear()
        self.accepting = None
        self.after_each_message = None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Handler:
    """What aiosmtpd calls: only the hooks, so that reading a Mailbox stays the tests' own
    business (aiosmtpd reads every attribute of its handler on each connection)."""

    def __init__(self, mailbox: Mailbox) -> None:
        self.handle_MAIL = mailbox.handle_MAIL
        self.handle_RCPT = mailbox.handle_RCPT
        self.handle_DATA = mailbox.handle_DATA


def start_smtp_server(mailbox: Mailbox, port: int | None = None) -> Controller:
    controller = Controller(Handler(mailbox), hostname="127.0.0.1", port=port or free_port())
    controller.start()
    return controller


def connect_to(mailbox: Mailbox) -> smtplib.SMTP:
    """A client connection to the test's server, as a digest sender opens one."""
    return smtplib.SMTP("127.0.0.1", mailbox.port, timeout=10)

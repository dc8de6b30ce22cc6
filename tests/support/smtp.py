"""A real SMTP server (aiosmtpd) that keeps what it receives, for the tests to read."""

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
    ``defer(address, times)`` answers 451 (temporary) for its next ``times`` attempts.
    ``before_reading`` runs before the messages are read: the ``mailbox`` fixture has it
    send the app's queued mail, as the background sender would have by then.
    """

    arrived: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    deferrals: dict[str, int] = field(default_factory=dict)
    port: int = 0
    before_reading: Callable[[], object] | None = None

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope,
                          address: str, rcpt_options: list[str]) -> str:  # fmt: skip
        if address.lower() in self.refuse:
            return "550 5.1.1 No such user here"
        if self.deferrals.get(address.lower(), 0) > 0:
            self.deferrals[address.lower()] -= 1
            return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    def defer(self, address: str, times: int = 1) -> None:
        self.deferrals[address.lower()] = times

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        self.arrived.append(
            Received(
                envelope.mail_from, list(envelope.rcpt_tos), message, envelope.original_content
            )
        )
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
        self.deferrals.clear()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Handler:
    """What aiosmtpd calls: only the hooks, so that reading a Mailbox stays the tests' own
    business (aiosmtpd reads every attribute of its handler on each connection)."""

    def __init__(self, mailbox: Mailbox) -> None:
        self.handle_RCPT = mailbox.handle_RCPT
        self.handle_DATA = mailbox.handle_DATA


def start_smtp_server(mailbox: Mailbox, port: int | None = None) -> Controller:
    controller = Controller(Handler(mailbox), hostname="127.0.0.1", port=port or free_port())
    controller.start()
    return controller

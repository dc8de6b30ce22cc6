"""SMTP: the only connections to a mail server the blog opens, each with a timeout.

A sender opens one connection per batch with the ``MAIL_*`` settings (or to the local
mail catcher while it runs) and MAIL_TIMEOUT on every exchange, so a stalled server never
holds a sender, or its claims, for ever. ``smtplib``'s exceptions carry the SMTP reply
codes that tell a temporary refusal (4xx) from a permanent one (5xx).
"""

import enum
import smtplib
from dataclasses import dataclass
from typing import Protocol

from flask import current_app

#: Where ``app.extensions`` keeps the (host, port) of the local mail catcher while it runs;
#: mail then goes there whatever the MAIL_* settings say.
LOCAL_SERVER_KEY = "blogapp.mail_catcher"

#: A reply code that means the server is closing the connection.
SERVICE_CLOSING = 421
#: What a failed send can raise: SMTP replies, network errors, an address SMTP cannot carry.
SEND_ERRORS = (smtplib.SMTPException, OSError, UnicodeError)


@dataclass(frozen=True)
class OutgoingMessage:
    """A message ready for SMTP: envelope addresses and the bytes to send."""

    envelope_from: str
    recipient: str
    data: bytes
    #: What it is (``digest``, or the template of a queued message): suppressions by
    #: complaint stop only some kinds.
    kind: str = ""


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to connect: the MAIL_* settings, or the local catcher while it runs."""

    server: str | None
    port: int
    use_tls: bool = False
    use_ssl: bool = False
    username: str | None = None
    password: str | None = None
    timeout: float = 10
    suppress: bool = False


def smtp_settings() -> SmtpSettings:
    """The settings of the current app, read each time a connection is opened."""
    config = current_app.config
    suppress = config.get("MAIL_SUPPRESS_SEND", current_app.testing)
    local = current_app.extensions.get(LOCAL_SERVER_KEY)
    if local is not None:
        host, port = local
        return SmtpSettings(host, port, timeout=config["MAIL_TIMEOUT"], suppress=suppress)
    return SmtpSettings(
        server=config.get("MAIL_SERVER"),
        port=config.get("MAIL_PORT", 25),
        use_tls=config.get("MAIL_USE_TLS", False),
        use_ssl=config.get("MAIL_USE_SSL", False),
        username=config.get("MAIL_USERNAME"),
        password=config.get("MAIL_PASSWORD"),
        timeout=config["MAIL_TIMEOUT"],
        suppress=suppress,
    )


class MailConnection(Protocol):
    def sendmail(self, from_addr: str, to_addrs: list[str], msg: bytes) -> object: ...

    def quit(self) -> object: ...

    def close(self) -> None: ...


class SuppressedConnection:
    """Stands in for a server when MAIL_SUPPRESS_SEND is on: accepts and drops everything."""

    def sendmail(self, from_addr: str, to_addrs: list[str], msg: bytes) -> dict:
        return {}

    def quit(self) -> None:
        return None

    def close(self) -> None:
        return None


def open_connection() -> MailConnection:
    """A logged-in connection to the mail server, with MAIL_TIMEOUT on every exchange."""
    settings = smtp_settings()
    if settings.suppress:
        return SuppressedConnection()
    if not settings.server:
        raise ConnectionRefusedError("MAIL_SERVER is not set, so there is no mail server to use")
    kind = smtplib.SMTP_SSL if settings.use_ssl else smtplib.SMTP
    connection = kind(settings.server, settings.port, timeout=settings.timeout)
    try:
        if settings.use_tls:
            connection.starttls()
        if settings.username and settings.password:
            connection.login(settings.username, settings.password)
    except BaseException:
        connection.close()
        raise
    return connection


def close_quietly(connection: MailConnection) -> None:
    """Say goodbye if the server is still there; just drop the socket if not."""
    try:
        connection.quit()
    except SEND_ERRORS:
        connection.close()


def deliver_over_smtp(connection: MailConnection, message: OutgoingMessage) -> None:
    """Send one built (and signed) message; raises what ``smtplib`` raises."""
    connection.sendmail(message.envelope_from, [message.recipient], message.data)


class Outcome(enum.Enum):
    #: A 4xx for this message: try it again later.
    TEMPORARY = "temporary"
    #: A 5xx for this message or recipient: record it and go on with the others.
    PERMANENT = "permanent"
    #: The server refused the connection, dropped it or is closing it: stop the batch.
    CONNECTION_LOST = "connection lost"


@dataclass(frozen=True)
class SendFailure:
    outcome: Outcome
    error: str
    #: The server refused the recipient itself (at RCPT TO, or after DATA for the mailbox),
    #: not the message or the connection.
    recipient_refused: bool = False

    @property
    def is_hard_bounce(self) -> bool:
        return self.recipient_refused and self.outcome is Outcome.PERMANENT


def reply_text(code: int, message: bytes | str) -> str:
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else message
    return f"{code} {text}".strip()


def is_about_the_message(reply: str) -> bool:
    """Whether a refusal after DATA is about what the message says (too big, a policy or
    spam filter: RFC 3463's 5.3.4, 5.6.x, 5.7.x), not about the mailbox.

    Each message goes to one recipient, so any other refusal after DATA refuses that
    recipient, as servers that check mailboxes late (after a content scan) do.
    """
    words = reply.split()
    enhanced = words[1] if len(words) > 1 else ""
    return enhanced == "5.3.4" or enhanced.startswith(("5.6.", "5.7."))


def outcome_of_code(code: int) -> Outcome:
    if code == SERVICE_CLOSING:
        return Outcome.CONNECTION_LOST
    return Outcome.TEMPORARY if 400 <= code < 500 else Outcome.PERMANENT


def classify(error: Exception) -> SendFailure:
    """What a failed send means for the message and for the connection."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, message = next(iter(error.recipients.values()))
        return SendFailure(outcome_of_code(code), reply_text(code, message), True)
    if isinstance(error, smtplib.SMTPDataError):
        text = reply_text(error.smtp_code, error.smtp_error)
        outcome = outcome_of_code(error.smtp_code)
        return SendFailure(outcome, text, not is_about_the_message(text))
    if isinstance(error, smtplib.SMTPResponseException):
        return SendFailure(
            outcome_of_code(error.smtp_code), reply_text(error.smtp_code, error.smtp_error)
        )
    if isinstance(error, smtplib.SMTPServerDisconnected | OSError):
        return SendFailure(Outcome.CONNECTION_LOST, describe_connection_error(error))
    return SendFailure(Outcome.PERMANENT, f"{type(error).__name__}: {error}")


def describe_connection_error(error: BaseException) -> str:
    """'Could not reach the mail server: [Errno 111] Connection refused'."""
    return f"Could not reach the mail server: {error or type(error).__name__}"

"""The embedded default for mail: a local SMTP catcher that files every message in the outbox.

Without MAIL_SERVER, ``make run`` (and, with MAIL_CATCHER=1, the mail-sending commands)
start an aiosmtpd server on 127.0.0.1 that saves each message as an .eml file in MAIL_OUTBOX_FOLDER
(``instance/outbox/``); editors read them at /admin/outbox. While it runs, the app's
SMTP connections go to it (``transport`` asks; no setting is changed). With MAIL_SERVER
set, mail goes there instead and no catcher starts.
"""

import re
import secrets
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from pathlib import Path

import click
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from flask import Flask, current_app

from ..dates import utcnow
from ..instance_files import write_private_file
from .transport import LOCAL_SERVER_KEY

#: The names the catcher gives files; anything else is not served from the outbox.
OUTBOX_FILE = re.compile(r"^\d{8}T\d{12}-[0-9a-f]{8}\.eml$")


def outbox_folder() -> Path:
    return Path(current_app.config["MAIL_OUTBOX_FOLDER"])


def catcher_is_running() -> bool:
    """Whether this process catches the blog's mail (rather than sending it out)."""
    return LOCAL_SERVER_KEY in current_app.extensions


def save_to_outbox(folder: Path, content: bytes) -> Path:
    """Write one message atomically, named so that names sort oldest to newest."""
    name = f"{utcnow():%Y%m%dT%H%M%S%f}-{secrets.token_hex(4)}.eml"
    partial = write_private_file(folder / f".{name}.part", content, exclusive=True)
    return partial.rename(folder / name)


class OutboxHandler:
    """aiosmtpd handler: accept every message and file it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        save_to_outbox(self.folder, envelope.original_content)
        return "250 Saved in the outbox"


def port_is_free(port: int) -> bool:
    """Whether a server could listen on ``port`` (as aiosmtpd does, past connections that
    are only closing count as free)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_mail_catcher(folder: Path, port: int) -> Controller:
    """Start the catcher on 127.0.0.1:``port``, or on a free port when another program holds
    that one, saying which port was busy, which one it took and how to choose."""
    if not port_is_free(port):
        busy, port = port, free_port()
        click.echo(
            f"  Port {busy} is busy (another program is listening there), so the mail catcher "
            f"listens on port {port} instead. To choose its port, set MAIL_CATCHER_PORT, "
            f"for example: MAIL_CATCHER_PORT={busy + 1} make run"
        )
    controller = Controller(OutboxHandler(folder), hostname="127.0.0.1", port=port)
    controller.start()
    return controller


NO_MAIL_SERVER = (
    "MAIL_SERVER is not set, so this command would keep the blog's mail in {outbox} on this "
    "machine and count it as sent. Set MAIL_SERVER (and MAIL_PORT, MAIL_USERNAME, "
    "MAIL_PASSWORD as your provider needs) to send it, or MAIL_CATCHER=1 to catch it in the "
    "outbox on purpose."
)


@contextmanager
def local_mail_unless_configured(
    app: Flask, port: int | None = None, *, embedded: bool = False
) -> Iterator[Path | None]:
    """Catch mail in the outbox while the block runs, unless MAIL_SERVER is set.

    Yields the outbox folder when the catcher runs, None when real mail is configured.
    Only the embedded server (``make run``, ``embedded=True``) catches mail unasked; any
    other process refuses to start without MAIL_SERVER unless MAIL_CATCHER is set.
    ``port`` defaults to a free one (commands); ``make run`` passes MAIL_CATCHER_PORT.
    """
    if app.config.get("MAIL_SERVER"):
        yield None
        return
    folder = Path(app.config["MAIL_OUTBOX_FOLDER"])
    if not (embedded or app.config.get("MAIL_CATCHER")):
        raise click.ClickException(NO_MAIL_SERVER.format(outbox=folder))
    controller = start_mail_catcher(folder, port or free_port())
    app.extensions[LOCAL_SERVER_KEY] = ("127.0.0.1", controller.port)
    try:
        yield folder
    finally:
        controller.stop()
        del app.extensions[LOCAL_SERVER_KEY]


@contextmanager
def mail_for_this_command() -> Iterator[Path | None]:
    """``local_mail_unless_configured`` for a ``flask`` command, saying where mail goes."""
    with local_mail_unless_configured(current_app._get_current_object()) as outbox:
        if outbox is not None:
            click.echo(f"MAIL_SERVER is not set: messages are saved in {outbox}.")
        yield outbox


# Reading the outbox ----------------------------------------------------------------------


@dataclass(frozen=True)
class OutboxEntry:
    name: str
    date: datetime | None
    to: str
    subject: str


def outbox_names(folder: Path) -> list[str]:
    """The saved messages' file names, newest first."""
    if not folder.is_dir():
        return []
    return sorted(
        (entry.name for entry in folder.iterdir() if OUTBOX_FILE.match(entry.name)), reverse=True
    )


def read_headers(path: Path) -> OutboxEntry:
    with path.open("rb") as handle:
        headers = BytesParser(policy=policy.default).parse(handle, headersonly=True)
    try:
        date = parsedate_to_datetime(str(headers["Date"])) if headers["Date"] else None
    except (TypeError, ValueError):
        date = None
    return OutboxEntry(path.name, date, str(headers["To"] or ""), str(headers["Subject"] or ""))


def outbox_page(folder: Path, page: int, per_page: int) -> tuple[list[OutboxEntry], int]:
    """One page of the outbox, newest first, and how many messages it holds."""
    names = outbox_names(folder)
    start = (page - 1) * per_page
    return [read_headers(folder / name) for name in names[start : start + per_page]], len(names)


def read_outbox_message(folder: Path, name: str) -> EmailMessage | None:
    """A saved message by file name; None for any name the catcher would not have written."""
    if not OUTBOX_FILE.match(name):
        return None
    path = folder / name
    if not path.is_file():
        return None
    with path.open("rb") as handle:
        return BytesParser(policy=policy.default).parse(handle)

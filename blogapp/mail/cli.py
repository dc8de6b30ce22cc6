"""``flask mail send-queued``: send what the queue holds now, as the scheduler does;
``flask mail receive``: take in one returned message (a bounce or complaint) on stdin;
``flask mail listen``: take returned messages by LMTP;
``flask mail dkim-key``: make a DKIM key and say what to publish."""

import signal
import threading
from pathlib import Path
from typing import BinaryIO

import click
from flask import current_app
from flask.cli import AppGroup

from .bounces import MAX_REPORT_BYTES, receive_report
from .catcher import mail_for_this_command
from .dkim_keys import SELECTOR, KeyExists, dns_record, key_path, write_new_key, zone_file_strings
from .listener import start_listener
from .queue import send_queued_mail
from .signing import signing_domain

mail_cli = AppGroup("mail", help="The mail the blog sends.")


@mail_cli.command("send-queued")
def send_queued_command() -> None:
    """Send every queued message that is due now (the scheduler does this every half minute)."""
    with mail_for_this_command():
        report = send_queued_mail()
    click.echo(f"Queued mail: {report.summary}.")
    if report.connection_error:
        click.echo(f"Mail server trouble: {report.connection_error}", err=True)


@mail_cli.command("receive")
@click.argument("source", type=click.File("rb"), default="-")
@click.option(
    "--envelope-recipient",
    help="The address the message was delivered to (Postfix: ${original_recipient}).",
)
def receive_command(source: BinaryIO, envelope_recipient: str | None) -> None:
    """Read one returned message (standard input by default), keep it, and suppress the
    address a permanent failure or a complaint is about. For a mail server's pipe or
    .forward."""
    raw = source.read(MAX_REPORT_BYTES)
    report = receive_report(raw, envelope_recipient)
    about = f" about {report.recipient}" if report.recipient else ""
    click.echo(f"Kept report {report.id}: {report.summary}{about}.")


@mail_cli.command("listen")
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option("--port", type=int, required=True, help="The LMTP port the mail server delivers to.")
def listen_command(host: str, port: int) -> None:
    """Take returned mail by LMTP (what `mail receive` does, as a server): point the mail
    server's transport for BOUNCE_ADDRESS at lmtp:HOST:PORT. Runs until stopped."""
    listener = start_listener(current_app._get_current_object(), host, port)
    click.echo(f"Taking returned mail by LMTP on {host}:{port}; Ctrl-C stops.")
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    try:
        stopped.wait()
    except KeyboardInterrupt:
        pass
    finally:
        listener.stop()


def check_selector(context: click.Context, parameter: click.Parameter, value: str) -> str:
    if not SELECTOR.fullmatch(value):
        raise click.BadParameter("use letters, digits and hyphens, such as 'blog2026'")
    return value


@mail_cli.command("dkim-key")
@click.option(
    "--selector", required=True, callback=check_selector, help="The DKIM selector, e.g. blog2026."
)
@click.option("--force", is_flag=True, help="Replace a key already made for this selector.")
def dkim_key_command(selector: str, force: bool) -> None:
    """Make a new 2048-bit DKIM key in the instance folder and print the DNS record to
    publish and the settings that sign mail with it."""
    path = key_path(Path(current_app.instance_path), selector)
    try:
        key = write_new_key(path, replace=force)
    except KeyExists:
        raise click.ClickException(
            f"{path} exists already. Choose another selector (the usual way to change keys), "
            "or give --force to replace it: mail signed with the old key then stops verifying "
            "once the new record is published."
        ) from None
    domain = signing_domain(current_app.config) or "<your mail domain>"
    record = dns_record(key)
    click.echo(f"Wrote a new 2048-bit key to {path} (readable by its owner only).\n")
    click.echo(f"Publish this TXT record at {selector}._domainkey.{domain}:\n")
    click.echo(f"{record}\n")
    click.echo("In a zone file (long records are split into quoted strings):\n")
    click.echo(f"{selector}._domainkey.{domain}. IN TXT {zone_file_strings(record)}\n")
    click.echo("Then set, and restart the blog:\n")
    click.echo(f"DKIM_PRIVATE_KEY_FILE={path}")
    click.echo(f"DKIM_SELECTOR={selector}")
    click.echo(f"DKIM_DOMAIN={domain}")

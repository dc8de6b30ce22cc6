"""``flask mail send-queued``: send what the queue holds now, as the scheduler does."""

import click
from flask import current_app
from flask.cli import AppGroup

from .catcher import local_mail_unless_configured
from .queue import send_queued_mail

mail_cli = AppGroup("mail", help="The mail the blog sends.")


@mail_cli.command("send-queued")
def send_queued_command() -> None:
    """Send every queued message that is due now (the scheduler does this every half minute)."""
    with local_mail_unless_configured(current_app._get_current_object()) as outbox:
        if outbox is not None:
            click.echo(f"MAIL_SERVER is not set: messages are saved in {outbox}.")
        report = send_queued_mail()
    click.echo(f"Queued mail: {report.summary}.")
    if report.connection_error:
        click.echo(f"Mail server trouble: {report.connection_error}", err=True)

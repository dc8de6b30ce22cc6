"""``flask digest run`` / ``flask digest preview``."""

from datetime import datetime

import click
from flask import current_app
from flask.cli import AppGroup

from ..auth.operations import user_by_email
from ..config import require_secret_key
from ..dates import format_date_time, utcnow
from ..mail.catcher import mail_for_this_command
from ..mail.queue import send_queued_mail
from .preview import (
    Preview,
    digest_on,
    next_digest_to,
    next_edition_of,
    queue_preview,
)
from .runs import next_window, run_digest
from .schedule import next_digest_time

digest_cli = AppGroup("digest", help="The daily email digest.")


@digest_cli.command("run")
def run_command() -> None:
    """Send the due digest now (or finish an interrupted one): what the scheduler runs."""
    with mail_for_this_command():
        report = run_digest()
    if report.busy:
        raise click.ClickException("Another digest sender is at work on this database.")
    for outcome in report.runs:
        click.echo(outcome.summary)
        if outcome.sent.connection_error:
            click.echo(f"Mail server trouble: {outcome.sent.connection_error}", err=True)
    if not report.runs:
        upcoming = next_digest_time(utcnow())
        click.echo(f"Nothing due: the next digest goes at {format_date_time(upcoming)}.")


@digest_cli.command("preview")
@click.option("--email", required=True, help="The reader whose digest to show.")
@click.option("--html", "as_html", is_flag=True, help="Print the HTML part instead of the text.")
@click.option(
    "--on",
    "day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The day of the edition (YYYY-MM-DD); default: the next day the reader gets one.",
)
def preview_command(email: str, as_html: bool, day: datetime | None) -> None:
    """Print EMAIL's next edition, by their own rhythms (or the one of --on DAY), with
    their conversation; sends and records nothing."""
    require_secret_key(current_app)
    user = user_by_email(email)
    if user is None or user.email is None:
        raise click.ClickException(f"There is no account with the address {email}.")
    if day is not None:
        print_edition_on(digest_on(user, day.date()), as_html)
        return
    preview = next_edition_of(user)
    if preview.subscribed:
        print_edition_on(preview, as_html)
        return
    click.echo(f"{user.email} does not subscribe; showing posts and bulletins.", err=True)
    if preview.edition is None:
        start, _ = next_window(utcnow())
        click.echo(f"Nothing new for {user.email} since {format_date_time(start)}: no email.")
        return
    click.echo(f"Subject: {preview.subject}\nTo: {user.email}\n")
    click.echo(preview.html if as_html else preview.text)


def print_edition_on(preview: Preview, as_html: bool) -> None:
    email = preview.recipient.email
    if not preview.subscribed:
        click.echo(f"{email} does not subscribe; showing posts and bulletins daily.", err=True)
    day = format_date_time(preview.content.window_end)
    if preview.edition is None:
        click.echo(f"Nothing for {email} in the edition of {day}: no email.")
        return
    click.echo(f"Subject: {preview.subject}\nTo: {email}\n")
    click.echo(preview.html if as_html else preview.text)


@digest_cli.command("send")
@click.option("--to", "address", required=True, help="Where to send it (any address).")
def send_command(address: str) -> None:
    """Send the next digest's content to ADDRESS now, marked as a test: no run is started and
    nothing is recorded as sent, so subscribers still get it at DIGEST_TIME."""
    require_secret_key(current_app)
    with mail_for_this_command() as outbox:
        preview = next_digest_to(address.strip().lower())
        if preview.edition is None:
            start, _ = next_window(utcnow())
            raise click.ClickException(f"Nothing new since {format_date_time(start)}: no digest.")
        queue_preview(preview, marked_as_test=True)
        report = send_queued_mail()
    if report.connection_error:
        raise click.ClickException(f"Mail server trouble: {report.connection_error}")
    where = f"saved in {outbox}" if outbox is not None else f"sent to {preview.recipient.email}"
    click.echo(f"{preview.subject} [test]: {where}.")

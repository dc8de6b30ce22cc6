"""The one-process server behind ``make run``: the blog and its background work together."""

import signal
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import click
from flask import Flask
from werkzeug.serving import run_simple

from .demo import DEMO_CREDENTIALS_FILE, demo_login_hint
from .instance_files import say_what_was_tightened
from .mailcatcher import local_mail_unless_configured
from .scheduler import BackgroundJobs


def stop_on_sigterm(*_: object) -> None:
    """Let SIGTERM end the server the way Ctrl-C does, so background work stops cleanly."""
    raise KeyboardInterrupt


@contextmanager
def background_work(app: Flask) -> Iterator[None]:
    """The local mail catcher (unless MAIL_SERVER is set) and the scheduler, for one server."""
    port = app.config["MAIL_CATCHER_PORT"]
    with ExitStack() as stack:
        try:
            outbox = stack.enter_context(local_mail_unless_configured(app, port))
        except OSError as error:
            raise click.ClickException(str(error)) from error
        if outbox is None:
            click.echo(f"  Mail goes out through {app.config['MAIL_SERVER']}.")
        else:
            caught = f"port {app.config['MAIL_PORT']} and kept in {outbox}"
            click.echo(f"  Mail is caught on {caught}: see /admin/outbox.")
        jobs = BackgroundJobs(app)
        jobs.start()
        stack.callback(jobs.stop)
        yield


def serve(app: Flask, host: str, port: int) -> None:
    """Serve with Werkzeug, without the reloader, so background work starts exactly once."""
    if not app.config.get("SECRET_KEY"):
        raise click.ClickException("No secret key: run `flask setup` first (or set SECRET_KEY).")
    say_what_was_tightened(app)
    address = f"http://{host}:{port}"
    click.echo(f"\n  {app.config['BLOG_TITLE']} is at {address}/")
    click.echo("  " + demo_login_hint(Path(app.instance_path) / DEMO_CREDENTIALS_FILE))
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    with background_work(app):
        click.echo("")
        # Not app.run(): Flask ignores that inside a `flask` command such as `flask serve`.
        run_simple(host, port, app, use_reloader=False, threaded=True)

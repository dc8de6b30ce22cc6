"""The one-process server behind ``make run``: the blog and its background work together."""

import signal
from pathlib import Path

import click
from flask import Flask
from werkzeug.serving import run_simple

from .demo import DEMO_CREDENTIALS_FILE, demo_login_hint
from .scheduler import background_services


def stop_on_sigterm(*_: object) -> None:
    """Let SIGTERM end the server the way Ctrl-C does, so background work stops cleanly."""
    raise KeyboardInterrupt


def serve(app: Flask, host: str, port: int) -> None:
    """Serve with Werkzeug, without the reloader, so background work starts exactly once."""
    if not app.config.get("SECRET_KEY"):
        raise click.ClickException("No secret key: run `flask setup` first (or set SECRET_KEY).")
    address = f"http://{host}:{port}"
    click.echo(f"\n  {app.config['BLOG_TITLE']} is at {address}/")
    click.echo("  " + demo_login_hint(Path(app.instance_path) / DEMO_CREDENTIALS_FILE))
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    with background_services(app):
        click.echo("")
        # Not app.run(): Flask ignores that inside a `flask` command such as `flask serve`.
        run_simple(host, port, app, use_reloader=False, threaded=True)

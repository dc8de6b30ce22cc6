"""The one-process server behind ``make run``: the blog and its background work together.

Waitress (pure Python, threaded) answers the requests; the request log (``ops.request_log``)
writes the access log. X-Forwarded-For is honoured only through TRUSTED_PROXIES (ProxyFix),
never by waitress itself.
"""

import signal
import socket
from pathlib import Path

import click
from flask import Flask
from waitress import create_server

from .config import require_secret_key
from .demo import DEMO_CREDENTIALS_FILE, demo_login_hint
from .instance_files import say_what_was_tightened
from .scheduler import background_services

#: Hosts that mean "every interface": links name this machine's loopback address instead.
WILDCARD_HOSTS = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1"}  # noqa: S104


def listening_address(host: str, port: int) -> str:
    """The address a browser on this machine opens: ``http://127.0.0.1:8000``."""
    shown = WILDCARD_HOSTS.get(host, host)
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


def follow_the_server(app: Flask, address: str) -> None:
    """Links in mail, feeds and the sitemap: where this server listens when SITE_URL is not
    set; SITE_URL when it is, saying so if that is somewhere else."""
    if app.config.get("SITE_URL_IS_DEFAULT"):
        app.config["SITE_URL"] = address
        return
    site_url = app.config["SITE_URL"].rstrip("/")
    if site_url.lower() != address.lower():
        click.echo(
            f"  SITE_URL is {site_url}, but this server listens on {address}: links in mail, "
            "feeds and the sitemap go to SITE_URL. Unset SITE_URL to have them follow the server."
        )


def refuse_a_busy_port(host: str, port: int) -> None:
    """Stop before anything starts when another program already listens on ``port``."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise click.ClickException(
                f"Port {port} is busy (another program is listening there), so the blog cannot "
                f"be served on it. Choose another port, for example: make run PORT={port + 1}"
            ) from error


def stop_on_sigterm(*_: object) -> None:
    """Let SIGTERM end the server the way Ctrl-C does, so background work stops cleanly."""
    raise KeyboardInterrupt


def serve(app: Flask, host: str, port: int) -> None:
    """Serve with waitress in this one process, the scheduler and mail catcher beside it;
    Ctrl-C or SIGTERM stops the server, then the background work, cleanly."""
    require_secret_key(app)
    refuse_a_busy_port(host, port)
    say_what_was_tightened(app)
    address = listening_address(host, port)
    follow_the_server(app, address)
    click.echo(f"\n  {app.config['BLOG_TITLE']} is at {address}/")
    click.echo("  " + demo_login_hint(Path(app.instance_path) / DEMO_CREDENTIALS_FILE))
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    with background_services(app, embedded=True):
        server = create_server(
            app, host=host, port=port, threads=app.config["SERVE_THREADS"], ident="blogapp"
        )
        click.echo("  Press Ctrl-C to stop.\n")
        server.run()
        click.echo("  Stopping: the scheduler finishes its jobs, then the mail catcher stops.")
    click.echo("  Stopped.")

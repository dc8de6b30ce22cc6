"""Commands: ``flask setup``, ``serve``, ``demo``, ``users``, ``digest``, ``mail``…"""

import signal
import threading
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from flask_migrate import upgrade

from .auth.operations import AccountError, create_user
from .backups.cli import backup_command, restore_command
from .caching.identity import ensure_database_identity
from .config import write_secret_key_file
from .demo import DEMO_CREDENTIALS_FILE, demo_login_hint, load_demo
from .digest.cli import digest_cli
from .exporters.cli import export_command, import_json_command
from .importers.commands import import_blogger_command
from .instance_files import make_private_folder, say_what_was_tightened
from .mail.cli import mail_cli
from .models import Role
from .remote_images import copy_remote_images
from .scheduler import background_services
from .serve import serve
from .site_content import database_holds_a_blog
from .upload_storage import StoreUnavailable, copy_folder_to_store, upload_store

users_cli = AppGroup("users", help="Manage accounts.")


@click.command("setup")
@with_appcontext
def setup_command() -> None:
    """Prepare instance/: secret key, database schema, demo content on an empty database."""
    instance = make_private_folder(Path(current_app.instance_path))
    say_what_was_tightened(current_app)
    if not current_app.config.get("SECRET_KEY") and write_secret_key_file(str(instance)):
        click.echo(f"Wrote a new secret key to {instance / 'secret_key'}.")
    upgrade()
    ensure_database_identity()
    if not database_holds_a_blog():
        load_demo(instance / DEMO_CREDENTIALS_FILE)
        click.echo("Loaded the demo blog.")


@click.command("serve")
@with_appcontext
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve_command(host: str, port: int) -> None:
    """Serve the blog for development and demonstration, in one process."""
    serve(current_app._get_current_object(), host, port)


@click.command("scheduler")
@with_appcontext
def scheduler_command() -> None:
    """Run the background jobs (queued mail, the daily digest, feeds) until SIGTERM or Ctrl-C."""
    stop = threading.Event()
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda *_: stop.set())
    with background_services(current_app._get_current_object()):
        stop.wait()


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Load the demo posts and the demo editor account (into an empty database)."""
    if database_holds_a_blog():
        raise click.ClickException("The database already has content; the demo loads only once.")
    load_demo(Path(current_app.instance_path) / DEMO_CREDENTIALS_FILE)
    click.echo(demo_login_hint(Path(current_app.instance_path) / DEMO_CREDENTIALS_FILE))


@click.command("copy-remote-images")
@with_appcontext
def copy_remote_images_command() -> None:
    """Copy the images posts and bulletins show from other sites here (the scheduler does
    this every few minutes; run it after an import to have the images at once)."""
    changed = copy_remote_images()
    click.echo(f"Copied the remote images of {changed} posts and bulletins.")


@click.command("copy-uploads-to-bucket")
@with_appcontext
def copy_uploads_to_bucket_command() -> None:
    """Copy the images kept in UPLOAD_FOLDER into the UPLOADS_S3_URL bucket (once, when
    moving the blog's images there); those already in the bucket are left as they are."""
    if not current_app.config.get("UPLOADS_S3_URL"):
        raise click.ClickException("Set UPLOADS_S3_URL to the bucket first.")
    try:
        copied = copy_folder_to_store(Path(current_app.config["UPLOAD_FOLDER"]), upload_store())
    except StoreUnavailable as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Copied {copied} {'image' if copied == 1 else 'images'} into the bucket.")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", "display_name", required=True, help="The name shown on the blog.")
@click.option("--role", type=click.Choice([role.value for role in Role]), default="reader")
@click.option(
    "--password-file",
    type=click.File("r"),
    help="Read the password from this file instead of asking for it.",
)
def create_user_command(email: str, display_name: str, role: str, password_file) -> None:
    """Create an account (its address counts as confirmed)."""
    if password_file is not None:
        password = password_file.read().strip()
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < 10:
        raise click.ClickException("The password must be at least 10 characters long.")
    try:
        user = create_user(email, display_name, password, Role(role), confirmed=True)
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Created {user.role.value} {user.email} ({user.display_name}).")


def register_cli(app: Flask) -> None:
    for command in (
        setup_command,
        serve_command,
        demo_command,
        import_blogger_command,
        export_command,
        import_json_command,
        scheduler_command,
        copy_remote_images_command,
        copy_uploads_to_bucket_command,
    ):
        app.cli.add_command(command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(users_cli)
    app.cli.add_command(digest_cli)
    app.cli.add_command(mail_cli)

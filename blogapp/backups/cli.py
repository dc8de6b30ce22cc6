"""``flask backup`` and ``flask restore``."""

from pathlib import Path

import click
from flask.cli import with_appcontext

from .archive import BackupError
from .making import make_backup
from .restoring import restore_backup


@click.command("backup")
@click.option(
    "--to",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder to write the backup to (default: BACKUP_DIR).",
)
@with_appcontext
def backup_command(folder: Path | None) -> None:
    """Back up the database and uploaded images into one file, while the blog serves."""
    try:
        made = make_backup(folder)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(made.summary)


@click.command("restore")
@click.argument("backup", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace the data already in the database.")
@with_appcontext
def restore_command(backup: Path, force: bool) -> None:
    """Restore a backup into an empty database and instance folder."""
    try:
        manifest = restore_backup(backup, force=force)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Restored the backup made {manifest.made_at:%Y-%m-%d %H:%M} UTC.")
    click.echo("Run `flask --app blogapp db upgrade` if this code is newer than the backup.")

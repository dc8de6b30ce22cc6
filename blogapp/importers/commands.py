"""``flask import-blogger``: move a blog here from a Blogger export."""

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from ..auth.operations import user_by_email
from ..models import User
from .operations import Progress, import_blogger_export
from .records import ImportFailed


@contextmanager
def progress_bar(total: int) -> Iterator[Progress | None]:
    """A bar on the terminal, advanced to the number of bytes read; nothing when piped."""
    if not sys.stderr.isatty():
        yield None
        return
    with click.progressbar(length=total, label="Reading the export", file=sys.stderr) as bar:
        yield lambda done: bar.update(done - bar.pos)


def author_named(email: str | None) -> User | None:
    if not email:
        return None
    user = user_by_email(email)
    if user is None:
        raise click.BadParameter(
            f"there is no account with the address {email}.", param_hint="'--author-email'"
        )
    return user


@click.command("import-blogger")
@click.argument("export", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Read and check everything, write nothing.")
@click.option(
    "--author-email",
    help="Credit the posts to this existing account (by default they have no author).",
)
def import_blogger_command(export: Path, dry_run: bool, author_email: str | None) -> None:
    """Import posts, labels and comments from a Blogger export (Atom XML).

    Running it again with the same or a newer export adds only what is new.
    """
    author = author_named(author_email)
    try:
        with progress_bar(2 * export.stat().st_size) as progress:
            summary = import_blogger_export(export, author, dry_run, progress)
    except ImportFailed as error:
        raise click.ClickException(f"{export.name}: {error} Nothing was imported.") from error
    for line in summary.lines():
        click.echo(line)

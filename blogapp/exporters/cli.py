"""``flask export`` and ``flask import-json``."""

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import IO

import click
from flask.cli import with_appcontext

from .formats import FORMATS, export_to, rows_to_export
from .json_import import JsonImportRefused, import_json


@contextmanager
def progress_bar(total: int) -> Iterator[Callable[[int], None] | None]:
    """A bar on a terminal (standard error), nothing when the output goes elsewhere."""
    if not sys.stderr.isatty():
        yield None
        return
    with click.progressbar(length=total, label="Exporting", file=sys.stderr) as bar:
        yield bar.update


@click.command("export")
@click.option("--format", "format_name", type=click.Choice(sorted(FORMATS)), required=True)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The file to write (default: standard output).",
)
@click.option("--without-emails", is_flag=True, help="JSON only: leave every address out.")
@with_appcontext
def export_command(format_name: str, output: Path | None, without_emails: bool) -> None:
    """Export the whole blog as Blogger's Atom, WordPress's WXR or blogapp's JSON."""
    if without_emails and format_name != "json":
        raise click.UsageError("--without-emails is for the JSON export (the others carry none).")
    target = open_output(output)
    with target as out, progress_bar(rows_to_export(format_name)) as progress:
        export_to(format_name, out, without_emails=without_emails, progress=progress)
    if output is not None:
        click.echo(f"Exported the blog to {output}.", err=True)


def open_output(output: Path | None) -> IO[bytes]:
    if output is None:
        return nullcontext(sys.stdout.buffer)
    return output.open("wb")


@click.command("import-json")
@click.argument("export", type=click.File("rb"))
@with_appcontext
def import_json_command(export: IO[bytes]) -> None:
    """Restore a JSON export into an empty database."""
    try:
        imported = import_json(export, export.name)
    except JsonImportRefused as error:
        raise click.ClickException(str(error)) from error
    click.echo(imported.summary)

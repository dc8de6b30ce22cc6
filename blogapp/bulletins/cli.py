"""``flask bulletins fetch``: one poll of the union feeds, by hand."""

import click
from sqlalchemy.exc import SQLAlchemyError

from . import bp
from .ingest import poll_all_feeds


@bp.cli.command("fetch")
def fetch_command() -> None:
    """Poll every active union feed once and store its new items."""
    try:
        results = poll_all_feeds()
    except SQLAlchemyError as error:
        raise click.ClickException(
            f"Could not read the feeds from the database ({error.__class__.__name__}); "
            "has `flask db upgrade` been run?"
        ) from error
    if not results:
        click.echo("No active feeds to fetch. Add one at /admin/feeds.")
    for result in results:
        click.echo(result.summary())

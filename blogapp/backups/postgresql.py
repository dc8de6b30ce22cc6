"""pg_dump and pg_restore, told where the database is by libpq's environment variables
(never on the command line, where every user of the machine could read the password)."""

import os
import shutil
import subprocess
from pathlib import Path

from sqlalchemy.engine import URL

from .archive import BackupError

#: libpq's variable for each part of a SQLAlchemy URL.
LIBPQ_VARIABLES = {
    "host": "PGHOST",
    "port": "PGPORT",
    "username": "PGUSER",
    "password": "PGPASSWORD",
    "database": "PGDATABASE",
}
LIBPQ_QUERY_VARIABLES = {"sslmode": "PGSSLMODE", "connect_timeout": "PGCONNECT_TIMEOUT"}


def libpq_environment(url: URL) -> dict[str, str]:
    """This process's environment with the database ``url`` names in libpq's variables."""
    environment = dict(os.environ)
    for part, variable in LIBPQ_VARIABLES.items():
        value = getattr(url, part)
        if value is not None:
            environment[variable] = str(value)
    for name, variable in LIBPQ_QUERY_VARIABLES.items():
        if name in url.query:
            environment[variable] = str(url.query[name])
    return environment


def client_program(name: str) -> str:
    """The path of PostgreSQL's ``name`` (pg_dump, pg_restore), or a message saying what to
    install."""
    program = shutil.which(name)
    if program is None:
        raise BackupError(
            f"{name} is not installed: install PostgreSQL's client programs at the server's "
            "major version or newer (Debian and Ubuntu: apt-get install postgresql-client)."
        )
    return program


def run_client(arguments: list[str], url: URL) -> None:
    """Run a PostgreSQL client program; its own words if it fails."""
    result = subprocess.run(  # noqa: S603 - our own arguments, the program found on PATH
        arguments, env=libpq_environment(url), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{Path(arguments[0]).name} failed: {result.stderr.strip()}")


def dump(url: URL, to: Path) -> None:
    """A consistent copy of the database (pg_dump's own snapshot), in its custom format."""
    pg_dump = client_program("pg_dump")
    run_client(
        [pg_dump, "--format=custom", "--no-owner", "--no-privileges", "--file", str(to)], url
    )


def restore(url: URL, dump_file: Path) -> None:
    """Replace the database's tables with the dump's, in one transaction."""
    pg_restore = client_program("pg_restore")
    run_client(
        [
            *(pg_restore, "--clean", "--if-exists", "--no-owner", "--no-privileges"),
            *("--single-transaction", "--dbname", url.database or "", str(dump_file)),
        ],
        url,
    )

"""Which database the shared cache serves: a random identity kept in the database itself.

Pages and change notices in a shared cache are filed under it, so that a database restored
beside a live one (a copy for staging, a backup being checked) neither serves the live blog's
pages nor overwrites them. The migration that brought it writes the first one, ``flask
setup`` writes one where there is none, and a restore writes a new one; each process reads
it once.
"""

import secrets

from flask import Flask
from sqlalchemy import Connection, delete, insert, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from ..changes import noting
from ..dates import utcnow
from ..extensions import db
from ..models import SiteSetting

#: The site setting that holds the identity (no editor sees or changes it).
IDENTITY_SETTING = "database_identity"
EXTENSION_KEY = "blogapp.database_identity"


def stored_identity(connection: Connection) -> str | None:
    return connection.scalar(select(SiteSetting.value).where(SiteSetting.name == IDENTITY_SETTING))


def write_identity(connection: Connection, identity: str) -> None:
    connection.execute(delete(SiteSetting).where(SiteSetting.name == IDENTITY_SETTING))
    connection.execute(
        insert(SiteSetting).values(name=IDENTITY_SETTING, value=identity, updated_at=utcnow())
    )


def new_identity() -> str:
    return secrets.token_hex(8)


def ensure_database_identity() -> str:
    """The database's identity, written first if it has none (``flask setup``)."""
    with db.engine.connect() as connection:
        identity = stored_identity(connection)
    if identity is not None:
        return identity
    try:
        with noting(), db.engine.begin() as connection:
            connection.execute(
                insert(SiteSetting).values(
                    name=IDENTITY_SETTING, value=new_identity(), updated_at=utcnow()
                )
            )
    except IntegrityError:
        pass  # another process wrote it first: theirs stands
    with db.engine.connect() as connection:
        return stored_identity(connection)


def renew_database_identity() -> str:
    """Give the database a new identity (after a restore: it is no longer the copy whose
    pages and change notices the shared cache holds)."""
    identity = new_identity()
    with noting(), db.engine.begin() as connection:
        write_identity(connection, identity)
    return identity


def database_identity(app: Flask) -> str | None:
    """The identity of ``app``'s database, read once per process; None while the database
    cannot be reached (pages are then neither served from nor kept in the shared cache)."""
    identity = app.extensions.get(EXTENSION_KEY)
    if identity is None:
        try:
            identity = ensure_database_identity()
        except SQLAlchemyError:
            return None
        identity = app.extensions.setdefault(EXTENSION_KEY, identity)
    return identity


def known_database_identity(app: Flask) -> str | None:
    """The identity if this process has read it already (the WSGI middleware never asks the
    database)."""
    return app.extensions.get(EXTENSION_KEY)

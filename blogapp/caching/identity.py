"""Which database the shared cache serves: a random identity kept in the database itself.

Pages and change notices in a shared cache are filed under it, so that a database restored
beside a live one (a copy for staging, a backup being checked) neither serves the live blog's
pages nor overwrites them. The migration that brought it writes the first one, ``flask
setup`` writes one where there is none, and a restore writes a new one; each process reads
it once, and remembers it in ``instance/``: a process started while the database is away
still serves the pages already cached for it.
"""

import os
import secrets
from pathlib import Path

from flask import Flask
from sqlalchemy import Connection, delete, insert, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from ..changes import noting
from ..dates import utcnow
from ..extensions import db
from ..instance_files import make_private_folder, write_private_file
from ..models import SiteSetting

#: The site setting that holds the identity (no editor sees or changes it).
IDENTITY_SETTING = "database_identity"
EXTENSION_KEY = "blogapp.database_identity"
REMEMBERED_KEY = "blogapp.remembered_database_identity"
#: The file in ``instance/`` that remembers the identity last read.
REMEMBERED_IN = "database_identity"


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


def renew_database_identity(app: Flask) -> str:
    """Give ``app``'s database a new identity (after a restore: it is no longer the copy
    whose pages and change notices the shared cache holds)."""
    identity = new_identity()
    with noting(), db.engine.begin() as connection:
        write_identity(connection, identity)
    app.extensions[EXTENSION_KEY] = identity
    remember(app, identity)
    return identity


def remembered_path(app: Flask) -> Path:
    return Path(app.instance_path, REMEMBERED_IN)


def remember(app: Flask, identity: str) -> None:
    """Keep the identity for a process that starts while the database is away."""
    path = remembered_path(app)
    try:
        if path.read_text() == identity:
            return
    except OSError:
        pass
    partial = path.with_name(f"{REMEMBERED_IN}.{os.getpid()}")
    try:
        make_private_folder(path.parent)
        write_private_file(partial, identity.encode())
        partial.replace(path)
    except OSError:
        return


def remembered(app: Flask) -> str | None:
    try:
        return remembered_path(app).read_text().strip() or None
    except OSError:
        return None


def database_identity(app: Flask) -> str | None:
    """The identity of ``app``'s database, read once per process; while the database cannot
    be reached, the one remembered (or None: pages are then neither served from nor kept in
    the shared cache)."""
    identity = app.extensions.get(EXTENSION_KEY)
    if identity is None:
        try:
            identity = ensure_database_identity()
        except SQLAlchemyError:
            return remembered(app)
        identity = app.extensions.setdefault(EXTENSION_KEY, identity)
        remember(app, identity)
    return identity


def known_database_identity(app: Flask) -> str | None:
    """The identity without asking the database (the WSGI middleware never does): the one
    this process read, or the one remembered (read once). Pages are kept and changes
    announced only under the identity read from the database."""
    identity = app.extensions.get(EXTENSION_KEY) or app.extensions.get(REMEMBERED_KEY)
    if identity is None and (identity := remembered(app)) is not None:
        app.extensions[REMEMBERED_KEY] = identity
    return identity

"""A second, empty blog beside the test's own, on the same kind of database."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from blogapp import create_app
from blogapp.extensions import db

from .database import migrate


@contextmanager
def empty_database_like(database_url: str, folder: Path) -> Iterator[str]:
    """The URL of a new database of the same kind (a SQLite file, or a PostgreSQL database
    made on the same server and dropped afterwards)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{folder / f'second-{uuid.uuid4().hex[:8]}.db'}"
        return
    name = f"second_{uuid.uuid4().hex[:12]}"
    server = create_engine(url, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


@contextmanager
def second_blog(config: dict, folder: Path, *, migrated: bool) -> Iterator:
    """An app on an empty database beside the test's (``migrated``: schema made)."""
    with empty_database_like(config["DATABASE_URL"], folder) as url:
        config = config | {"DATABASE_URL": url, "INSTANCE_PATH": str(folder / "second")}
        if migrated:
            migrate({**config, "CHANGES_MUST_BE_DECLARED": False})
        app = create_app(config)
        try:
            yield app
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()

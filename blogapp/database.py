"""Database engine settings that SQLAlchemy URLs cannot express."""

import math
import sqlite3
from typing import Any

from sqlalchemy import Engine, Insert, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.pool import ConnectionPoolEntry

from .instance_files import create_private_database_file, sqlite_database_path
from .postgresql_connections import postgresql_connect_args, postgresql_engine_options

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=15000",
)


def apply_sqlite_pragmas(connection: sqlite3.Connection, _record: ConnectionPoolEntry) -> None:
    """WAL lets readers work while one writer writes; the busy timeout waits out the writer."""
    cursor = connection.cursor()
    for pragma in SQLITE_PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


def configure_sqlite_connections(engine: Engine) -> None:
    """Apply the SQLite pragmas to every new connection of ``engine``.

    Transactions keep pysqlite's own control on purpose: it sends BEGIN just before the first
    INSERT, UPDATE or DELETE, so a write transaction starts by asking for the write lock and
    waits out the busy timeout. Beginning at the first SELECT instead (SQLAlchemy's recipe
    for SAVEPOINT support) gives "database is locked" at once to a writer that read first
    while another wrote (tests/web/test_concurrent_comments.py shows it).
    """
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", apply_sqlite_pragmas)
        database = sqlite_database_path(engine.url)
        if database is not None:
            event.listen(engine, "do_connect", lambda *_: create_private_database_file(database))


def engine_options(
    database_url: str,
    connect_timeout: float = 2,
    statement_timeout: float = 30,
    application_name: str = "blogapp",
) -> dict[str, Any]:
    """Connection settings: a generous lock wait for SQLite; for a server, health checks and
    bounded waits, so a database that is down or hung gives an error page in seconds
    rather than holding every worker (PostgreSQL's connect timeout is at least 2 s).
    PostgreSQL checks its connections without a round trip (``postgresql_connections``)."""
    if database_url.startswith("sqlite"):
        return {"connect_args": {"timeout": 15}}
    options: dict[str, Any] = {"pool_timeout": connect_timeout}
    if not database_url.startswith("postgresql"):
        return options | {"pool_pre_ping": True}
    statement_ms = int(statement_timeout * 1000)
    options["connect_args"] = {
        "connect_timeout": max(2, math.ceil(connect_timeout)),
        "options": f"-c statement_timeout={statement_ms}",
        "application_name": application_name,
        **postgresql_connect_args(),
    }
    return options | postgresql_engine_options()


def is_postgresql(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def insert_with_conflicts(model: type, dialect_name: str) -> postgresql.Insert | sqlite.Insert:
    """An INSERT in PostgreSQL's or SQLite's own words, which can say what to do ON CONFLICT."""
    insert = postgresql.insert if dialect_name == "postgresql" else sqlite.insert
    return insert(model)


def insert_unless_there(model: type, unique: list[str], dialect_name: str) -> Insert:
    """An INSERT that does nothing when a row with the same ``unique`` columns is there
    already (ON CONFLICT DO NOTHING): one statement where "look, then insert" would be two,
    and safe against another process doing the same."""
    return insert_with_conflicts(model, dialect_name).on_conflict_do_nothing(index_elements=unique)

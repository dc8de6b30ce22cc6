"""``flask import-json``: a JSON export back into an empty database."""

import json
from dataclasses import dataclass, field
from typing import IO, Any

from flask import current_app
from sqlalchemy import Table, func, insert, select

from .. import changes
from ..caching.identity import renew_database_identity
from ..extensions import db
from ..site_content import database_holds_a_blog
from .json_format import SCHEMA_VERSION, exported_tables, stored_value

ROWS_PER_INSERT = 1000


class JsonImportRefused(Exception):
    """A file or a database the import will not touch, in words for the operator."""


@dataclass
class ImportedRows:
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def summary(self) -> str:
        shown = ", ".join(f"{count} {name}" for name, count in self.counts.items() if count)
        return f"Imported {shown or 'nothing'}."


def read_export(stream: IO[bytes], name: str) -> dict[str, Any]:
    try:
        data = json.load(stream)
    except json.JSONDecodeError as error:
        raise JsonImportRefused(
            f"{name} is not JSON: line {error.lineno}, column {error.colno}: {error.msg}."
        ) from error
    except UnicodeDecodeError as error:
        raise JsonImportRefused(f"{name} is not UTF-8 text: {error.reason}.") from error
    if not isinstance(data, dict) or data.get("schema_version") != SCHEMA_VERSION:
        raise JsonImportRefused(
            f"{name} is not a blogapp JSON export of schema version {SCHEMA_VERSION}."
        )
    return data


def import_json(stream: IO[bytes], name: str) -> ImportedRows:
    """Fill the empty, migrated database with the export's rows, all in one transaction."""
    data = read_export(stream, name)
    if database_holds_a_blog():
        raise JsonImportRefused(
            "The database already holds a blog; import-json fills an empty one "
            "(a new database after `flask db upgrade`)."
        )
    tables = data.get("tables")
    known = {table.name: table for table in exported_tables()}
    unknown = sorted(set(tables or {}) - set(known))
    if not isinstance(tables, dict) or unknown:
        raise JsonImportRefused(
            f"{name} holds tables this version of blogapp does not know: {', '.join(unknown)}."
        )
    imported = ImportedRows()
    with changes.noting(changes.SITE):
        for table in known.values():
            imported.counts[table.name] = insert_rows(table, tables.get(table.name, []))
        restart_sequences(known.values())
        db.session.commit()
    renew_database_identity(current_app._get_current_object())
    return imported


def insert_rows(table: Table, rows: list[dict[str, Any]]) -> int:
    columns = {column.name: column for column in table.columns}
    converted = [
        {key: stored_value(columns[key], value) for key, value in row.items() if key in columns}
        for row in rows
    ]
    for start in range(0, len(converted), ROWS_PER_INSERT):
        db.session.execute(insert(table), converted[start : start + ROWS_PER_INSERT])
    return len(converted)


def restart_sequences(tables: Any) -> None:
    """PostgreSQL hands out ids from sequences: start each after the ids just inserted."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in tables:
        if "id" in table.columns and table.columns["id"].autoincrement:
            highest = select(func.max(table.c.id)).scalar_subquery()
            sequence = func.pg_get_serial_sequence(table.name, "id")
            db.session.execute(
                select(func.setval(sequence, func.coalesce(highest, 1), highest.is_not(None)))
            )

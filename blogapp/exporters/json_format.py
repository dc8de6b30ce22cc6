"""The JSON export: every table that holds the blog, row by row, and the import that puts
it back into an empty database.

The file is written as it is read, a table at a time, so a large blog exports in flat
memory. It names who wrote every comment, anonymous ones included (its first keys say
so); ``without_emails`` leaves every address out. Never a password hash or a session key.
"""

import json
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from enum import Enum
from typing import IO, Any

from sqlalchemy import Column, ColumnElement, DateTime, Table, func, select, text
from sqlalchemy.types import TypeDecorator

from ..caching.identity import IDENTITY_SETTING
from ..dates import utcnow
from ..extensions import db

SCHEMA_VERSION = 1
#: What moves with the blog: everything but what only says what the machine did.
OPERATIONAL_TABLES = frozenset(
    {"alembic_version", "mail_queue", "mail_reports", "digest_runs", "digest_deliveries", "backups"}
)
#: Columns never exported: secrets, and references to operational rows.
LEFT_OUT = {
    "users": frozenset({"password_hash", "session_token"}),
    "mail_suppressions": frozenset({"report_id"}),
}
EMAIL_COLUMNS = {"users": "email", "mail_suppressions": "address"}
ROWS_PER_FETCH = 500
#: Tables whose rows carry whole bodies, read a few at a time.
LONG_ROWS = {"posts": 25, "bulletins": 25}
NOTICE = (
    "This file is the whole blog, including who wrote each anonymous comment. "
    "Keep it as private as the database."
)


def exported_tables() -> list[Table]:
    """The blog's tables in an order that inserts parents before children."""
    return [table for table in db.metadata.sorted_tables if table.name not in OPERATIONAL_TABLES]


def exported_columns(table: Table, without_emails: bool) -> list[Column]:
    left_out = set(LEFT_OUT.get(table.name, ()))
    if without_emails and table.name in EMAIL_COLUMNS:
        left_out.add(EMAIL_COLUMNS[table.name])
    return [
        column
        for column in table.columns
        if column.name not in left_out and column.computed is None
    ]


def plain(value: Any) -> Any:
    """A column's value as JSON has it."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def count_rows(tables: Iterable[Table]) -> int:
    return sum(db.session.scalar(select(func.count()).select_from(table)) for table in tables)


def rows_left_out(table: Table) -> list[ColumnElement[bool]]:
    """The database's own identity is not the blog's: a copy gets one of its own."""
    if table.name == "site_settings":
        return [table.c.name != IDENTITY_SETTING]
    return []


def table_rows(table: Table, columns: list[Column]) -> Iterator[dict[str, Any]]:
    order = list(table.primary_key.columns) or columns[:1]
    batch = LONG_ROWS.get(table.name, ROWS_PER_FETCH)
    statement = (
        select(*columns)
        .where(*rows_left_out(table))
        .order_by(*order)
        .execution_options(yield_per=batch)
    )
    for row in db.session.execute(statement):
        yield {column.name: plain(row._mapping[column]) for column in columns}


def export_json(out: IO[str], *, without_emails: bool = False, progress: Any = None) -> None:
    """Write the blog to ``out`` as JSON; ``progress(n)`` hears of every n rows written."""
    header = {
        "schema_version": SCHEMA_VERSION,
        "contains_authors_of_anonymous_comments": True,
        "contains_email_addresses": not without_emails,
        "notice": NOTICE,
        "exported_at": utcnow().isoformat(),
        "database_revision": database_revision(),
    }
    out.write("{")
    for key, value in header.items():
        out.write(f"\n {json.dumps(key)}: {json.dumps(value)},")
    out.write('\n "tables": {')
    for index, table in enumerate(exported_tables()):
        out.write(("," if index else "") + f"\n  {json.dumps(table.name)}: [")
        columns = exported_columns(table, without_emails)
        for number, row in enumerate(table_rows(table, columns)):
            out.write(("," if number else "") + "\n   " + json.dumps(row, ensure_ascii=False))
            if progress is not None:
                progress(1)
        out.write("\n  ]")
    out.write("\n }\n}\n")


def database_revision() -> str | None:
    return db.session.scalar(text("SELECT version_num FROM alembic_version"))


def stored_value(column: Column, value: Any) -> Any:
    """A JSON value as the column takes it."""
    if value is None:
        return None
    column_type = column.type.impl if isinstance(column.type, TypeDecorator) else column.type
    if isinstance(column_type, DateTime):
        return datetime.fromisoformat(value)
    return value

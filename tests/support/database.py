"""Test databases: a migrated SQLite file copied per test, or PostgreSQL truncated per test."""

import shutil
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from blogapp import create_app
from blogapp.caching.identity import ensure_database_identity
from blogapp.extensions import db


def migrate(config: dict) -> None:
    """Bring a database to the newest schema through the real migrations."""
    app = create_app(config)
    with app.app_context():
        upgrade()
        db.engine.dispose()


def copy_sqlite_template(template: Path, target: Path) -> str:
    shutil.copyfile(template, target)
    return f"sqlite:///{target}"


def reset_postgres_schema(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def truncate_all_tables() -> None:
    """Empty every table of the current app's PostgreSQL database between tests, leaving it
    as the migrations do: with an identity of its own."""
    names = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
    with db.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    ensure_database_identity()

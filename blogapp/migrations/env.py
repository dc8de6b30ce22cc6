"""Alembic environment: the app's engine and metadata, via Flask-Migrate."""

import logging
from contextlib import contextmanager
from logging.config import fileConfig

from alembic import context
from flask import current_app

from blogapp.changes import SITE, noting
from blogapp.locks import holding, process_lock
from blogapp.models import UTCDateTime

config = context.config
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

#: What the models do not describe: full-text tables and indexes made by raw SQL in migrations.
UNMODELLED_TABLE_PREFIXES = ("post_fts", "bulletin_fts")
UNMODELLED_INDEXES = {"ix_posts_search", "ix_bulletins_search"}
#: PostgreSQL's stored search vectors: written by the database, read only by search's SQL.
UNMODELLED_COLUMNS = {"search_vector"}


def get_engine():
    return current_app.extensions["migrate"].db.engine


def get_metadata():
    return current_app.extensions["migrate"].db.metadata


def include_object(obj, name, type_, reflected, compare_to):
    """Leave the full-text search tables (SQLite), and the stored vectors and their indexes
    (PostgreSQL), alone."""
    if type_ == "table" and name and name.startswith(UNMODELLED_TABLE_PREFIXES):
        return False
    if type_ == "column" and name in UNMODELLED_COLUMNS:
        return False
    return not (type_ == "index" and name in UNMODELLED_INDEXES)


def render_item(type_, obj, autogen_context):
    """Write the UTC column type as a plain DateTime, so migrations import nothing of ours."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime()"
    return False


config.set_main_option(
    "sqlalchemy.url", get_engine().url.render_as_string(hide_password=False).replace("%", "%%")
)


@contextmanager
def foreign_keys_held_back(connection):
    """On SQLite, batch mode rebuilds a table by copying it and dropping the old one; with
    foreign keys on, that drop would delete (or empty the link of) every row referring to
    it. They are off while migrations run, as Alembic advises, and checked afterwards."""
    if connection.dialect.name != "sqlite":
        yield
        return
    connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    connection.commit()
    try:
        yield
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"the migrations left rows referring to nothing: {broken[:5]}")
    finally:
        connection.rollback()
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.commit()


def run_migrations_offline():
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=get_metadata(),
        literal_binds=True,
        include_object=include_object,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")

    conf_args = dict(current_app.extensions["migrate"].configure_args)
    conf_args.setdefault("process_revision_directives", process_revision_directives)
    # Two upgrades at once (two hosts deploying) take turns: the second finds the work done.
    # A migration may change anything readers see: it is declared as changing the whole site.
    migrations_lock = process_lock(current_app, get_engine(), "migrations")
    with (
        holding(migrations_lock),
        noting(SITE),
        get_engine().connect() as connection,
        foreign_keys_held_back(connection),
    ):
        context.configure(
            connection=connection,
            target_metadata=get_metadata(),
            include_object=include_object,
            render_item=render_item,
            **conf_args,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()

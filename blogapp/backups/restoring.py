"""Putting a backup back: into an empty database and instance folder, or, with ``force``,
over what is there."""

import shutil
import tempfile
from pathlib import Path

from flask import current_app
from sqlalchemy.engine import URL

from .. import changes
from ..caching.identity import renew_database_identity
from ..extensions import db
from ..instance_files import create_private_database_file, make_private_folder, sqlite_database_path
from ..site_content import database_holds_a_blog
from . import postgresql
from .archive import (
    DATABASE_MEMBERS,
    UPLOADS,
    BackupError,
    Manifest,
    copy_sqlite_database,
    extract_archive,
    read_manifest,
)


def restore_backup(path: Path, *, force: bool = False) -> Manifest:
    """Restore the backup at ``path``; refuses to overwrite data unless ``force``."""
    manifest = read_manifest(path)
    url = db.engine.url
    if manifest.database != url.get_backend_name():
        raise BackupError(
            f"This backup holds a {manifest.database} database, and DATABASE_URL names a "
            f"{url.get_backend_name()} one: restore it into a {manifest.database} database."
        )
    uploads = Path(current_app.config["UPLOAD_FOLDER"])
    if not force:
        refuse_to_overwrite(uploads)
    with tempfile.TemporaryDirectory(prefix="blogapp-restore-") as work:
        extract_archive(path, Path(work))
        db.session.remove()
        db.engine.dispose()
        with changes.noting(changes.SITE):
            restore_database(url, Path(work) / DATABASE_MEMBERS[manifest.database])
        replace_uploads(Path(work) / UPLOADS, uploads)
    db.engine.dispose()
    renew_database_identity(current_app._get_current_object())
    return manifest


def refuse_to_overwrite(uploads: Path) -> None:
    if database_holds_a_blog():
        raise BackupError(
            "The database already holds a blog; restore into an empty one, or add --force "
            "to replace what is there."
        )
    if uploads.is_dir() and any(uploads.iterdir()):
        raise BackupError(
            f"{uploads} already holds uploaded images; empty it, or add --force to replace them."
        )


def restore_database(url: URL, copy: Path) -> None:
    if url.get_backend_name() == "sqlite":
        restore_sqlite(url, copy)
    else:
        postgresql.restore(url, copy)


def restore_sqlite(url: URL, copy: Path) -> None:
    """Copy the backup's database into the configured file through SQLite's backup, so a
    write-ahead log beside the old file cannot outlive it."""
    target_path = sqlite_database_path(url)
    if target_path is None:
        raise BackupError(
            "DATABASE_URL names an in-memory SQLite database: nothing to restore into."
        )
    target_path.parent.mkdir(parents=True, exist_ok=True)
    create_private_database_file(target_path)
    copy_sqlite_database(copy, target_path)


def replace_uploads(restored: Path, uploads: Path) -> None:
    if uploads.exists():
        shutil.rmtree(uploads)
    if restored.is_dir():
        shutil.copytree(restored, uploads)
    make_private_folder(uploads)

"""Making a backup while the blog serves and comments are being written.

SQLite is copied through SQLite's online backup (a file copy can miss what is still in the
write-ahead log); PostgreSQL through pg_dump, which reads one snapshot. Either way the copy
holds every transaction committed before it began.
"""

import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError

from .. import changes
from ..dates import utcnow
from ..extensions import db
from ..instance_files import make_private_folder, sqlite_database_path
from ..models import Backup
from . import postgresql
from .archive import (
    DATABASE_MEMBERS,
    BackupError,
    Manifest,
    backup_name,
    copy_sqlite_database,
    prune,
    write_archive,
)

changes.declare_unseen(Backup)


@dataclass(frozen=True)
class BackupMade:
    path: Path
    made_at: datetime
    size: int
    pruned: list[Path]

    @property
    def summary(self) -> str:
        removed = f"; removed {len(self.pruned)} older" if self.pruned else ""
        return f"Backed up to {self.path} ({self.size / 1_000_000:.1f} MB){removed}."


def database_url() -> URL:
    return db.engine.url


def make_backup(to: Path | None = None) -> BackupMade:
    """Write a new backup into ``to`` (BACKUP_DIR by default), keep the newest BACKUP_KEEP."""
    folder = make_private_folder(to or configured_backup_folder())
    made_at = utcnow()
    url = database_url()
    manifest = Manifest(made_at, url.get_backend_name(), schema_revision())
    path = folder / backup_name(made_at)
    with tempfile.TemporaryDirectory(dir=folder, prefix=".making-") as work:
        database = Path(work) / DATABASE_MEMBERS.get(manifest.database, "database")
        copy_database(url, database)
        write_archive(path, manifest, database, Path(current_app.config["UPLOAD_FOLDER"]))
    made = BackupMade(path, made_at, path.stat().st_size, prune(folder, backups_to_keep()))
    record_backup(made)
    return made


def configured_backup_folder() -> Path:
    folder = current_app.config.get("BACKUP_DIR")
    if not folder:
        raise BackupError("Say where to write the backup: --to DIR, or set BACKUP_DIR.")
    return Path(folder)


def backups_to_keep() -> int:
    return max(1, int(current_app.config["BACKUP_KEEP"]))


def copy_database(url: URL, to: Path) -> None:
    backend = url.get_backend_name()
    if backend == "sqlite":
        copy_sqlite(url, to)
    elif backend == "postgresql":
        postgresql.dump(url, to)
    else:
        raise BackupError(f"Backups of {backend} databases are not supported.")


def copy_sqlite(url: URL, to: Path) -> None:
    source_path = sqlite_database_path(url)
    if source_path is None:
        raise BackupError("An in-memory SQLite database cannot be backed up.")
    copy_sqlite_database(source_path, to)


def schema_revision() -> str | None:
    """The migration the database is at; none for a database made without migrations."""
    try:
        return db.session.scalar(text("SELECT version_num FROM alembic_version"))
    except DBAPIError:
        db.session.rollback()
        return None


def record_backup(made: BackupMade) -> None:
    """Note the backup where every host's admin page can see it."""
    db.session.add(Backup(file_name=made.path.name, made_at=made.made_at, size_bytes=made.size))
    db.session.commit()

"""The backup file: a gzipped tar holding a manifest, the database and the uploads.

Named ``blogapp-backup-<UTC time>.tar.gz`` so that names sort by age; written 0600 under a
temporary name and renamed, so a half-written backup never looks like one.
"""

import io
import json
import os
import sqlite3
import tarfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

from ..instance_files import open_private_file

PREFIX = "blogapp-backup-"
SUFFIX = ".tar.gz"
MANIFEST = "manifest.json"
UPLOADS = "uploads"
#: The database's member, by the dialect it came from.
DATABASE_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
FORMAT = 1
#: Python's own guard against links and odd files in a tar (3.11.4 on); checked here too.
SAFE_EXTRACTION = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}


class BackupError(Exception):
    """A backup or restore that cannot be done, in words for the operator."""


@dataclass(frozen=True)
class Manifest:
    made_at: datetime
    database: str
    schema_revision: str | None

    def as_json(self) -> bytes:
        return json.dumps(
            {
                "format": FORMAT,
                "made_at": self.made_at.isoformat(),
                "database": self.database,
                "schema_revision": self.schema_revision,
            },
            indent=2,
        ).encode()

    @classmethod
    def from_json(cls, data: bytes) -> "Manifest":
        fields: dict[str, Any] = json.loads(data)
        if fields.get("format") != FORMAT:
            raise BackupError(
                f"This backup's format ({fields.get('format')}) is not one this "
                "version of blogapp reads."
            )
        return cls(
            made_at=datetime.fromisoformat(fields["made_at"]),
            database=fields["database"],
            schema_revision=fields.get("schema_revision"),
        )


def copy_sqlite_database(source_path: Path, target_path: Path) -> None:
    """Copy one SQLite database into another through SQLite's own backup: consistent while
    the source is being written, and no write-ahead log of the target's outlives the copy."""
    source = sqlite3.connect(source_path)
    target = sqlite3.connect(target_path)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def backup_name(made_at: datetime) -> str:
    return f"{PREFIX}{made_at:%Y%m%dT%H%M%SZ}{SUFFIX}"


def write_archive(path: Path, manifest: Manifest, database: Path, uploads: Path) -> None:
    """Write the backup to ``path`` (0600) by way of a temporary name."""
    partial = path.with_name(f".{path.name}.partial")
    handle = os.fdopen(open_private_file(partial, os.O_WRONLY | os.O_TRUNC), "wb")
    with handle, tarfile.open(fileobj=handle, mode="w:gz") as archive:
        add_bytes(archive, MANIFEST, manifest.as_json())
        archive.add(database, arcname=DATABASE_MEMBERS[manifest.database])
        if uploads.is_dir():
            archive.add(uploads, arcname=UPLOADS)
    partial.rename(path)


def add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    member = tarfile.TarInfo(name)
    member.size = len(data)
    member.mode = 0o600
    archive.addfile(member, io.BytesIO(data))


def read_manifest(path: Path) -> Manifest:
    """The manifest of the backup at ``path``; a clear error for any other file."""
    try:
        with tarfile.open(path, mode="r:gz") as archive:
            member = archive.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            return Manifest.from_json(member.read())
    except (OSError, tarfile.TarError, KeyError, ValueError) as error:
        raise BackupError(f"{path} is not a blogapp backup ({error}).") from error


def extract_archive(path: Path, into: Path) -> None:
    """Unpack the backup into ``into``: regular files and folders only, none outside it."""
    with tarfile.open(path, mode="r:gz") as archive:
        for member in archive.getmembers():
            if not is_safe_member(member):
                raise BackupError(f"{path} holds {member.name!r}, which a backup never does.")
        archive.extractall(into, **SAFE_EXTRACTION)  # noqa: S202 - every member checked above


def is_safe_member(member: tarfile.TarInfo) -> bool:
    name = PurePosixPath(member.name)
    return (member.isfile() or member.isdir()) and not name.is_absolute() and ".." not in name.parts


def backups_in(folder: Path) -> list[Path]:
    """The backups in ``folder``, oldest first."""
    return sorted(folder.glob(f"{PREFIX}*{SUFFIX}"))


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` backups in ``folder``; returns what was deleted."""
    old = backups_in(folder)[:-keep] if keep > 0 else []
    for path in old:
        path.unlink()
    return old

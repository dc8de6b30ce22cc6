"""Files in the instance folder, readable by their owner only, whatever the umask.

The database holds password hashes and who is behind each "Anonymous"; the secret key signs
every session and link; outbox messages carry live confirmation and unsubscribe links.
Each is created 0600 in folders made 0700, and ``tighten_instance`` brings an instance made
before (or by hand, or under a loose umask) to the same modes.
"""

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import click
from flask import Flask
from sqlalchemy.engine import URL, make_url

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700
#: The files SQLite keeps beside a database in WAL mode (and in rollback mode).
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def make_private_folder(folder: Path) -> Path:
    """Create ``folder`` and its missing parents as 0700 (folders already there are left as
    they are: ``tighten_instance`` sees to those)."""
    missing = [parent for parent in (folder, *folder.parents) if not parent.exists()]
    folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_FOLDER)
    for created in missing:
        os.chmod(created, PRIVATE_FOLDER)
    return folder


def open_private_file(path: Path, flags: int) -> int:
    """``os.open`` creating the file 0600 in a private folder (the umask cannot widen it)."""
    make_private_folder(path.parent)
    descriptor = os.open(path, flags | os.O_CREAT, PRIVATE_FILE)
    os.fchmod(descriptor, PRIVATE_FILE)
    return descriptor


def write_private_file(path: Path, data: bytes, *, exclusive: bool = False) -> Path:
    """Write ``data`` to ``path`` as a 0600 file (``exclusive``: it must not exist yet)."""
    flags = os.O_WRONLY | (os.O_EXCL if exclusive else os.O_TRUNC)
    with os.fdopen(open_private_file(path, flags), "wb") as handle:
        handle.write(data)
    return path


def sqlite_database_path(database_url: str | URL) -> Path | None:
    """The file of a SQLite database URL; None for other databases and in-memory ones."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    if url.database.startswith("file:"):
        return None
    return Path(url.database)


def create_private_database_file(path: Path) -> None:
    """Create the SQLite file 0600 before SQLite would (0644 less the umask); SQLite gives its
    -wal and -shm files the database file's mode."""
    if not path.exists():
        os.close(open_private_file(path, os.O_WRONLY))


def private_paths(app: Flask) -> list[Path]:
    """Where the blog keeps what only its owner may read."""
    paths = [Path(app.instance_path)]
    for setting in ("UPLOAD_FOLDER", "MAIL_OUTBOX_FOLDER"):
        if app.config.get(setting):
            paths.append(Path(app.config[setting]))
    database = sqlite_database_path(app.config["DATABASE_URL"])
    if database is not None:
        paths += [database, *(Path(f"{database}{suffix}") for suffix in SQLITE_COMPANIONS)]
    return paths


def walk(path: Path) -> Iterator[Path]:
    """``path`` and, for a folder, everything in it (symbolic links are left alone)."""
    if path.is_symlink() or not path.exists():
        return
    yield path
    if path.is_dir():
        for folder, folders, files in os.walk(path):
            for name in (*folders, *files):
                entry = Path(folder) / name
                if not entry.is_symlink():
                    yield entry


def tighten(path: Path) -> bool:
    """Take away whatever group and others may do with ``path`` (0644 becomes 0600, 0755
    0700); True if they could do anything."""
    mode = stat.S_IMODE(path.stat().st_mode)
    if not mode & 0o077:
        return False
    os.chmod(path, mode & 0o700)
    return True


def tighten_instance(app: Flask) -> list[Path]:
    """Close every file and folder in the blog's private places to group and others; returns
    those that were open to them."""
    changed = []
    for top in private_paths(app):
        changed += [path for path in walk(top) if tighten(path)]
    return changed


def describe_tightened(changed: list[Path], instance: Path) -> str:
    """What ``tighten_instance`` did, for the person starting the blog."""
    shown = ", ".join(str(path) for path in changed[:3])
    more = f" and {len(changed) - 3} more" if len(changed) > 3 else ""
    return (
        f"Other users of this machine could read {len(changed)} of the blog's files and "
        f"folders ({shown}{more}); they are now readable by their owner only (files 0600, "
        f"folders 0700), as everything in {instance} should be."
    )


def say_what_was_tightened(app: Flask) -> None:
    """Tighten the instance at start-up, and tell whoever started the blog if it was open."""
    changed = tighten_instance(app)
    if changed:
        click.echo(describe_tightened(changed, Path(app.instance_path)))

"""What the blog keeps on disk (database, secret key, outbox, uploads) is readable by its owner
only, whatever the umask, and an instance left open is closed at start-up, saying so."""

import io
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from support.security import png_bytes

from blogapp import create_app
from blogapp.extensions import db
from blogapp.images import store_image
from blogapp.mail.catcher import save_to_outbox

MESSAGE = b"From: blog@blog.test\r\nTo: someone@example.org\r\nSubject: Confirm\r\n\r\nA link.\r\n"

OUTBOX_NAME = "20161001T100000000000-0a0b0c0d.eml"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def modes_under(folder: Path) -> dict[str, int]:
    """The mode of ``folder`` and of everything in it, by path relative to it."""
    found = {".": mode(folder)}
    for entry in folder.rglob("*"):
        found[str(entry.relative_to(folder))] = mode(entry)
    return found


def open_to_others(folder: Path) -> dict[str, str]:
    return {name: oct(bits) for name, bits in modes_under(folder).items() if bits & 0o077}


@pytest.fixture
def open_umask() -> Iterator[None]:
    """Files created as they would be under ``umask 000``, the loosest there is."""
    previous = os.umask(0)
    yield
    os.umask(previous)


@pytest.fixture
def fresh_app(app_config: dict, tmp_path: Path):
    """An app whose SQLite database lives in its instance folder, as under ``make run``."""
    instance = tmp_path / "fresh-instance"
    config = {
        **app_config,
        "SECRET_KEY": None,
        "INSTANCE_PATH": str(instance),
        "DATABASE_URL": f"sqlite:///{instance / 'blogapp.db'}",
        "UPLOAD_FOLDER": str(instance / "uploads"),
        "MAIL_OUTBOX_FOLDER": str(instance / "outbox"),
    }
    fresh = create_app(config)
    with fresh.app_context():
        yield fresh
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_setup_under_an_open_umask_leaves_nothing_others_can_read(fresh_app, open_umask):
    result = fresh_app.test_cli_runner().invoke(args=["setup"])
    db.session.execute(text("CREATE TABLE written_after_setup (id INTEGER)"))
    db.session.commit()

    instance = Path(fresh_app.instance_path)
    assert result.exit_code == 0, result.output
    assert {"secret_key", "blogapp.db", "blogapp.db-wal", "blogapp.db-shm"} <= {
        entry.name for entry in instance.iterdir()
    }
    assert open_to_others(instance) == {}
    assert mode(instance) == 0o700
    assert mode(instance / "blogapp.db-wal") == 0o600


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_outbox_messages_and_uploads_are_private_under_an_open_umask(app, open_umask, tmp_path):
    saved = save_to_outbox(tmp_path / "outbox", MESSAGE)
    upload = store_image(io.BytesIO(png_bytes()), "chart.png", None)

    uploads = Path(app.config["UPLOAD_FOLDER"])
    assert (mode(saved), mode(saved.parent)) == (0o600, 0o700)
    assert mode(uploads / upload.path) == 0o600
    assert open_to_others(uploads) == {}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_an_instance_others_can_read_is_closed_at_start_up_saying_so(fresh_app):
    instance = Path(fresh_app.instance_path)
    for name in ("secret_key", f"outbox/{OUTBOX_NAME}", "uploads/2016/09/a.png"):
        (instance / name).parent.mkdir(parents=True, exist_ok=True)
        (instance / name).write_bytes(b"secret")
    for path in (instance, *instance.rglob("*")):
        path.chmod(0o755 if path.is_dir() else 0o644)

    result = fresh_app.test_cli_runner().invoke(args=["setup"])

    assert result.exit_code == 0, result.output
    assert "Other users of this machine could read" in result.output
    assert "now readable by their owner only" in result.output
    assert open_to_others(instance) == {}
    assert mode(instance / "uploads/2016/09/a.png") == 0o600
    again = fresh_app.test_cli_runner().invoke(args=["setup"])
    assert "Other users of this machine" not in again.output

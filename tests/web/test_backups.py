"""Backups made while comments are being written restore into a fresh blog that serves, on
SQLite and on PostgreSQL; restore refuses to overwrite data; old backups are pruned."""

import shutil
import stat
import tarfile
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from support.accounts import TEST_PASSWORD
from support.clock import stop_the_app_clock
from support.second_database import empty_database_like
from support.services import skip_or_fail

from blogapp import create_app
from blogapp.backups.archive import backups_in
from blogapp.backups.jobs import backup_trigger, scheduled_backup
from blogapp.comments.operations import post_comment
from blogapp.extensions import db
from blogapp.models import Backup, Comment, Post, User

WRITERS_COMMENTS = 400


@pytest.fixture
def restore_target(app_config, tmp_path) -> Iterator[dict]:
    """The configuration of a second, empty blog of the same kind as ``app``'s."""
    target = {**app_config, "INSTANCE_PATH": str(tmp_path / "restored")}
    with empty_database_like(app_config["DATABASE_URL"], tmp_path) as url:
        yield target | {"DATABASE_URL": url}


def keep_commenting(app, post_id: int, author_id: int, stop: threading.Event) -> None:
    """Another writer: comments, one transaction each, until told to stop."""
    with app.app_context():
        post, author = db.session.get(Post, post_id), db.session.get(User, author_id)
        for number in range(WRITERS_COMMENTS):
            if stop.is_set():
                break
            post_comment(post, author, f"Comment {number} written during the backup", False)
        db.session.remove()


def test_a_backup_taken_while_comments_are_written_restores_into_a_fresh_blog(
    app, make_post, make_user, runner, restore_target, tmp_path
):
    if app.config["DATABASE_URL"].startswith("postgresql"):
        ensure_pg_dump()
    post = make_post("A busy thread")
    author = make_user("writer@example.org", "Writer")
    stop = threading.Event()
    writer = threading.Thread(target=keep_commenting, args=(app, post.id, author.id, stop))
    writer.start()
    try:
        wait_for_comments(post.id, at_least=20)
        committed_before = set(db.session.scalars(select(Comment.id)))
        result = runner.invoke(args=["backup", "--to", str(tmp_path / "backups")])
    finally:
        stop.set()
        writer.join()
    assert result.exit_code == 0, result.output
    (backup,) = backups_in(tmp_path / "backups")
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600

    restored = create_app(restore_target)
    with restored.app_context():
        result = restored.test_cli_runner().invoke(args=["restore", str(backup)])
        assert result.exit_code == 0, result.output
        in_restored = set(db.session.scalars(select(Comment.id)))
        restored_post = db.session.scalar(select(Post).where(Post.title == "A busy thread"))
        db.session.remove()
        db.engine.dispose()
    assert committed_before <= in_restored
    client = restored.test_client()
    assert client.get("/").status_code == 200
    page = client.get(f"/{restored_post.published_at:%Y/%m}/{restored_post.slug}")
    assert page.status_code == 200
    assert "written during the backup" in page.text
    with restored.app_context():
        db.engine.dispose()


def wait_for_comments(post_id: int, at_least: int) -> None:
    deadline = datetime.now(UTC) + timedelta(seconds=60)
    while datetime.now(UTC) < deadline:
        db.session.rollback()
        written = select(db.func.count(Comment.id)).where(Comment.post_id == post_id)
        count = db.session.scalar(written)
        if count >= at_least:
            return
    raise AssertionError("the writer wrote nothing")


def ensure_pg_dump() -> None:
    if shutil.which("pg_dump") is None:
        skip_or_fail("PostgreSQL backups need pg_dump (apt-get install postgresql-client)")


@pytest.fixture
def sqlite_only(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the rule does not depend on the database; SQLite is enough")


def make_backup_with(runner, folder: Path) -> Path:
    result = runner.invoke(args=["backup", "--to", str(folder)])
    assert result.exit_code == 0, result.output
    return backups_in(folder)[-1]


def test_restore_refuses_to_overwrite_a_blog_without_force(
    app, sqlite_only, runner, make_post, tmp_path
):
    make_post("Kept")
    backup = make_backup_with(runner, tmp_path / "backups")
    make_post("Written after the backup")
    refused = runner.invoke(args=["restore", str(backup)])
    assert refused.exit_code == 1
    assert "already holds a blog" in refused.output
    assert "--force" in refused.output
    assert db.session.scalar(select(db.func.count(Post.id))) == 2

    forced = runner.invoke(args=["restore", "--force", str(backup)])
    assert forced.exit_code == 0, forced.output
    titles = set(db.session.scalars(select(Post.title)))
    assert titles == {"Kept"}


def test_uploaded_images_travel_with_the_backup(app, sqlite_only, runner, restore_target, tmp_path):
    uploads = Path(app.config["UPLOAD_FOLDER"])
    (uploads / "2026" / "12").mkdir(parents=True)
    (uploads / "2026" / "12" / "chart.png").write_bytes(b"\x89PNG picture")
    backup = make_backup_with(runner, tmp_path / "backups")

    restored = create_app(restore_target)
    with restored.app_context():
        result = restored.test_cli_runner().invoke(args=["restore", str(backup)])
        assert result.exit_code == 0, result.output
        copy = Path(restored.config["UPLOAD_FOLDER"]) / "2026" / "12" / "chart.png"
        db.engine.dispose()
    assert copy.read_bytes() == b"\x89PNG picture"


def test_restore_refuses_uploads_it_would_overwrite(
    app, sqlite_only, runner, restore_target, tmp_path
):
    backup = make_backup_with(runner, tmp_path / "backups")
    restored = create_app(restore_target)
    kept = Path(restored.config["UPLOAD_FOLDER"]) / "mine.png"
    kept.parent.mkdir(parents=True)
    kept.write_bytes(b"someone's picture")
    with restored.app_context():
        result = restored.test_cli_runner().invoke(args=["restore", str(backup)])
        db.engine.dispose()
    assert result.exit_code == 1
    assert "already holds uploaded images" in result.output
    assert kept.read_bytes() == b"someone's picture"


def test_a_file_that_is_not_a_backup_is_named_and_nothing_changes(
    app, sqlite_only, runner, make_post, tmp_path
):
    make_post("Kept")
    stranger = tmp_path / "holiday.tar.gz"
    with tarfile.open(stranger, "w:gz") as archive:
        archive.add(__file__, arcname="photo.jpg")
    result = runner.invoke(args=["restore", "--force", str(stranger)])
    assert result.exit_code == 1
    assert f"{stranger} is not a blogapp backup" in result.output
    assert set(db.session.scalars(select(Post.title))) == {"Kept"}


def test_only_the_newest_backups_are_kept(app, sqlite_only, runner, tmp_path, monkeypatch):
    app.config["BACKUP_KEEP"] = 3
    clock = stop_the_app_clock(monkeypatch, datetime(2026, 12, 1, 3, 30, tzinfo=UTC))
    for _day in range(5):
        make_backup_with(runner, tmp_path / "backups")
        clock.advance(timedelta(days=1))
    kept = [path.name for path in backups_in(tmp_path / "backups")]
    assert kept == [
        "blogapp-backup-20261203T033000Z.tar.gz",
        "blogapp-backup-20261204T033000Z.tar.gz",
        "blogapp-backup-20261205T033000Z.tar.gz",
    ]
    assert db.session.scalar(select(db.func.count(Backup.id))) == 5


def test_without_a_folder_the_backup_command_says_what_to_set(app, sqlite_only, runner):
    result = runner.invoke(args=["backup"])
    assert result.exit_code == 1
    assert "--to DIR, or set BACKUP_DIR" in result.output


def test_without_pg_dump_a_postgresql_backup_says_what_to_install(
    app, runner, tmp_path, monkeypatch
):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("pg_dump is PostgreSQL's")
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    result = runner.invoke(args=["backup", "--to", str(tmp_path / "backups")])
    assert result.exit_code == 1
    assert "pg_dump is not installed" in result.output
    assert "postgresql-client" in result.output
    assert not backups_in(tmp_path / "backups")


def test_the_admin_front_page_says_when_the_last_backup_was_made_and_warns_when_old(
    app, sqlite_only, client, editor, runner, tmp_path, monkeypatch
):
    app.config["BACKUP_DIR"] = str(tmp_path / "backups")
    clock = stop_the_app_clock(monkeypatch, datetime(2026, 12, 7, 3, 30, tzinfo=UTC))
    client.login(editor.email, TEST_PASSWORD)
    assert "No backup has been made yet" in client.get("/admin/").text

    assert scheduled_backup() is not None
    clock.advance(timedelta(days=2))
    page = client.get("/admin/").text
    assert "The last backup was made on Monday, 7 December 2026 at 03:30" in page
    assert "more than two days ago" not in page

    clock.advance(timedelta(minutes=1))
    assert "more than two days ago" in client.get("/admin/").text


def test_the_scheduler_backs_up_daily_at_backup_time_only_with_a_folder(app, sqlite_only, tmp_path):
    assert scheduled_backup() is None
    app.config["BACKUP_DIR"] = str(tmp_path / "backups")
    app.config["BACKUP_TIME"] = "03:30"
    made = scheduled_backup()
    assert made.path.parent == tmp_path / "backups"
    summer = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    assert backup_trigger().get_next_fire_time(None, summer) == datetime(
        2026, 7, 2, 2, 30, tzinfo=UTC
    )

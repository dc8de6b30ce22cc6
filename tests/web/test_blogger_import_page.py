"""Importing a Blogger export from the editor pages: /admin/import."""

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select
from support.importing import database_snapshot

from blogapp.extensions import db
from blogapp.models import Post, Role

#: Smaller than the omnishambles export (57 KB), to show that editors get the import limit.
FORM_LIMIT = 32 * 1024
IMPORT_LIMIT = 256 * 1024


@pytest.fixture
def app_config(app_config: dict) -> dict:
    return {**app_config, "MAX_CONTENT_LENGTH": FORM_LIMIT, "IMPORT_MAX_BYTES": IMPORT_LIMIT}


@pytest.fixture
def omnishambles(shared_fixtures: Path) -> bytes:
    return (shared_fixtures / "blogger" / "omnishambles-classic.xml").read_bytes()


@pytest.fixture
def editor_client(client, editor):
    client.login(editor.email, "correct horse battery staple")
    return client


def upload(client, content: bytes, name: str = "blog-09-24-2016.xml", **fields):
    data = {"export": (io.BytesIO(content), name), **fields}
    return client.submit("/admin/import", data, content_type="multipart/form-data")


def imported_posts() -> int:
    return db.session.scalar(
        select(func.count()).select_from(Post).where(Post.legacy_id.is_not(None))
    )


def test_editors_find_the_import_page_in_their_navigation(editor_client):
    page = editor_client.get("/admin/import")

    assert page.status_code == 200
    assert '<a href="/admin/import" aria-current="page">Import from Blogger</a>' in page.text
    assert 'enctype="multipart/form-data"' in page.text
    assert "Up to 256 KB." in page.text


def test_an_upload_is_imported_and_summarised(editor_client, omnishambles):
    response = upload(editor_client, omnishambles)

    assert response.status_code == 200
    assert "<li>Comments: 26</li>" in response.text
    assert "<li>Replies among them: 6</li>" in response.text
    assert "<li>Blog: On Probation</li>" in response.text
    assert imported_posts() == 1
    assert db.session.scalar(select(Post.author_id).where(Post.legacy_id.is_not(None))) is None


def test_the_editor_may_be_credited_with_the_posts(editor_client, editor, omnishambles):
    upload(editor_client, omnishambles, credit_me="y")

    assert db.session.scalar(select(Post.author_id).where(Post.legacy_id.is_not(None))) == (
        editor.id
    )


def test_a_dry_run_upload_shows_the_summary_and_writes_nothing(editor_client, omnishambles):
    before = database_snapshot()

    response = upload(editor_client, omnishambles, dry_run="y")

    assert response.status_code == 200
    assert "Dry run: the export was read and checked; nothing was written." in response.text
    assert "<li>Comments: 26</li>" in response.text
    assert database_snapshot() == before


def test_a_broken_export_is_named_with_its_line_and_nothing_is_written(
    editor_client, shared_fixtures
):
    before = database_snapshot()
    broken = (shared_fixtures / "blogger" / "real-classic-youngdoctor.xml").read_bytes()

    response = upload(editor_client, broken)

    assert response.status_code == 422
    assert "unbound prefix at line 973, column 3" in response.text
    assert database_snapshot() == before


def test_the_form_asks_for_a_file(editor_client):
    response = editor_client.submit("/admin/import", {}, content_type="multipart/form-data")

    assert response.status_code == 422
    assert "Choose the export file to upload." in response.text


def test_only_xml_files_are_taken(editor_client):
    response = upload(editor_client, b"\x89PNG", name="photo.png")

    assert response.status_code == 422
    assert "A Blogger export is an .xml (or .atom) file." in response.text


def test_an_export_over_the_import_limit_is_too_large(editor_client):
    response = upload(editor_client, b"<feed>" + b" " * IMPORT_LIMIT + b"</feed>")

    assert response.status_code == 413
    assert "That upload is too large." in response.text


def test_without_a_csrf_token_nothing_is_imported(editor_client, omnishambles):
    response = editor_client.post(
        "/admin/import",
        data={"export": (io.BytesIO(omnishambles), "export.xml")},
        content_type="multipart/form-data",
    )

    assert response.status_code == 400
    assert imported_posts() == 0


def test_visitors_are_sent_to_log_in_and_readers_are_refused(client, make_user):
    assert client.get("/admin/import").status_code == 302
    reader = make_user(role=Role.READER)
    client.login(reader.email, "correct horse battery staple")
    assert client.get("/admin/import").status_code == 403


def test_readers_do_not_get_the_larger_upload_limit(client, make_user, omnishambles):
    reader = make_user(role=Role.READER)
    client.login(reader.email, "correct horse battery staple")

    response = client.post(
        "/admin/import",
        data={"export": (io.BytesIO(omnishambles), "export.xml")},
        content_type="multipart/form-data",
    )

    assert response.status_code == 413
    assert imported_posts() == 0

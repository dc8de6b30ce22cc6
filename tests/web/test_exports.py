"""Exports: Blogger's format and JSON come back in as the same blog; anonymity holds in
every public format; the JSON import fills only an empty database."""

import io
from pathlib import Path

import pytest
from sqlalchemy import select
from support.blog_snapshot import blog_snapshot
from support.database import copy_sqlite_template
from support.services import shared_fixtures_folder

from blogapp import create_app
from blogapp.demo import load_demo
from blogapp.exporters.formats import export_to
from blogapp.extensions import db
from blogapp.importers.operations import import_blogger_export
from blogapp.models import User

FIXTURES = shared_fixtures_folder()
#: The one fixture that is not well-formed XML on purpose: it has no blog to export.
BROKEN = "real-classic-youngdoctor.xml"
BLOGGER_EXPORTS = (
    sorted(path for path in (FIXTURES / "blogger").glob("*.xml") if path.name != BROKEN)
    if FIXTURES
    else []
)
SOURCES = [*[path.name for path in BLOGGER_EXPORTS], "demo"]


@pytest.fixture
def sqlite_only(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the format does not depend on the database; SQLite is enough")


@pytest.fixture
def fresh_blog(app_config, sqlite_template, tmp_path):
    """An empty, migrated blog beside ``app``."""
    database = copy_sqlite_template(sqlite_template, tmp_path / "fresh.db")
    instance = str(tmp_path / "fresh")
    fresh = create_app(app_config | {"DATABASE_URL": database, "INSTANCE_PATH": instance})
    yield fresh
    with fresh.app_context():
        db.engine.dispose()


def load_source(name: str, tmp_path: Path) -> None:
    if name == "demo":
        load_demo(tmp_path / "demo-credentials")
    else:
        import_blogger_export(FIXTURES / "blogger" / name, None, False, None)


def exported(format_name: str, **options) -> bytes:
    out = io.BytesIO()
    export_to(format_name, out, **options)
    return out.getvalue()


@pytest.mark.parametrize("source", SOURCES)
def test_a_blogger_export_imported_into_a_fresh_blog_gives_the_same_blog(
    app, sqlite_only, fresh_blog, source, tmp_path
):
    load_source(source, tmp_path)
    before = blog_snapshot()
    export = tmp_path / "export.xml"
    export.write_bytes(exported("blogger"))

    with fresh_blog.app_context():
        import_blogger_export(export, None, False, None)
        after = blog_snapshot()
    assert [post.title for post in after] == [post.title for post in before]
    for old, new in zip(before, after, strict=True):
        assert new == old, old.title


@pytest.mark.parametrize("source", SOURCES)
def test_a_json_export_imported_into_a_fresh_blog_gives_the_same_blog_and_readers(
    app, sqlite_only, fresh_blog, source, tmp_path, subscriber
):
    load_source(source, tmp_path)
    subscriber("follower@example.org", streams={"posts"})
    before = blog_snapshot()
    export = tmp_path / "export.json"
    export.write_bytes(exported("json"))

    with fresh_blog.app_context():
        result = fresh_blog.test_cli_runner().invoke(args=["import-json", str(export)])
        assert result.exit_code == 0, result.output
        after = blog_snapshot()
        follower = db.session.scalar(select(User).where(User.email == "follower@example.org"))
        assert follower is not None
        assert follower.password_hash is None
    assert after == before

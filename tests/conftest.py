"""Fixtures: the app on SQLite (and PostgreSQL when TEST_DATABASE_URL is set), a client,
a real SMTP server, factories for users and posts, and a query counter."""

import os
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, event, text
from sqlalchemy.exc import OperationalError
from support.accounts import TEST_PASSWORD
from support.client import BlogClient
from support.database import (
    copy_sqlite_template,
    migrate,
    reset_postgres_schema,
    truncate_all_tables,
)
from support.services import shared_fixtures_folder, skip_or_fail
from support.smtp import Mailbox, start_smtp_server

from blogapp import create_app
from blogapp.auth.operations import create_user
from blogapp.blog.operations import PostFields, create_post
from blogapp.dates import utcnow
from blogapp.extensions import db
from blogapp.mail.queue import send_queued_mail
from blogapp.models import Post, PostStatus, Role, User
from blogapp.subscriptions.operations import save_subscription

SITE_URL = "http://blog.test"


def base_config(database_url: str, tmp_path: Path, smtp_port: int) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-that-is-long-enough",
        "DATABASE_URL": database_url,
        "SITE_URL": SITE_URL,
        "SERVER_NAME": None,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp_port,
        "MAIL_SUPPRESS_SEND": False,
        "RATELIMIT_ENABLED": False,
        "COMMENT_CACHE_SECONDS": 0,
        "BULLETIN_FEEDS_ALLOW_PRIVATE": True,
        "WTF_CSRF_ENABLED": True,
        # Forms are sent the moment the test reads them, and comments published at once;
        # tests of the timing check and of holding new accounts set their own.
        "COMMENT_MIN_SECONDS": 0,
        "TRUSTED_AFTER": 0,
        # Nothing answers there: a DNS check in a test never asks the world's DNS.
        "DNS_RESOLVER_ADDRESS": "127.0.0.1:9",
        "DNS_CHECK_SECONDS": 0.2,
    }


@pytest.fixture(scope="session")
def smtp_mailbox() -> Iterator[Mailbox]:
    mailbox = Mailbox()
    controller = start_smtp_server(mailbox)
    mailbox.port = controller.port
    yield mailbox
    controller.stop()


@pytest.fixture
def mailbox(smtp_mailbox: Mailbox, app: Flask) -> Iterator[Mailbox]:
    """The messages the test's SMTP server received during this test.

    Reading them first sends what the app has queued (pages only queue their mail), as
    the background sender would have done by the time a reader looks.
    """
    smtp_mailbox.clear()
    smtp_mailbox.before_reading = lambda: send_queued_in(app)
    yield smtp_mailbox
    smtp_mailbox.before_reading = None
    smtp_mailbox.clear()


def send_queued_in(app: Flask) -> None:
    with app.app_context():
        send_queued_mail()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database migrated once; each test gets a copy."""
    folder = tmp_path_factory.mktemp("template")
    path = folder / "template.db"
    migrate(base_config(f"sqlite:///{path}", folder, 25))
    return path


@pytest.fixture(scope="session")
def postgres_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """TEST_DATABASE_URL with a fresh schema, migrated once for the session."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        skip_or_fail("PostgreSQL tests need TEST_DATABASE_URL")
    try:
        engine = create_engine(url)
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except OperationalError as error:
        skip_or_fail(f"PostgreSQL at TEST_DATABASE_URL is not reachable: {error}")
    reset_postgres_schema(url)
    migrate(base_config(url, tmp_path_factory.mktemp("pg"), 25))
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Every test that uses the app runs on SQLite and on PostgreSQL."""
    if request.param == "postgresql":
        return request.getfixturevalue("postgres_url")
    template = request.getfixturevalue("sqlite_template")
    return copy_sqlite_template(template, tmp_path / "blog.db")


@pytest.fixture
def app_config(database_url: str, tmp_path: Path, smtp_mailbox: Mailbox) -> dict:
    """The configuration the ``app`` fixture is built from; tests may change it first.

    Every write a test makes the app do must declare what readers see change.
    """
    return {
        **base_config(database_url, tmp_path, smtp_mailbox.port),
        "CHANGES_MUST_BE_DECLARED": True,
    }


@pytest.fixture
def app(app_config: dict) -> Iterator[Flask]:
    app = create_app(app_config)
    app.test_client_class = BlogClient
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            truncate_all_tables()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> BlogClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture
def make_user(app: Flask) -> Callable[..., User]:
    """Create an account: ``make_user(role=Role.EDITOR)``; its password is TEST_PASSWORD."""
    counter = iter(range(1, 1_000_000))

    def make(
        email: str | None = None,
        name: str | None = None,
        role: Role = Role.READER,
        confirmed: bool = True,
        password: str = TEST_PASSWORD,
    ) -> User:
        number = next(counter)
        return create_user(
            email or f"user{number}@example.org",
            name or f"Reader {number}",
            password,
            role,
            confirmed=confirmed,
        )

    return make


@pytest.fixture
def editor(make_user: Callable[..., User]) -> User:
    return make_user(email="editor@example.org", name="Ed Itor", role=Role.EDITOR)


#: The streams a reader can follow by email, as ``subscriber(..., streams=...)`` names them.
STREAMS = frozenset({"posts", "bulletins"})


@pytest.fixture
def subscriber(app: Flask) -> Callable[..., User]:
    """``subscriber("a@example.org", streams={"posts"})``: a confirmed follower of those streams.

    Its account has no password (nobody logs in as it), so tests with dozens are quick.
    """

    def make(email: str, streams: Collection[str] = STREAMS) -> User:
        unknown = set(streams) - STREAMS
        if unknown or not streams:
            raise ValueError(f"streams must be some of {sorted(STREAMS)}, not {sorted(streams)}")
        user = User(email=email, display_name=email.split("@")[0], email_confirmed_at=utcnow())
        db.session.add(user)
        db.session.commit()
        save_subscription(user, "posts" in streams, "bulletins" in streams)
        return user

    return make


@pytest.fixture
def make_post(app: Flask) -> Callable[..., Post]:
    """Publish a post: ``make_post("Title", body="...", labels=["Napo"], published_at=...)``."""
    counter = iter(range(1, 1_000_000))

    def make(
        title: str | None = None,
        body: str = "A paragraph of the post.",
        labels: list[str] | None = None,
        published_at: datetime | None = None,
        status: PostStatus = PostStatus.PUBLISHED,
        series: str | None = None,
        number: int | None = None,
        author: User | None = None,
        comments_open: bool = True,
    ) -> Post:
        index = next(counter)
        fields = PostFields(
            title=title or f"Post number {index}",
            body_source=body,
            labels=labels or [],
            series_name=series,
            series_number=number,
            comments_open=comments_open,
        )
        when = published_at or (utcnow() - timedelta(hours=index))
        return create_post(fields, author, status, None if status == PostStatus.DRAFT else when)

    return make


@pytest.fixture
def count_queries(app: Flask) -> Callable[[], "contextmanager[list[str]]"]:
    """``with count_queries() as statements:`` records the SQL a block runs."""

    @contextmanager
    def counting() -> Iterator[list[str]]:
        statements: list[str] = []

        def record(connection, cursor, statement, parameters, context, executemany) -> None:
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            event.remove(db.engine, "before_cursor_execute", record)

    return counting


@pytest.fixture
def shared_fixtures() -> Path:
    """The test data in ../shared/fixtures."""
    folder = shared_fixtures_folder()
    if folder is None:
        pytest.skip("../shared/fixtures is not beside this checkout")
    return folder


@pytest.fixture
def log_in(app: Flask, make_user: Callable[..., User]) -> Callable[..., BlogClient]:
    """A client logged in as a new account: ``log_in("name@example.org", "Name")``."""

    def logged_in(email: str, name: str | None = None, confirmed: bool = True) -> BlogClient:
        make_user(email=email, name=name, confirmed=confirmed)
        client = app.test_client()
        client.login(email, TEST_PASSWORD)
        return client

    return logged_in


@pytest.fixture
def editor_client(app: Flask, editor: User) -> BlogClient:
    """A client of its own, logged in as the editor."""
    client = app.test_client()
    client.login(editor.email, TEST_PASSWORD)
    return client

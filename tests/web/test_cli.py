"""The flask commands: users create, setup, demo."""

import stat

from sqlalchemy import func, select

from blogapp import create_app
from blogapp.auth.operations import authenticate
from blogapp.extensions import db
from blogapp.models import Post, Role, User


def test_users_create_reads_the_password_from_a_file(runner, tmp_path):
    password_file = tmp_path / "password"
    password_file.write_text("a long enough password\n")

    result = runner.invoke(
        args=["users", "create", "--email", "Jim@Example.org", "--name", "Jim",
              "--role", "editor", "--password-file", str(password_file)],
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert "Created editor jim@example.org (Jim)." in result.output
    user = authenticate("jim@example.org", "a long enough password")
    assert user is not None
    assert user.role == Role.EDITOR
    assert user.is_confirmed


def test_users_create_prompts_for_the_password(runner):
    result = runner.invoke(
        args=["users", "create", "--email", "a@example.org", "--name", "A"],
        input="another long password\nanother long password\n",
    )

    assert result.exit_code == 0, result.output
    assert authenticate("a@example.org", "another long password") is not None


def test_users_create_refuses_a_taken_address_and_a_short_password(runner, make_user):
    make_user(email="taken@example.org")

    taken = runner.invoke(
        args=["users", "create", "--email", "taken@example.org", "--name", "B"],
        input="a long enough password\na long enough password\n",
    )
    short = runner.invoke(
        args=["users", "create", "--email", "new@example.org", "--name", "C"],
        input="short\nshort\n",
    )

    assert taken.exit_code == 1
    assert "already exists" in taken.output
    assert short.exit_code == 1
    assert "at least 10 characters" in short.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_setup_writes_a_private_secret_key_and_loads_the_demo_once(app, app_config, tmp_path):
    fresh = create_app({**app_config, "SECRET_KEY": None})
    runner = fresh.test_cli_runner()
    with fresh.app_context():
        try:
            first = runner.invoke(args=["setup"])
            second = runner.invoke(args=["setup"])
            posts = db.session.scalar(select(func.count()).select_from(Post))
        finally:
            db.session.remove()
            db.engine.dispose()

    key_file = tmp_path / "instance" / "secret_key"
    assert first.exit_code == 0, first.output
    assert "Loaded the demo blog." in first.output
    assert "Loaded the demo blog." not in second.output
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(key_file.read_text()) == 64
    assert posts > 0


def test_demo_refuses_a_database_with_content(runner, make_post):
    make_post("Existing")

    result = runner.invoke(args=["demo"])

    assert result.exit_code == 1
    assert "already has content" in result.output

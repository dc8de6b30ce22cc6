"""Settings: environment variables, the instance secret key, production refusals."""

import pytest
from flask import Flask

from blogapp.config import (
    normalise_database_url,
    refuse_unsafe_production_settings,
    settings_from_environment,
    write_secret_key_file,
)


def test_environment_settings_are_parsed_to_their_types():
    settings = settings_from_environment(
        {"MAIL_PORT": "2525", "MAIL_USE_TLS": "yes", "BLOG_TITLE": "On Probation", "OTHER": "x"}
    )

    assert settings == {"MAIL_PORT": 2525, "MAIL_USE_TLS": True, "BLOG_TITLE": "On Probation"}


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
    ],
)
def test_database_urls_use_psycopg_3(url, expected):
    assert normalise_database_url(url) == expected


def test_the_secret_key_file_is_written_once_and_private(tmp_path):
    assert write_secret_key_file(str(tmp_path)) is True
    first = (tmp_path / "secret_key").read_text()
    assert write_secret_key_file(str(tmp_path)) is False
    assert (tmp_path / "secret_key").read_text() == first
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"


@pytest.mark.parametrize("key", [None, "", "dev", "changeme", "short-key"])
def test_production_refuses_a_missing_or_weak_secret_key(key):
    app = Flask("check")
    app.config["SECRET_KEY"] = key

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        refuse_unsafe_production_settings(app)


def test_production_refuses_debug_mode():
    app = Flask("check")
    app.config["SECRET_KEY"] = "x" * 64
    app.debug = True

    with pytest.raises(RuntimeError, match="debug"):
        refuse_unsafe_production_settings(app)

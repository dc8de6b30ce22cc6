"""Settings: environment variables, the instance secret key, production refusals."""

import base64
import secrets

import pytest
from flask import Flask

from blogapp import FEATURE_SETTINGS, create_app
from blogapp.config import (
    all_defaults,
    default_settings,
    normalise_database_url,
    refuse_unsafe_production_settings,
    settings_from_environment,
    write_secret_key_file,
)


def test_environment_settings_are_parsed_to_their_types():
    settings = settings_from_environment(
        {"MAIL_PORT": "2525", "MAIL_USE_TLS": "yes", "BLOG_TITLE": "On Probation", "OTHER": "x"},
        FEATURE_SETTINGS,
    )

    assert settings == {"MAIL_PORT": 2525, "MAIL_USE_TLS": True, "BLOG_TITLE": "On Probation"}


def test_each_setting_has_its_default_in_exactly_one_module(tmp_path):
    modules = [default_settings(str(tmp_path))] + [f.defaults(tmp_path) for f in FEATURE_SETTINGS]
    names = [name for defaults in modules for name in defaults]

    assert len(names) == len(set(names)), "a setting's default is given in two places"
    assert set(all_defaults(str(tmp_path), FEATURE_SETTINGS)) == set(names)


def test_the_app_starts_with_every_features_defaults(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "x" * 40, "DATABASE_URL": "sqlite://"})

    assert app.config["MAIL_TIMEOUT"] == 10
    assert app.config["DIGEST_TIME"] == "07:00"
    assert app.config["BULLETIN_POLL_MINUTES"] == 30
    assert app.config["COMMENT_CACHE_SECONDS"] == 5
    assert app.config["IMPORT_MAX_BYTES"] == 256 * 1024 * 1024


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


def production_app(**settings) -> Flask:
    app = Flask("check")
    app.config.update({"SECRET_KEY": secrets.token_hex(32), "SITE_URL": "https://blog.example"})
    app.config.update(settings)
    return app


def test_production_refuses_debug_mode():
    app = production_app()
    app.debug = True

    with pytest.raises(RuntimeError, match="debug"):
        refuse_unsafe_production_settings(app)


@pytest.mark.parametrize(
    "key",
    [
        "a" * 32,
        "x" * 64,
        "ab" * 40,
        "0123456789abcdef" * 4,
        "abcdefghijklmnopqrstuvwxyz0123456789",
        "password" * 8,
        "correct horse",
    ],
)
def test_production_refuses_a_long_key_without_randomness(key):
    with pytest.raises(RuntimeError, match="at least 32 random bytes' worth"):
        refuse_unsafe_production_settings(production_app(SECRET_KEY=key))


@pytest.mark.parametrize(
    "make_key",
    [
        lambda: secrets.token_hex(32),
        lambda: secrets.token_urlsafe(32),
        lambda: base64.b64encode(secrets.token_bytes(32)).decode(),
        lambda: secrets.token_bytes(32),
    ],
    ids=["hex", "urlsafe", "base64", "bytes"],
)
def test_production_accepts_every_key_of_32_random_bytes(make_key):
    for _ in range(500):
        key = make_key()
        refuse_unsafe_production_settings(production_app(SECRET_KEY=key))


@pytest.mark.parametrize("site_url", ["http://blog.example", "", "blog.example"])
def test_production_refuses_a_site_url_that_is_not_https(site_url):
    with pytest.raises(RuntimeError, match="not https://"):
        refuse_unsafe_production_settings(production_app(SITE_URL=site_url))


def test_production_serves_plain_http_only_when_allowed_on_purpose():
    app = production_app(SITE_URL="http://127.0.0.1:8000", ALLOW_HTTP=True)

    refuse_unsafe_production_settings(app)

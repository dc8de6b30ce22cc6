"""Login cookies a script cannot read or another site send, and a production server that
will not start with a guessable key or the debugger on."""

import os
import subprocess
import sys

import pytest
from support.accounts import TEST_PASSWORD

from blogapp import PROJECT_ROOT, create_app
from blogapp.extensions import db
from blogapp.models import Role

#: What ``secrets.token_hex(32)`` gives: 32 random bytes.
STRONG_KEY = "5c0e9a7f3b21d84e6f90a3c7b5d12e48f7a6c39b0e1d5f2a8c4b7e93d06f1a25"
SITE_URL = "https://blog.example"


def cookie_attributes(response, name: str) -> dict[str, str]:
    """The attributes of the ``name`` cookie the response sets, by lower-case name."""
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith(f"{name}="):
            parts = [part.strip() for part in header.split(";")[1:]]
            return {key.lower(): value for key, _, value in (p.partition("=") for p in parts)}
    raise AssertionError(f"no {name} cookie in {response.headers.getlist('Set-Cookie')}")


@pytest.mark.parametrize("site_url", ["http://blog.test", "https://blog.example"])
def test_the_login_cookies_are_http_only_and_same_site(app, app_config, make_user, site_url):
    make_user(email="reader@example.org", role=Role.READER)
    site = create_app({**app_config, "SITE_URL": site_url})
    client = site.test_client()
    form = client.get("/auth/login", base_url=site_url)
    token = form.text.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]

    response = client.post(
        "/auth/login",
        base_url=site_url,
        headers={"Referer": f"{site_url}/auth/login"},  # as browsers send (checked on https)
        data={
            "email": "reader@example.org",
            "password": TEST_PASSWORD,
            "remember": "y",
            "csrf_token": token,
        },
    )
    with site.app_context():
        db.engine.dispose()

    assert response.status_code == 302
    for name in ("session", "remember_token"):
        attributes = cookie_attributes(response, name)
        assert "httponly" in attributes, name
        assert attributes.get("samesite") == "Lax", name
        assert ("secure" in attributes) == site_url.startswith("https://"), name


def start_production_server(tmp_path, **settings: str) -> subprocess.CompletedProcess:
    """Import ``blogapp.wsgi`` as gunicorn would, in a clean environment with these settings."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("BLOGAPP_", "FLASK_")) and name != "SECRET_KEY"
    }
    environment |= {
        "BLOGAPP_INSTANCE_PATH": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'blog.db'}",
        "SITE_URL": SITE_URL,
        **settings,
    }
    return subprocess.run(
        [sys.executable, "-c", "import blogapp.wsgi"],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("settings", "reason"),
    [
        ({}, "SECRET_KEY is missing or too weak"),
        ({"SECRET_KEY": "dev"}, "SECRET_KEY is missing or too weak"),
        ({"SECRET_KEY": "changeme"}, "SECRET_KEY is missing or too weak"),
        ({"SECRET_KEY": "a" * 32}, "SECRET_KEY is missing or too weak"),
        ({"SECRET_KEY": "0123456789abcdef" * 4}, "SECRET_KEY is missing or too weak"),
        ({"SECRET_KEY": STRONG_KEY, "SITE_URL": "http://blog.example"}, "not https://"),
        ({"SECRET_KEY": STRONG_KEY, "BLOGAPP_DEBUG": "true"}, "debug mode on"),
        ({"SECRET_KEY": STRONG_KEY, "FLASK_DEBUG": "1"}, "debug mode on"),
    ],
)
def test_production_refuses_to_start_with_unsafe_settings(tmp_path, settings, reason):
    started = start_production_server(tmp_path, **settings)

    assert started.returncode != 0
    assert reason in started.stderr.strip().splitlines()[-1]


def test_production_starts_with_a_strong_key(tmp_path):
    started = start_production_server(tmp_path, SECRET_KEY=STRONG_KEY)

    assert started.returncode == 0, started.stderr


def test_production_serves_plain_http_when_allowed_on_purpose(tmp_path):
    started = start_production_server(
        tmp_path, SECRET_KEY=STRONG_KEY, SITE_URL="http://blog.example", ALLOW_HTTP="1"
    )

    assert started.returncode == 0, started.stderr

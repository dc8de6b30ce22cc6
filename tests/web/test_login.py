"""Logging in and out: hashed passwords, POST-only logout, safe ``next`` redirects."""

import re

import pytest
from support.accounts import TEST_PASSWORD

from blogapp.extensions import db


def test_an_editor_logs_in_and_lands_on_the_next_page(client, editor):
    response = client.submit(
        "/auth/login?next=/admin/",
        {"email": "Editor@Example.org ", "password": TEST_PASSWORD},
        page="/auth/login?next=/admin/",
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/"
    assert "Editor pages" in client.get("/").text


def test_a_wrong_password_re_renders_the_form_with_a_message(client, editor):
    response = client.login("editor@example.org", "not the password")

    assert response.status_code == 422
    assert "That email address and password do not match an account." in response.text
    assert 'value="editor@example.org"' in response.text
    assert "Editor pages" not in client.get("/").text


def test_an_unknown_address_gets_the_same_message(client):
    response = client.login("nobody@example.org", TEST_PASSWORD)

    assert response.status_code == 422
    assert "That email address and password do not match an account." in response.text


def test_an_empty_form_says_what_is_missing(client):
    response = client.submit("/auth/login", {"email": "", "password": ""})

    assert response.status_code == 422
    assert "Enter the email address you registered with." in response.text
    assert "Enter your password." in response.text


def test_login_without_a_csrf_token_is_refused(client, editor):
    response = client.post(
        "/auth/login", data={"email": "editor@example.org", "password": TEST_PASSWORD}
    )

    assert response.status_code == 400
    assert "did not come from this site" in response.text
    assert "Editor pages" not in client.get("/").text


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "/\\evil.example", "http:/evil.example",
     "javascript:alert(1)", " //evil.example"],
)  # fmt: skip
def test_next_never_leaves_the_site(client, editor, target):
    response = client.submit(
        "/auth/login",
        {"email": "editor@example.org", "password": TEST_PASSWORD, "next": target},
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_logout_is_a_post_with_a_token(client, editor):
    client.login("editor@example.org", TEST_PASSWORD)

    assert client.get("/auth/logout").status_code == 405
    assert client.post("/auth/logout").status_code == 400
    assert "Editor pages" in client.get("/").text

    response = client.logout()

    assert response.status_code == 302
    assert "Editor pages" not in client.get("/").text


def login_page_text(response, address: str) -> str:
    """The page without what differs by nature: the form token and the typed address."""
    return re.sub(r'name="csrf_token"[^>]*>', "", response.text).replace(address, "ADDRESS")


@pytest.mark.parametrize("password", [TEST_PASSWORD, "not the password at all"])
def test_a_banned_account_is_answered_as_an_unknown_address(client, make_user, password):
    user = make_user(email="banned@example.org")
    user.banned = True
    db.session.commit()

    banned = client.login("banned@example.org", password)
    unknown = client.login("nobody@example.org", password)

    assert banned.status_code == unknown.status_code == 422
    assert "That email address and password do not match an account." in banned.text
    assert "suspended" not in banned.text
    assert login_page_text(banned, "banned@example.org") == login_page_text(
        unknown, "nobody@example.org"
    )
    assert "Log out" not in client.get("/").text


def test_ending_sessions_logs_the_account_out(client, editor):
    client.login("editor@example.org", TEST_PASSWORD)
    editor.end_sessions()
    db.session.commit()

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


def test_passwords_are_stored_hashed(editor):
    assert TEST_PASSWORD not in editor.password_hash
    assert editor.password_hash.startswith(("scrypt:", "pbkdf2:"))


def test_admin_pages_send_visitors_to_log_in_and_refuse_readers(client, make_user):
    assert client.get("/admin/").status_code == 302
    make_user(email="reader@example.org")
    client.login("reader@example.org", TEST_PASSWORD)

    response = client.get("/admin/")

    assert response.status_code == 403
    assert "<h1>Not allowed</h1>" in response.text

"""A copied login cookie stops working once its account logs out, changes its password, logs
out everywhere or is banned, whichever worker it is shown to."""

import pytest
from support.accounts import TEST_PASSWORD

from blogapp.extensions import db
from blogapp.models import Role, User

NEW_PASSWORD = "staple battery horse correct"
LOGIN_COOKIES = ("session", "remember_token")


def logged_in(app, email: str):
    client = app.test_client()
    response = client.submit(
        "/auth/login",
        {"email": email, "password": TEST_PASSWORD, "remember": "y"},
        page="/auth/login",
    )
    assert response.status_code == 302
    return client


def copy_of_cookies(app, client):
    """Another browser holding the same login cookies (as someone who copied them would)."""
    thief = app.test_client()
    for name in LOGIN_COOKIES:
        cookie = client.get_cookie(name)
        thief.set_cookie(name, cookie.value, domain=cookie.domain, path=cookie.path)
    return thief


def is_logged_in(client) -> bool:
    return client.get("/account").status_code == 200


@pytest.fixture
def reader(make_user) -> User:
    return make_user(email="reader@example.org", role=Role.READER)


def test_a_copied_cookie_works_until_its_account_acts(app, reader):
    client = logged_in(app, "reader@example.org")

    assert is_logged_in(copy_of_cookies(app, client))


def test_logging_out_ends_a_copied_cookie(app, reader):
    client = logged_in(app, "reader@example.org")
    thief = copy_of_cookies(app, client)

    client.logout()

    assert not is_logged_in(client)
    assert not is_logged_in(thief)
    assert "Log out" not in thief.get("/").text


def test_changing_the_password_ends_a_copied_cookie_but_not_this_browser(app, reader):
    client = logged_in(app, "reader@example.org")
    thief = copy_of_cookies(app, client)

    changed = client.submit(
        "/account/password",
        {"password-current_password": TEST_PASSWORD, "password-password": NEW_PASSWORD,
         "password-password_again": NEW_PASSWORD},
        page="/account",
    )  # fmt: skip

    assert changed.location == "/account"
    assert is_logged_in(client)
    assert not is_logged_in(thief)


def test_log_out_everywhere_ends_every_session(app, reader):
    client = logged_in(app, "reader@example.org")
    other_computer = logged_in(app, "reader@example.org")
    thief = copy_of_cookies(app, client)
    page = client.get("/account").text
    assert "Log out everywhere" in page

    response = client.submit("/account/sessions/end", page="/account")

    assert response.location == "/auth/login"
    landing = client.get(response.location).text
    assert "You are logged out on every computer, this one included." in landing
    for browser in (client, other_computer, thief):
        assert not is_logged_in(browser)


def test_log_out_everywhere_needs_the_form_token(app, reader):
    client = logged_in(app, "reader@example.org")

    refused = client.post("/account/sessions/end")

    assert refused.status_code == 400
    assert is_logged_in(client)


def test_a_ban_ends_a_copied_cookie_even_after_it_is_lifted(app, reader, editor):
    client = logged_in(app, "reader@example.org")
    thief = copy_of_cookies(app, client)
    moderator = logged_in(app, "editor@example.org")

    moderator.submit(f"/admin/users/{reader.id}/ban", {"banned": "1"}, page="/admin/users")
    assert not is_logged_in(thief)
    moderator.submit(f"/admin/users/{reader.id}/ban", {"banned": "0"}, page="/admin/users")

    db.session.expire_all()
    assert not db.session.get(User, reader.id).banned
    assert not is_logged_in(thief)
    assert not is_logged_in(client)

"""Registering, confirming by mail, logging in, password resets and changes, the account page."""

import re
import time

import pytest
from itsdangerous import TimestampSigner
from support.accounts import TEST_PASSWORD
from support.mail import link_in, text_of

from blogapp.auth.tokens import confirmation_token, reset_token
from blogapp.extensions import db
from blogapp.models import User
from blogapp.signals import account_deleted

NEW_PASSWORD = "staple battery horse correct"


def register(client, email="sam@example.org", name="Sam Probation", password=TEST_PASSWORD):
    return client.submit(
        "/auth/register",
        {"email": email, "display_name": name, "password": password, "password_again": password},
    )


def account(email: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(db.select(User).where(User.email == email))


def test_register_mails_a_link_that_confirms_the_address(client, mailbox):
    response = register(client, email="Sam@Example.org")
    assert response.status_code == 302
    page = client.get(response.location)
    assert "sam@example.org" in page.text
    assert "Check your email" in page.text

    user = account("sam@example.org")
    assert user.display_name == "Sam Probation"
    assert not user.is_confirmed
    (message,) = mailbox.to("sam@example.org")
    assert "Confirm your email address" in message["Subject"]
    assert "48 hours" in text_of(message)

    confirmed = client.get(link_in(message, "/auth/confirm/"), follow_redirects=True)
    assert "your email address is confirmed" in confirmed.text
    assert account("sam@example.org").is_confirmed
    assert (
        "Welcome back, Sam Probation"
        in client.login("sam@example.org", TEST_PASSWORD, follow_redirects=True).text
    )


def test_registering_a_known_address_says_the_same_and_tells_its_owner(client, make_user, mailbox):
    make_user(email="taken@example.org", name="First Owner")
    response = register(client, email="taken@example.org", name="Someone Else")
    assert response.status_code == 302
    assert "Check your email" in client.get(response.location).text
    (message,) = mailbox.to("taken@example.org")
    assert "already have an account" in message["Subject"]
    assert account("taken@example.org").display_name == "First Owner"


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short1", "at least 10 characters"),
        ("1234567890", "most common"),
        ("Password123", "most common"),
        ("aaaaaaaaaaaa", "most common"),
        ("sam@example.org", "email address"),
    ],
)
def test_register_refuses_weak_passwords(client, mailbox, password, problem):
    response = register(client, password=password)
    assert response.status_code == 422
    assert problem in response.text
    assert account("sam@example.org") is None
    assert mailbox.messages == []


@pytest.mark.parametrize("name", ["Anonymous", "  deleted USER ", "   "])
def test_register_refuses_names_that_pass_for_someone_else(client, name):
    response = register(client, name=name)
    assert response.status_code == 422
    assert account("sam@example.org") is None


def test_register_needs_matching_passwords_and_a_real_address(client):
    response = client.submit(
        "/auth/register",
        {"email": "not-an-address", "display_name": "Sam", "password": NEW_PASSWORD,
         "password_again": NEW_PASSWORD + "x"},
    )  # fmt: skip
    assert response.status_code == 422
    assert "name@example.org" in response.text
    assert "not the same" in response.text


def test_a_tampered_confirmation_link_is_invalid_and_changes_nothing(client, make_user):
    user = make_user(confirmed=False)
    token = confirmation_token(user)
    response = client.get(f"/auth/confirm/{token[:-3]}abc")
    assert response.status_code == 400
    assert "This link is not valid" in response.text
    assert not account(user.email).is_confirmed


def test_an_expired_confirmation_link_says_so(client, make_user, monkeypatch):
    user = make_user(confirmed=False)
    two_days_ago = int(time.time()) - 49 * 3600
    with monkeypatch.context() as patched:
        patched.setattr(TimestampSigner, "get_timestamp", lambda self: two_days_ago)
        token = confirmation_token(user)
    response = client.get(f"/auth/confirm/{token}")
    assert response.status_code == 400
    assert "This link has expired" in response.text
    assert not account(user.email).is_confirmed


def test_an_unconfirmed_reader_can_ask_for_a_new_link(client, make_user, make_post, mailbox):
    post = make_post("Pay talks")
    user = make_user(email="late@example.org", confirmed=False)
    client.login("late@example.org", TEST_PASSWORD)
    page = client.get(f"/{post.published_year}/{post.published_month:02d}/{post.slug}")
    assert "Please confirm your email address" in page.text
    response = client.submit("/auth/confirm/resend", {"next": "/account"}, page="/account")
    assert response.location == "/account"
    (message,) = mailbox.to("late@example.org")
    client.get(link_in(message, "/auth/confirm/"))
    assert account(user.email).is_confirmed


def test_login_refuses_a_wrong_password_and_a_banned_account(client, make_user):
    user = make_user(email="reader@example.org")
    wrong = client.login("reader@example.org", "not the password at all")
    assert wrong.status_code == 422
    assert "do not match an account" in wrong.text
    user.banned = True
    db.session.commit()
    banned = client.login("reader@example.org", TEST_PASSWORD)
    assert banned.status_code == 422
    assert "do not match an account" in banned.text
    assert "Log out" not in client.get("/").text


def test_login_without_a_csrf_token_is_refused(client, make_user):
    make_user(email="reader@example.org")
    response = client.post(
        "/auth/login", data={"email": "reader@example.org", "password": TEST_PASSWORD}
    )
    assert response.status_code == 400
    assert "did not come from this site" in response.text
    assert "Log out" not in client.get("/").text


def test_password_reset_by_mail(app, client, make_user, mailbox):
    make_user(email="forgetful@example.org")
    other_computer = app.test_client()
    other_computer.login("forgetful@example.org", TEST_PASSWORD)

    response = client.submit("/auth/reset", {"email": "Forgetful@example.org"})
    assert response.status_code == 200
    assert "If <strong>forgetful@example.org</strong> belongs to an account" in response.text
    (message,) = mailbox.to("forgetful@example.org")
    link = link_in(message, "/auth/reset/")

    form = client.get(link)
    assert "Choose a new password" in form.text
    weak = client.submit(link, {"password": "password123", "password_again": "password123"})
    assert weak.status_code == 422
    assert "most common" in weak.text
    done = client.submit(link, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert done.location == "/auth/login"

    assert client.login("forgetful@example.org", TEST_PASSWORD).status_code == 422
    assert client.login("forgetful@example.org", NEW_PASSWORD).status_code == 302
    assert "Log out" not in other_computer.get("/").text

    again = client.get(link)
    assert again.status_code == 400
    assert "This link is not valid" in again.text


def test_password_reset_answers_the_same_for_an_unknown_address(client, make_user, mailbox):
    make_user(email="known@example.org")
    known = client.submit("/auth/reset", {"email": "known@example.org"})
    unknown = client.submit("/auth/reset", {"email": "nobody@example.org"})
    assert unknown.status_code == known.status_code == 200

    def page_text(response, address):
        return re.sub(r'name="csrf_token"[^>]*>', "", response.text).replace(address, "ADDRESS")

    assert page_text(unknown, "nobody@example.org") == page_text(known, "known@example.org")
    assert [m["To"] for m in mailbox.messages] == ["known@example.org"]


def test_a_reset_link_stops_working_once_the_password_changes(client, make_user):
    user = make_user(email="reader@example.org")
    token = reset_token(user)
    user.set_password(NEW_PASSWORD)
    db.session.commit()
    response = client.get(f"/auth/reset/{token}")
    assert response.status_code == 400
    assert "This link is not valid" in response.text


def test_account_page_changes_name_and_comment_settings(client, make_user):
    user = make_user(email="reader@example.org", name="Old Name")
    client.login("reader@example.org", TEST_PASSWORD)
    response = client.submit(
        "/account/profile",
        {"profile-display_name": "  New Name ", "profile-anonymous_by_default": "y",
         "profile-notify_replies": "y"},
        page="/account",
    )  # fmt: skip
    assert response.location == "/account"
    user = account("reader@example.org")
    assert (user.display_name, user.anonymous_by_default, user.notify_replies) == (
        "New Name",
        True,
        True,
    )
    page = client.get("/account")
    assert 'value="New Name"' in page.text


def test_changing_the_password_logs_out_other_computers(app, client, make_user):
    make_user(email="reader@example.org")
    other_computer = app.test_client()
    other_computer.login("reader@example.org", TEST_PASSWORD)
    client.login("reader@example.org", TEST_PASSWORD)

    wrong = client.submit(
        "/account/password",
        {"password-current_password": "wrong password here", "password-password": NEW_PASSWORD,
         "password-password_again": NEW_PASSWORD},
        page="/account",
    )  # fmt: skip
    assert wrong.status_code == 422
    assert "not your current password" in wrong.text

    changed = client.submit(
        "/account/password",
        {"password-current_password": TEST_PASSWORD, "password-password": NEW_PASSWORD,
         "password-password_again": NEW_PASSWORD},
        page="/account",
    )  # fmt: skip
    assert changed.location == "/account"
    assert "Log out" in client.get("/").text
    assert "Log out" not in other_computer.get("/").text
    assert account("reader@example.org").check_password(NEW_PASSWORD)


def test_changing_the_email_address_is_confirmed_at_the_new_address(client, make_user, mailbox):
    make_user(email="old@example.org")
    client.login("old@example.org", TEST_PASSWORD)
    response = client.submit(
        "/account/email",
        {"email-email": "New@Example.org", "email-current_password": TEST_PASSWORD},
        page="/account",
    )
    assert response.location == "/account"
    assert account("old@example.org") is not None
    (message,) = mailbox.to("new@example.org")
    link = link_in(message, "/account/email/confirm/")

    client.get(link)
    assert account("old@example.org") is None
    assert account("new@example.org").is_confirmed
    (notice,) = mailbox.to("old@example.org")
    assert "was changed" in notice["Subject"]
    assert client.get(link).status_code == 400


def test_an_email_change_to_a_taken_address_changes_nothing(client, make_user, mailbox):
    make_user(email="mine@example.org")
    make_user(email="theirs@example.org")
    client.login("mine@example.org", TEST_PASSWORD)
    client.submit(
        "/account/email",
        {"email-email": "theirs@example.org", "email-current_password": TEST_PASSWORD},
        page="/account",
    )
    (message,) = mailbox.to("theirs@example.org")
    response = client.get(link_in(message, "/account/email/confirm/"))
    assert response.status_code == 409
    assert "belongs to another account" in response.text
    assert account("mine@example.org") is not None


def test_deleting_the_account_keeps_comments_without_the_name(client, make_user, make_post):
    post = make_post("Caseloads")
    user = make_user(email="leaving@example.org", name="Leaving Reader")
    client.login("leaving@example.org", TEST_PASSWORD)
    path = f"/{post.published_year}/{post.published_month:02d}/{post.slug}"
    for body, anonymous in (("Signed comment", ""), ("Anonymous comment", "y")):
        client.submit(f"/comments/on/{post.id}", {"body": body, "anonymous": anonymous}, page=path)
    deleted = []
    with account_deleted.connected_to(lambda sender: deleted.append(sender.id)):
        refused = client.submit(
            "/account/delete", {"delete-current_password": TEST_PASSWORD}, page="/account"
        )
        assert refused.status_code == 422
        assert "tick the box" in refused.text
        response = client.submit(
            "/account/delete",
            {"delete-current_password": TEST_PASSWORD, "delete-understood": "y"},
            page="/account",
        )
    assert response.location == "/"
    assert deleted == [user.id]
    assert account("leaving@example.org") is None
    page = client.get(path).text
    assert "Leaving Reader" not in page
    assert "Deleted user" in page
    assert "Anonymous" in page
    assert "Signed comment" in page
    assert client.login("leaving@example.org", TEST_PASSWORD).status_code == 422


def test_account_pages_need_a_login(client):
    response = client.get("/account")
    assert response.status_code == 302
    assert response.location.startswith("/auth/login")

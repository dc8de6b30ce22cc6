"""Rate limits on log-in, registration, password reset, confirmation mail, comments and reports."""

import pytest
from support.accounts import TEST_PASSWORD
from support.comments import comments_of, path_of

from blogapp.extensions import db
from blogapp.models import User


@pytest.fixture
def app_config(app_config: dict) -> dict:
    return {
        **app_config,
        "RATELIMIT_ENABLED": True,
        "LOGIN_LIMIT_PER_ADDRESS": "3 per minute",
        "LOGIN_LIMIT_PER_IP": "6 per minute",
        "REGISTER_LIMIT": "2 per hour",
        "PASSWORD_RESET_LIMIT_PER_IP": "2 per hour",
        "PASSWORD_RESET_LIMIT_PER_ADDRESS": "2 per hour",
        "CONFIRMATION_MAIL_LIMIT": "1 per hour",
        "COMMENT_LIMIT": "2 per minute",
        "REPORT_LIMIT": "1 per hour",
    }


def assert_limited(response) -> None:
    assert response.status_code == 429
    assert "Too many tries" in response.text
    assert "Please wait a little" in response.text


def test_failed_logins_are_limited_per_address(client, make_user):
    make_user(email="target@example.org")
    for _ in range(3):
        assert client.login("target@example.org", "wrong password!").status_code == 422
    assert_limited(client.login("target@example.org", TEST_PASSWORD))
    assert_limited(client.login("TARGET@example.org ", "wrong password!"))
    assert client.login("someone-else@example.org", "wrong password!").status_code == 422


def test_logins_are_limited_per_ip(client):
    for number in range(6):
        response = client.login(f"guess{number}@example.org", "wrong password!")
        assert response.status_code == 422
    assert_limited(client.login("guess-again@example.org", "wrong password!"))


def test_registration_is_limited(client, mailbox):
    def register(number):
        return client.submit(
            "/auth/register",
            {"email": f"new{number}@example.org", "display_name": f"New {number}",
             "password": TEST_PASSWORD, "password_again": TEST_PASSWORD},
        )  # fmt: skip

    assert register(1).status_code == 302
    assert register(2).status_code == 302
    assert_limited(register(3))
    assert db.session.scalar(db.select(User).where(User.email == "new3@example.org")) is None
    assert len(mailbox.messages) == 2


def test_password_reset_mail_is_limited(client, make_user, mailbox):
    make_user(email="reader@example.org")
    for _ in range(2):
        assert client.submit("/auth/reset", {"email": "reader@example.org"}).status_code == 200
    assert_limited(client.submit("/auth/reset", {"email": "reader@example.org"}))
    assert len(mailbox.to("reader@example.org")) == 2


def test_confirmation_mail_is_limited(client, make_user, mailbox):
    make_user(email="late@example.org", confirmed=False)
    client.login("late@example.org", TEST_PASSWORD)
    assert client.submit("/auth/confirm/resend", page="/account").status_code == 302
    assert_limited(client.submit("/auth/confirm/resend", page="/account"))
    assert len(mailbox.to("late@example.org")) == 1


def test_comments_and_reports_are_limited(app, client, make_user, make_post):
    post = make_post("Caseloads")
    make_user(email="chatty@example.org")
    client.login("chatty@example.org", TEST_PASSWORD)
    for number in range(2):
        response = client.submit(
            f"/comments/on/{post.id}", {"body": f"Comment {number}"}, page=path_of(post)
        )
        assert response.status_code == 302
    refused = client.submit(f"/comments/on/{post.id}", {"body": "One too many"}, page=path_of(post))
    assert refused.status_code == 429
    assert "You have posted several comments in a short time" in refused.text
    assert [c.body for c in comments_of(post)] == ["Comment 0", "Comment 1"]

    make_user(email="reporter@example.org")
    reporter = app.test_client()
    reporter.login("reporter@example.org", TEST_PASSWORD)
    first, second = comments_of(post)
    assert reporter.submit(f"/comments/{first.id}/report", {"reason": ""}).status_code == 302
    assert_limited(reporter.submit(f"/comments/{second.id}/report", {"reason": ""}))

"""Mailed links: how long each works (48 hours to confirm or change an address, 2 hours to
reset a password; checked on a fake clock at the last second and the one after), and what
a damaged or strange one does."""

import time
from datetime import timedelta

import pytest
from itsdangerous import TimestampSigner
from support.accounts import TEST_PASSWORD, SigningClock
from support.mail import link_in

from blogapp.auth.tokens import Purpose, confirmation_token, make_token
from blogapp.extensions import db
from blogapp.models import User

LAST_SECOND, TOO_LATE = 0, 1
NOT_VALID = (
    "This link is not valid: it may have been copied incompletely, already used, "
    "or replaced by a newer one."
)


@pytest.fixture
def clock(monkeypatch) -> SigningClock:
    clock = SigningClock(int(time.time()))
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda _signer: clock.now)
    return clock


def account(email: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(db.select(User).where(User.email == email))


def after(lifetime: timedelta, extra_seconds: int) -> float:
    return lifetime.total_seconds() + extra_seconds


@pytest.mark.parametrize("extra_seconds", [LAST_SECOND, TOO_LATE])
def test_a_change_of_address_link_works_for_48_hours(
    client, make_user, mailbox, clock, extra_seconds
):
    make_user(email="old@example.org")
    client.login("old@example.org", TEST_PASSWORD)
    client.submit(
        "/account/email",
        {"email-email": "new@example.org", "email-current_password": TEST_PASSWORD},
        page="/account",
    )
    (message,) = mailbox.to("new@example.org")

    clock.advance(after(timedelta(hours=48), extra_seconds))
    response = client.get(link_in(message, "/account/email/confirm/"), follow_redirects=True)

    if extra_seconds == LAST_SECOND:
        assert "Your email address is now new@example.org" in response.text
        assert account("new@example.org") is not None
    else:
        assert response.status_code == 400
        assert "This link has expired. You can ask for a new one." in response.text
        assert account("new@example.org") is None
        assert account("old@example.org") is not None


@pytest.mark.parametrize("extra_seconds", [LAST_SECOND, TOO_LATE])
def test_a_password_reset_link_works_for_2_hours(client, make_user, mailbox, clock, extra_seconds):
    make_user(email="forgetful@example.org")
    client.submit("/auth/reset", {"email": "forgetful@example.org"})
    (message,) = mailbox.to("forgetful@example.org")

    clock.advance(after(timedelta(hours=2), extra_seconds))
    response = client.get(link_in(message, "/auth/reset/"))

    if extra_seconds == LAST_SECOND:
        assert response.status_code == 200
        assert "Choose a new password" in response.text
    else:
        assert response.status_code == 400
        assert "This link has expired. You can ask for a new one." in response.text
        assert "Choose a new password" not in response.text


@pytest.mark.parametrize("extra_seconds", [LAST_SECOND, TOO_LATE])
def test_a_confirmation_link_works_for_48_hours(client, make_user, mailbox, clock, extra_seconds):
    make_user(email="late@example.org", confirmed=False)
    client.login("late@example.org", TEST_PASSWORD)
    client.submit("/auth/confirm/resend", {"next": "/account"}, page="/account")
    (message,) = mailbox.to("late@example.org")

    clock.advance(after(timedelta(hours=48), extra_seconds))
    response = client.get(link_in(message, "/auth/confirm/"))

    assert account("late@example.org").is_confirmed == (extra_seconds == LAST_SECOND)
    if extra_seconds == TOO_LATE:
        assert "This link has expired. You can ask for a new one." in response.text


def test_a_link_cut_short_says_it_may_have_been_copied_incompletely(client, make_user):
    user = make_user(confirmed=False)

    response = client.get(f"/auth/confirm/{confirmation_token(user)[:-4]}")

    assert response.status_code == 400
    assert NOT_VALID in response.text
    assert not account(user.email).is_confirmed


@pytest.mark.parametrize("shape", ["a list", "an id in words"])
def test_a_signed_link_that_does_not_name_an_account_by_number_is_not_valid(
    client, make_user, shape
):
    """Signed with the site's key (as an older release might have), but not what links hold."""
    user = make_user(confirmed=False)
    data = (
        [user.id, user.email] if shape == "a list" else {"user": str(user.id), "email": user.email}
    )

    response = client.get(f"/auth/confirm/{make_token(Purpose.CONFIRM_EMAIL, data)}")

    assert response.status_code == 400
    assert NOT_VALID in response.text
    assert not account(user.email).is_confirmed


def test_a_reader_without_a_password_sets_one_through_a_reset_link(client, subscriber, mailbox):
    subscriber("follower@example.org")

    client.submit("/auth/reset", {"email": "follower@example.org"})
    (message,) = mailbox.to("follower@example.org")
    link = link_in(message, "/auth/reset/")
    done = client.submit(link, {"password": "staple battery horse correct",
                                "password_again": "staple battery horse correct"})  # fmt: skip

    assert done.location == "/auth/login"
    assert client.login("follower@example.org", "staple battery horse correct").status_code == 302

"""Links sent by mail work only for the address they were sent to and the password the
account had then: moving the account or changing its password ends every one of them."""

from support.accounts import TEST_PASSWORD
from support.mail import link_in

from blogapp.extensions import db
from blogapp.models import User

NEW_PASSWORD = "staple battery horse correct"


def account(user_id: int) -> User:
    db.session.expire_all()
    return db.session.get(User, user_id)


def ask_for_email_change(client, new_email: str, mailbox) -> str:
    client.submit(
        "/account/email",
        {"email-email": new_email, "email-current_password": TEST_PASSWORD},
        page="/account",
    )
    (message,) = mailbox.to(new_email)
    return link_in(message, "/account/email/confirm/")


def change_password(client, current: str = TEST_PASSWORD, new: str = NEW_PASSWORD):
    return client.submit(
        "/account/password",
        {"password-current_password": current, "password-password": new,
         "password-password_again": new},
        page="/account",
    )  # fmt: skip


def assert_refused_link(response) -> None:
    """The styled page that says the link cannot be used, never an error page."""
    assert response.status_code == 400
    assert "<h1>This link is not valid</h1>" in response.text
    assert "Ask for a new link" in response.text
    assert 'rel="stylesheet"' in response.text


def test_a_reset_link_ends_when_the_account_moves_to_another_address(client, make_user, mailbox):
    bob = make_user(email="bob@example.org")
    client.submit("/auth/reset", {"email": "bob@example.org"})
    (reset_mail,) = mailbox.to("bob@example.org")
    reset_link = link_in(reset_mail, "/auth/reset/")

    browser = client.application.test_client()
    browser.login("bob@example.org", TEST_PASSWORD)
    browser.get(ask_for_email_change(browser, "bob2@example.org", mailbox))
    assert account(bob.id).email == "bob2@example.org"

    assert_refused_link(client.get(reset_link))
    posted = client.submit(
        reset_link,
        {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
        page="/auth/reset",
    )
    assert_refused_link(posted)
    assert account(bob.id).check_password(TEST_PASSWORD)


def test_a_reset_link_ends_when_the_password_is_changed_on_the_account_page(
    client, make_user, mailbox
):
    bob = make_user(email="bob@example.org")
    client.submit("/auth/reset", {"email": "bob@example.org"})
    (reset_mail,) = mailbox.to("bob@example.org")

    browser = client.application.test_client()
    browser.login("bob@example.org", TEST_PASSWORD)
    assert change_password(browser).location == "/account"

    assert_refused_link(client.get(link_in(reset_mail, "/auth/reset/")))
    assert account(bob.id).check_password(NEW_PASSWORD)


def test_a_confirmation_link_ends_when_the_password_changes(client, make_user, mailbox):
    bob = make_user(email="bob@example.org", confirmed=False)
    client.login("bob@example.org", TEST_PASSWORD)
    client.submit("/auth/confirm/resend", page="/account")
    (confirmation,) = mailbox.to("bob@example.org")

    change_password(client)

    assert_refused_link(client.get(link_in(confirmation, "/auth/confirm/")))
    assert not account(bob.id).is_confirmed


def test_a_confirmation_link_ends_when_the_account_moves(client, make_user, mailbox):
    bob = make_user(email="bob@example.org", confirmed=False)
    client.login("bob@example.org", TEST_PASSWORD)
    client.submit("/auth/confirm/resend", page="/account")
    (confirmation,) = mailbox.to("bob@example.org")
    bob.email = "bob2@example.org"  # moved by any path: the link was for the other address
    db.session.commit()

    assert_refused_link(client.get(link_in(confirmation, "/auth/confirm/")))
    assert not account(bob.id).is_confirmed


def test_an_older_change_of_address_link_ends_once_another_is_followed(client, make_user, mailbox):
    bob = make_user(email="bob@example.org")
    client.login("bob@example.org", TEST_PASSWORD)
    first = ask_for_email_change(client, "bob2@example.org", mailbox)
    second = ask_for_email_change(client, "bob3@example.org", mailbox)

    client.get(second)
    assert account(bob.id).email == "bob3@example.org"
    assert_refused_link(client.get(first))
    assert account(bob.id).email == "bob3@example.org"


def test_a_change_of_address_link_ends_when_the_password_changes(client, make_user, mailbox):
    bob = make_user(email="bob@example.org")
    client.login("bob@example.org", TEST_PASSWORD)
    link = ask_for_email_change(client, "bob2@example.org", mailbox)

    change_password(client)

    assert_refused_link(client.get(link))
    assert account(bob.id).email == "bob@example.org"

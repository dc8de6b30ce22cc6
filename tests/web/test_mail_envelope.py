"""With BOUNCE_ADDRESS, every message's envelope sender names its recipient, signed."""

import pytest
from support.digests import FRIDAY_EVENING, SATURDAY, at

from blogapp.auth.mails import send_confirmation
from blogapp.digest.runs import run_digest
from blogapp.extensions import db
from blogapp.mail.verp import BounceTarget, envelope_sender, read_envelope_sender

BOUNCES = "bounces@blog.example"


@pytest.fixture
def bounce_address(app):
    app.config["BOUNCE_ADDRESS"] = BOUNCES


def confirmation_to(app, make_user, address: str) -> None:
    user = make_user(email=address, confirmed=False)
    with app.test_request_context():
        send_confirmation(user)
    db.session.commit()


def test_queued_mail_goes_out_with_a_signed_envelope_naming_its_recipient(
    app, bounce_address, make_user, mailbox
):
    confirmation_to(app, make_user, "new.reader+blog@example.org")

    (received,) = mailbox.received
    local, domain = received.sender.split("@")
    assert domain == "blog.example"
    assert local.startswith("bounces+confirm_email.")
    assert local.endswith(".new.reader+blog=example.org")
    assert received.sender == received.sender.lower()
    with app.app_context():
        expected = BounceTarget("new.reader+blog@example.org", "confirm_email")
        assert read_envelope_sender(received.sender) == expected
        assert read_envelope_sender(received.sender.upper()) == expected, "lower-cased by an MTA"


def test_digests_go_out_with_the_digest_kind_in_their_envelope(
    app, bounce_address, subscriber, make_post, mailbox
):
    make_post("Caseloads at breaking point", published_at=FRIDAY_EVENING)
    subscriber("one@example.org")
    subscriber("two@example.org")

    run_digest(clock=at(SATURDAY))

    with app.app_context():
        targets = {read_envelope_sender(item.sender) for item in mailbox.received}
    assert targets == {
        BounceTarget("one@example.org", "digest"),
        BounceTarget("two@example.org", "digest"),
    }


def test_an_envelope_cannot_be_forged_or_turned_on_someone_else(app, bounce_address):
    with app.app_context():
        genuine = envelope_sender("victim@example.org", "digest", "noreply@blog.example")
        local, _ = genuine.split("@")
        kind, signature, _ = local.removeprefix("bounces+").split(".", 2)
        other_recipient = f"bounces+{kind}.{signature}.someone=example.org@blog.example"
        other_kind = genuine.replace("+digest.", "+confirm_email.")
        changed = "b" if signature[-1] == "a" else "a"
        tampered = genuine.replace(f".{signature}.", f".{signature[:-1]}{changed}.")
        assert read_envelope_sender(genuine) == BounceTarget("victim@example.org", "digest")
        for forged in (other_recipient, other_kind, tampered, "bounces@blog.example"):
            assert read_envelope_sender(forged) is None, forged
        assert read_envelope_sender(genuine.replace("blog.example", "elsewhere.example")) is None
        app.config["SECRET_KEY"] = "another key entirely, just as long as the first one"
        assert read_envelope_sender(genuine) is None


def test_without_a_bounce_address_mail_goes_out_from_the_sender(app, make_user, mailbox):
    confirmation_to(app, make_user, "plain@example.org")

    (received,) = mailbox.received
    assert received.sender == app.config["MAIL_DEFAULT_SENDER"].split("<")[-1].rstrip(">")

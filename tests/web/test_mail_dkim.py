"""With a DKIM key set, every message arrives with a signature that verifies against the
published public key, digests and queued mail alike."""

import base64
import subprocess
from datetime import timedelta

import dkim
import pytest
from support.digests import FRIDAY_EVENING, SATURDAY, at

from blogapp import create_app
from blogapp.auth.mails import send_confirmation
from blogapp.digest.runs import run_digest
from blogapp.extensions import db
from blogapp.mail.signing import DkimSettingError, current_signer

SELECTOR = "blog2026"


@pytest.fixture(scope="module")
def key_pair(tmp_path_factory) -> tuple[str, bytes]:
    """A fresh 2048-bit key file, and the DNS TXT record that publishes its public half."""
    folder = tmp_path_factory.mktemp("dkim")
    private = folder / "dkim.pem"
    subprocess.run(
        ["openssl", "genrsa", "-out", str(private), "2048"], check=True, capture_output=True
    )
    public = subprocess.run(
        ["openssl", "rsa", "-in", str(private), "-pubout", "-outform", "DER"],
        check=True,
        capture_output=True,
    ).stdout
    return str(private), b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)


@pytest.fixture
def signing(app, key_pair) -> bytes:
    app.config["DKIM_PRIVATE_KEY_FILE"] = key_pair[0]
    app.config["DKIM_SELECTOR"] = SELECTOR
    app.config["MAIL_DEFAULT_SENDER"] = "On Probation <noreply@blog.example>"
    return key_pair[1]


def verifies(data: bytes, record: bytes) -> bool:
    def dns(name: bytes, timeout: int = 5) -> bytes | None:
        return record if name == f"{SELECTOR}._domainkey.blog.example.".encode() else None

    return dkim.verify(data, dnsfunc=dns)


def signature_tags(data: bytes) -> dict[str, str]:
    header = dkim.rfc822_parse(data)[0][0]
    assert header[0].lower() == b"dkim-signature"
    value = b"".join(header[1].split()).decode()
    return dict(tag.split("=", 1) for tag in value.split(";") if tag)


def test_queued_mail_arrives_signed_for_the_from_domain(app, signing, make_user, mailbox):
    user = make_user(email="new@example.org", confirmed=False)
    with app.test_request_context():
        send_confirmation(user)
    db.session.commit()

    (received,) = mailbox.received
    assert verifies(received.data, signing)
    tags = signature_tags(received.data)
    assert (tags["d"], tags["s"], tags["a"], tags["c"]) == (
        "blog.example",
        SELECTOR,
        "rsa-sha256",
        "relaxed/relaxed",
    )
    signed_headers = tags["h"].lower().split(":")
    for name in ("from", "to", "subject", "date", "message-id"):
        assert name in signed_headers


def test_digests_arrive_signed_over_their_unsubscribe_headers(
    app, signing, subscriber, make_post, mailbox
):
    make_post("Caseloads at breaking point", published_at=FRIDAY_EVENING)
    subscriber("one@example.org")

    run_digest(clock=at(SATURDAY))

    (received,) = mailbox.received
    assert verifies(received.data, signing)
    signed_headers = signature_tags(received.data)["h"].lower().split(":")
    assert {"list-unsubscribe", "list-unsubscribe-post"} <= set(signed_headers)
    tampered = received.data.replace(b"Subject: ", b"Subject: Urgent: ", 1)
    assert not verifies(tampered, signing)


def test_without_a_key_mail_goes_unsigned(app, make_user, mailbox):
    user = make_user(email="new@example.org", confirmed=False)
    with app.test_request_context():
        send_confirmation(user)
    db.session.commit()

    (received,) = mailbox.received
    assert b"DKIM-Signature" not in received.data


def test_a_key_that_cannot_be_read_is_named_with_its_setting(app, signing, tmp_path):
    not_a_key = tmp_path / "not-a-key.pem"
    not_a_key.write_text("hello")
    for path, words in ((tmp_path / "missing.pem", "No such file"), (not_a_key, "not a PEM")):
        app.config["DKIM_PRIVATE_KEY_FILE"] = str(path)
        with app.app_context(), pytest.raises(DkimSettingError) as raised:
            current_signer()
        assert "DKIM_PRIVATE_KEY_FILE" in str(raised.value)
        assert words in str(raised.value)


def test_a_bad_key_stops_start_up_with_a_message_naming_the_setting(tmp_path):
    settings = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-that-is-long-enough",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.db'}",
        "DKIM_PRIVATE_KEY_FILE": str(tmp_path / "missing.pem"),
        "DKIM_SELECTOR": SELECTOR,
    }
    with pytest.raises(DkimSettingError, match="DKIM_PRIVATE_KEY_FILE"):
        create_app(settings)


class SenderDied(Exception):
    """The sending process dies mid-send."""


def test_digests_reach_the_smtp_loop_signed_and_a_crash_resends_them_signed(
    app, signing, subscriber, make_post, mailbox
):
    """Signing happens where messages are built: what the send loop gets is signed already,
    and a message interrupted mid-send goes again, once, with its Message-ID, still signed."""
    make_post("Caseloads at breaking point", published_at=FRIDAY_EVENING)
    for number in range(3):
        subscriber(f"reader{number}@example.org")
    reached_the_loop: list[bytes] = []

    def crash_on_the_second(connection, message) -> None:
        reached_the_loop.append(message.data)
        if len(reached_the_loop) == 2:
            raise SenderDied
        connection.sendmail(message.envelope_from, [message.recipient], message.data)

    with pytest.raises(SenderDied):
        run_digest(clock=at(SATURDAY), deliver=crash_on_the_second)
    assert all(data.startswith(b"DKIM-Signature:") for data in reached_the_loop)

    run_digest(clock=at(SATURDAY + timedelta(minutes=10)))

    received = mailbox.received
    assert len(received) == 3
    assert all(verifies(item.data, signing) for item in received)
    message_ids = [dkim.rfc822_parse(item.data)[0] for item in received]
    ids = sorted(
        value.strip() for headers in message_ids for name, value in headers if name == b"Message-ID"
    )
    assert len(set(ids)) == 3
    interrupted = [h for h in dkim.rfc822_parse(reached_the_loop[1])[0] if h[0] == b"Message-ID"]
    assert interrupted[0][1].strip() in ids

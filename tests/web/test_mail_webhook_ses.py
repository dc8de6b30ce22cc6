"""Amazon SES through SNS: only a message SNS signed (checked against the certificate it
names, fetched over https from an allowed host and kept) from one of our topics is taken;
the subscription handshake is answered only for such a message."""

import json
from pathlib import Path

import pytest
from support.reports import READER
from support.smtp import free_port
from support.sns import TOPIC, FakeSns, new_key, ses_bounce, ses_complaint, ses_notification
from support.webhooks import mail_the_reader, reports, suppressions

from blogapp.mail.settings import defaults
from blogapp.mail.suppression import is_suppressed
from blogapp.mail.webhooks import sns
from blogapp.models import ReportKind, SuppressionReason

HEADERS = {"Content-Type": "text/plain; charset=UTF-8"}


@pytest.fixture(scope="module")
def fake_sns(tmp_path_factory) -> FakeSns:
    fake = FakeSns(tmp_path_factory.mktemp("sns"))
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture
def envelope(app, make_user, mailbox, fake_sns, monkeypatch) -> str:
    """The tests' SNS is trusted as Amazon's would be: its host allowed, its CA known."""
    app.config["SES_SNS_TOPIC_ARNS"] = f"arn:aws:sns:eu-west-1:123456789012:other, {TOPIC}"
    app.config["SNS_CERT_HOST_PATTERN"] = r"127\.0\.0\.1:\d+"
    monkeypatch.setenv("SSL_CERT_FILE", fake_sns.ca_file)
    monkeypatch.setattr(sns, "certificates", {})
    fake_sns.requests.clear()
    return mail_the_reader(app, make_user, mailbox)


def to_ses(client, message: dict):
    return client.post("/mail/webhooks/ses", data=json.dumps(message), headers=HEADERS)


def test_a_signed_subscription_confirmation_is_answered(client, envelope, fake_sns):
    response = to_ses(client, fake_sns.sign(fake_sns.subscription_confirmation()))

    assert response.status_code == 200
    assert fake_sns.requests["/"] == 1, "SubscribeURL visited"


def test_an_unsigned_or_forged_subscription_confirmation_is_not_answered(
    client, envelope, fake_sns
):
    unsigned = fake_sns.subscription_confirmation()
    forged = fake_sns.sign(fake_sns.subscription_confirmation(), key=new_key())
    for message in (unsigned, forged):
        assert to_ses(client, message).status_code == 403

    assert fake_sns.requests["/"] == 0


@pytest.mark.parametrize("version", ["1", "2"])
def test_a_permanent_bounce_suppresses_the_reader(client, envelope, fake_sns, version):
    message = fake_sns.sign(ses_notification(ses_bounce(envelope, READER)), version)

    response = to_ses(client, message)

    assert response.status_code == 200
    (report,) = reports()
    assert (report.kind, report.recipient) == (ReportKind.HARD_BOUNCE, READER)
    assert json.loads(report.raw) == message
    assert report.mail_kind == "confirm_email"
    assert suppressions() == [(READER, SuppressionReason.BOUNCE)]


def test_a_transient_bounce_is_kept_and_a_complaint_stops_the_digest_only(
    client, envelope, fake_sns
):
    to_ses(client, fake_sns.sign(ses_notification(ses_bounce(envelope, READER, "Transient"))))
    assert suppressions() == []

    to_ses(client, fake_sns.sign(ses_notification(ses_complaint(envelope, READER)), "2"))

    assert [report.kind for report in reports()] == [
        ReportKind.SOFT_BOUNCE,
        ReportKind.COMPLAINT,
    ]
    assert is_suppressed(READER, "digest")
    assert not is_suppressed(READER, "reset_password")


def test_the_certificate_is_fetched_once(client, envelope, fake_sns):
    for _ in range(3):
        to_ses(client, fake_sns.sign(ses_notification({"notificationType": "Delivery"})))

    assert fake_sns.requests["/SimpleNotificationService-test.pem"] == 1
    assert [report.kind for report in reports()] == [ReportKind.UNRECOGNISED] * 3


def test_a_replayed_notification_is_kept_once(client, envelope, fake_sns):
    message = fake_sns.sign(ses_notification(ses_bounce(envelope, READER, "Transient")))

    assert to_ses(client, message).status_code == 200
    assert to_ses(client, message).status_code == 200

    assert len(reports()) == 1


def version_three(message: dict) -> dict:
    return {**message, "SignatureVersion": "3"}


def edited(message: dict) -> dict:
    return {**message, "Message": message["Message"].replace(READER, "other@example.org")}


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda fake, env: ses_notification(ses_bounce(env, READER)), id="unsigned"),
        pytest.param(
            lambda fake, env: edited(fake.sign(ses_notification(ses_bounce(env, READER)))),
            id="edited after signing",
        ),
        pytest.param(
            lambda fake, env: fake.sign(ses_notification(ses_bounce(env, READER)), key=new_key()),
            id="another key",
        ),
        pytest.param(
            lambda fake, env: fake.sign(
                ses_notification(ses_bounce(env, READER), "arn:aws:sns:us-east-1:666:theirs")
            ),
            id="someone else's topic",
        ),
        pytest.param(
            lambda fake, env: fake.sign(
                {**ses_notification(ses_bounce(env, READER)), "SigningCertURL": "http://x.pem"}
            ),
            id="certificate not over https",
        ),
        pytest.param(
            lambda fake, env: version_three(fake.sign(ses_notification(ses_bounce(env, READER)))),
            id="unknown version",
        ),
    ],
)
def test_a_notification_sns_did_not_sign_for_our_topic_is_refused(client, envelope, fake_sns, make):
    response = to_ses(client, make(fake_sns, envelope))

    assert response.status_code == 403
    assert reports() == []
    assert suppressions() == []


def test_by_default_only_amazons_hosts_may_serve_the_certificate(app, client, envelope, fake_sns):
    app.config["SNS_CERT_HOST_PATTERN"] = defaults(Path(app.instance_path))["SNS_CERT_HOST_PATTERN"]

    response = to_ses(client, fake_sns.sign(ses_notification(ses_bounce(envelope, READER))))

    assert response.status_code == 403
    assert fake_sns.requests == {}, "the certificate was not even asked for"
    assert reports() == []


def test_a_certificate_that_cannot_be_fetched_now_asks_sns_to_try_again(client, envelope, fake_sns):
    closed = f"https://127.0.0.1:{free_port()}/SimpleNotificationService-test.pem"
    message = ses_notification(ses_bounce(envelope, READER))

    response = to_ses(client, fake_sns.sign({**message, "SigningCertURL": closed}))

    assert response.status_code == 503
    assert reports() == []

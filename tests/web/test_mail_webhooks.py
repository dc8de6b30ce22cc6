"""Mailgun's and Postmark's webhooks: a call proved by its signature or secret is kept and
acted on as a bounce by mail would be; anything else gets 403 and changes nothing; an
endpoint whose secret is not set does not exist."""

import base64
import time

import pytest
from support.reports import READER
from support.webhooks import (
    MAILGUN_KEY,
    POSTMARK_SECRET,
    mail_the_reader,
    mailgun_call,
    mailgun_failure,
    postmark_bounce,
    reports,
    suppressions,
)

from blogapp.mail.suppression import is_suppressed
from blogapp.models import ReportKind, SuppressionReason

JSON = {"Content-Type": "application/json"}


@pytest.fixture
def envelope(app, make_user, mailbox) -> str:
    app.config["MAILGUN_WEBHOOK_SIGNING_KEY"] = MAILGUN_KEY
    app.config["POSTMARK_WEBHOOK_SECRET"] = POSTMARK_SECRET
    return mail_the_reader(app, make_user, mailbox)


def to_mailgun(client, body: bytes):
    return client.post("/mail/webhooks/mailgun", data=body, headers=JSON)


def test_a_permanent_mailgun_failure_suppresses_the_reader(client, envelope):
    body = mailgun_call(mailgun_failure(envelope))

    response = to_mailgun(client, body)

    assert response.status_code == 200
    (report,) = reports()
    assert (report.kind, report.recipient, report.raw) == (ReportKind.HARD_BOUNCE, READER, body)
    assert report.mail_kind == "confirm_email"
    assert suppressions() == [(READER, SuppressionReason.BOUNCE)]


def test_a_temporary_mailgun_failure_is_kept_and_suppresses_nobody(client, envelope):
    to_mailgun(client, mailgun_call(mailgun_failure(envelope, "temporary")))

    assert [report.kind for report in reports()] == [ReportKind.SOFT_BOUNCE]
    assert suppressions() == []


def test_a_mailgun_complaint_stops_the_digest_only(client, envelope):
    to_mailgun(client, mailgun_call({"event": "complained", "recipient": READER}))

    assert suppressions() == [(READER, SuppressionReason.COMPLAINT)]
    assert is_suppressed(READER, "digest")
    assert not is_suppressed(READER, "reset_password")


def test_other_mailgun_events_are_kept_and_change_nothing(client, envelope):
    response = to_mailgun(client, mailgun_call({"event": "delivered", "recipient": READER}))

    assert response.status_code == 200
    assert [report.kind for report in reports()] == [ReportKind.UNRECOGNISED]
    assert suppressions() == []


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(lambda env: mailgun_call(mailgun_failure(env), key="not-the-key"), id="key"),
        pytest.param(
            lambda env: mailgun_call(mailgun_failure(env), timestamp=int(time.time()) - 3600),
            id="stale",
        ),
        pytest.param(lambda env: b'{"event-data": {"event": "failed"}}', id="unsigned"),
        pytest.param(lambda env: b"not json", id="junk"),
    ],
)
def test_a_mailgun_call_without_a_good_fresh_signature_is_refused(client, envelope, body):
    response = to_mailgun(client, body(envelope))

    assert response.status_code == 403
    assert reports() == []
    assert suppressions() == []


def test_a_replayed_mailgun_call_is_refused(client, envelope):
    body = mailgun_call(mailgun_failure(envelope, "temporary"))
    assert to_mailgun(client, body).status_code == 200

    assert to_mailgun(client, body).status_code == 403
    assert len(reports()) == 1


def test_a_postmark_hard_bounce_with_the_secret_in_the_address_suppresses(client, envelope):
    body = postmark_bounce()

    response = client.post(f"/mail/webhooks/postmark/{POSTMARK_SECRET}", data=body, headers=JSON)

    assert response.status_code == 200
    (report,) = reports()
    assert (report.kind, report.recipient, report.raw) == (ReportKind.HARD_BOUNCE, READER, body)
    assert suppressions() == [(READER, SuppressionReason.BOUNCE)]


def test_a_postmark_call_with_basic_auth_is_taken(client, envelope):
    login = base64.b64encode(f"postmark:{POSTMARK_SECRET}".encode()).decode()
    headers = {**JSON, "Authorization": f"Basic {login}"}

    client.post("/mail/webhooks/postmark", data=postmark_bounce("Transient"), headers=headers)
    client.post(
        "/mail/webhooks/postmark",
        data=postmark_bounce("SpamComplaint", "SpamComplaint"),
        headers=headers,
    )

    assert [report.kind for report in reports()] == [
        ReportKind.SOFT_BOUNCE,
        ReportKind.COMPLAINT,
    ]
    assert suppressions() == [(READER, SuppressionReason.COMPLAINT)]


def test_other_postmark_types_are_kept_and_change_nothing(client, envelope):
    client.post(
        f"/mail/webhooks/postmark/{POSTMARK_SECRET}",
        data=postmark_bounce("AutoResponder"),
        headers=JSON,
    )

    assert [report.kind for report in reports()] == [ReportKind.UNRECOGNISED]
    assert suppressions() == []


def test_a_postmark_call_without_the_secret_is_refused(client, envelope):
    wrong = base64.b64encode(b"postmark:guess").decode()
    calls = [
        ("/mail/webhooks/postmark/guess", JSON),
        ("/mail/webhooks/postmark", JSON),
        ("/mail/webhooks/postmark", {**JSON, "Authorization": f"Basic {wrong}"}),
    ]
    for path, headers in calls:
        assert client.post(path, data=postmark_bounce(), headers=headers).status_code == 403

    assert reports() == []
    assert suppressions() == []


def test_an_endpoint_whose_secret_is_not_set_does_not_exist(app, client, envelope):
    app.config["MAILGUN_WEBHOOK_SIGNING_KEY"] = None
    app.config["POSTMARK_WEBHOOK_SECRET"] = ""

    assert to_mailgun(client, mailgun_call(mailgun_failure(envelope))).status_code == 404
    response = client.post("/mail/webhooks/postmark/", data=postmark_bounce(), headers=JSON)
    assert response.status_code == 404
    assert client.post("/mail/webhooks/ses", data=b"{}", headers=JSON).status_code == 404
    assert reports() == []


@pytest.fixture
def app_config(app_config: dict) -> dict:
    return {**app_config, "RATELIMIT_ENABLED": True, "MAIL_WEBHOOK_LIMIT": "3 per minute"}


def test_the_webhooks_are_rate_limited(client, envelope):
    answers = [
        to_mailgun(client, mailgun_call({"event": "delivered"})).status_code for _ in range(4)
    ]

    assert answers == [200, 200, 200, 429]


def test_odd_fields_from_a_provider_are_kept_and_change_nothing(client, envelope):
    body = postmark_bounce().replace(READER.encode(), b"x" * 400 + b"@example.org")

    response = client.post(f"/mail/webhooks/postmark/{POSTMARK_SECRET}", data=body, headers=JSON)

    assert response.status_code == 200
    assert [(report.kind, report.recipient) for report in reports()] == [
        (ReportKind.HARD_BOUNCE, None)
    ]
    assert suppressions() == []

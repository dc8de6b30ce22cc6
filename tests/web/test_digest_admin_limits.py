"""The "Send it to me now" button is rate-limited: it cannot become a mail cannon."""

from datetime import timedelta

import pytest
from support.accounts import TEST_PASSWORD

from blogapp.dates import utcnow
from blogapp.digest.runs import run_digest


@pytest.fixture
def app_config(app_config):
    return {**app_config, "RATELIMIT_ENABLED": True}


def test_send_it_to_me_now_is_limited_per_editor(client, editor, make_post, mailbox):
    run_digest()
    make_post("Caseloads at breaking point", published_at=utcnow() - timedelta(minutes=5))
    client.login(editor.email, TEST_PASSWORD)
    token = client.csrf_token("/admin/digest")

    statuses = [
        client.post("/admin/digest/send-to-me", data={"csrf_token": token}).status_code
        for _ in range(11)
    ]

    assert statuses == [302] * 10 + [429]
    assert len(mailbox.to(editor.email)) == 10

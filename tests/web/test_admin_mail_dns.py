"""The DNS check on /admin/mail, against a real DNS server on 127.0.0.1: what is missing in
plain words, a published DKIM key that is not the blog's, and DNS out of reach answered
calmly; only the button asks DNS."""

from pathlib import Path

import pytest
from support.accounts import TEST_PASSWORD
from support.dns_server import dns_server, silent_dns

from blogapp.mail.dkim_keys import dns_record, write_new_key

DOMAIN = "blog.example"
SELECTOR = "blog2026"
SPF = "v=spf1 mx -all"
DMARC = "v=DMARC1; p=quarantine; rua=mailto:postmaster@blog.example"


@pytest.fixture
def editor_client(app, editor):
    app.config["DNS_CHECK_SECONDS"] = 5  # the local server answers at once, even on a busy box
    client = app.test_client()
    client.login(editor.email, TEST_PASSWORD)
    return client


@pytest.fixture
def signing_key(app, tmp_path: Path):
    app.config["MAIL_DEFAULT_SENDER"] = f"On Probation <noreply@{DOMAIN}>"
    key_file = tmp_path / "dkim.pem"
    key = write_new_key(key_file)
    app.config.update(DKIM_PRIVATE_KEY_FILE=str(key_file), DKIM_SELECTOR=SELECTOR)
    return key


def check(app, client, address: str) -> str:
    app.config["DNS_RESOLVER_ADDRESS"] = address
    response = client.submit("/admin/mail/dns-check", page="/admin/mail")
    assert response.status_code == 200
    return response.text


def test_everything_published_and_the_key_matches(app, editor_client, signing_key):
    records = {
        DOMAIN: [SPF, "google-site-verification=abc"],
        f"{SELECTOR}._domainkey.{DOMAIN}": [dns_record(signing_key)],
        f"_dmarc.{DOMAIN}": [DMARC],
    }
    with dns_server(records) as server:
        page = check(app, editor_client, server.address)
    assert page.count(": fine.") == 3
    assert "needs attention" not in page
    assert "matches the key the blog signs with" in page
    assert "policy: quarantine" in page


def test_what_is_missing_is_said_in_plain_words(app, editor_client, signing_key):
    with dns_server({}) as server:
        page = check(app, editor_client, server.address)
    assert f"No SPF record at {DOMAIN}" in page
    assert f"No DKIM key is published at {SELECTOR}._domainkey.{DOMAIN}" in page
    assert f"No DMARC record at _dmarc.{DOMAIN}" in page
    assert page.count("needs attention") == 3


def test_a_published_key_that_is_not_the_blogs_is_named(app, editor_client, signing_key, tmp_path):
    other_key = write_new_key(tmp_path / "other.pem")
    records = {
        f"{SELECTOR}._domainkey.{DOMAIN}": [dns_record(other_key)],
        DOMAIN: [SPF, "v=spf1 include:mail.example.net ~all"],
    }
    with dns_server(records) as server:
        page = check(app, editor_client, server.address)
    assert "does not match the blog&#39;s private key" in page
    assert "has 2 SPF records" in page


def test_without_dkim_set_up_the_check_says_how(app, editor_client):
    app.config["MAIL_DEFAULT_SENDER"] = f"On Probation <noreply@{DOMAIN}>"
    with dns_server({DOMAIN: [SPF], f"_dmarc.{DOMAIN}": [DMARC]}) as server:
        page = check(app, editor_client, server.address)
    assert "The blog does not sign its mail" in page
    assert "flask mail dkim-key" in page


def test_dns_out_of_reach_is_said_and_nothing_fails(app, editor_client, signing_key):
    app.config["DNS_CHECK_SECONDS"] = 0.3
    with silent_dns() as address:
        page = check(app, editor_client, address)
    assert "DNS could not be reached" in page
    assert "nothing could be checked" in page
    assert "needs attention" not in page


def test_loading_the_page_asks_dns_nothing(app, editor_client, signing_key):
    with dns_server({DOMAIN: [SPF]}) as server:
        app.config["DNS_RESOLVER_ADDRESS"] = server.address
        assert editor_client.get("/admin/mail").status_code == 200
        assert server.asked == []
        check(app, editor_client, server.address)
        assert server.asked[0] == DOMAIN

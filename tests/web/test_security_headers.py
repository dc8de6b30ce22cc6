"""Every response carries the security headers; HSTS and secure cookies only over https."""

import pytest
from support.accounts import TEST_PASSWORD

from blogapp import create_app
from blogapp.extensions import db


@pytest.mark.parametrize("url", ["/", "/no-such-page", "/feeds/posts.atom", "/healthz"])
def test_every_response_has_the_security_headers(client, url):
    headers = client.get(url).headers

    policy = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in headers


def test_no_page_has_inline_script_or_style(client, make_post, editor):
    make_post("A post", labels=["Napo"])
    client.login("editor@example.org", TEST_PASSWORD)

    for url in ("/", "/label/napo", "/auth/login", "/admin/", "/admin/posts/new", "/search?q=a"):
        page = client.get(url).text
        assert "<script" not in page, url
        assert " style=" not in page, url
        assert "<style" not in page, url


def test_https_sites_send_hsts_and_secure_cookies(app_config):
    secure = create_app({**app_config, "SITE_URL": "https://blog.example"})

    response = secure.test_client().get("/auth/login")
    with secure.app_context():
        db.engine.dispose()

    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_behind_a_trusted_proxy_the_visitors_address_counts(app_config):
    proxied = create_app({**app_config, "TRUSTED_PROXIES": 1})

    @proxied.get("/whoami-test")
    def whoami() -> str:
        from flask import request

        return request.remote_addr

    response = proxied.test_client().get(
        "/whoami-test", headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    )

    assert response.text == "203.0.113.9"

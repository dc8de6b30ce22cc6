"""In Chromium: images come from this site only, and "Log out everywhere" logs out."""

import io
from collections.abc import Iterator

import pytest
from PIL import Image
from support.accounts import TEST_PASSWORD
from support.feed_server import FeedServer, feed_server, self_signed_certificate, tls_context
from support.feeds import rss, rss_item

from blogapp.bulletins.ingest import poll_all_feeds
from blogapp.bulletins.operations import add_feed
from blogapp.remote_images import copy_remote_images

pytestmark = pytest.mark.browser


@pytest.fixture
def image_server(app) -> Iterator[FeedServer]:
    with feed_server() as running:
        yield running


def png(width: int = 5, height: int = 4) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (0, 90, 160)).save(buffer, "PNG")
    return buffer.getvalue()


def requests_seen(page) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    return seen


def test_a_bulletins_copied_image_shows_and_its_origin_is_never_asked(page, image_server):
    picture = image_server.serve("/pixel.png", png(), content_type="image/png")
    body = f'<p>Ballot open.</p><img src="{picture}" alt="Ballot paper">'
    feed = rss(rss_item("Ballot", "1", description=body))
    add_feed("Napo", image_server.serve("/napo.rss", feed))
    poll_all_feeds()
    asked_before = len(image_server.requests)
    seen = requests_seen(page)

    page.goto("/bulletins/")
    page.get_by_role("link", name="Ballot").first.click()

    image = page.get_by_role("img", name="Ballot paper")
    assert image.evaluate("img => img.complete && img.naturalWidth") == 5
    assert not [url for url in seen if url.startswith(image_server.address)]
    assert len(image_server.requests) == asked_before


@pytest.fixture
def https_image_server(app, tmp_path, monkeypatch) -> Iterator[FeedServer]:
    """An image server over https, trusted by the blog's fetcher (browsers are told to
    accept its certificate, so only the page's policy can stop them)."""
    certificate, key = self_signed_certificate("images.example", tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate))
    with feed_server(tls=tls_context(certificate, key)) as running:
        yield running


def test_a_posts_remote_image_is_blocked_until_it_is_copied(
    browser, live_server, https_image_server, make_post
):
    chart = https_image_server.serve("/chart.png", png(8, 6), content_type="image/png")
    post = make_post("Caseloads", body=f"![Caseload chart]({chart})")
    address = f"/{post.published_year}/{post.published_month:02d}/{post.slug}"
    context = browser.new_context(base_url=live_server, ignore_https_errors=True)
    page = context.new_page()

    page.goto(address)
    image = page.get_by_role("img", name="Caseload chart")
    assert image.evaluate("img => img.naturalWidth") == 0
    assert https_image_server.requests_to("/chart.png") == []

    copy_remote_images()
    page.goto(address)

    assert image.evaluate("img => img.complete && img.naturalWidth") == 8
    context.close()


def test_log_out_everywhere_from_the_account_page(page, browser, live_server, make_user):
    make_user(email="reader@example.org")
    other = browser.new_context(base_url=live_server)
    for tab in (page, other.new_page()):
        tab.goto("/auth/login")
        tab.get_by_label("Email address").fill("reader@example.org")
        tab.get_by_label("Password").fill(TEST_PASSWORD)
        tab.get_by_role("button", name="Log in").click()
        tab.get_by_role("button", name="Log out", exact=True).wait_for()

    page.goto("/account")
    page.get_by_role("button", name="Log out everywhere").click()

    assert "You are logged out on every computer" in page.locator(".flashes").inner_text()
    second = other.pages[0]
    second.goto("/account")
    assert second.url.startswith(f"{live_server}/auth/login")
    other.close()

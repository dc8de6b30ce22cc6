"""Rewriting the images of sanitised HTML: remote ones copied here or told in words."""

import io
from collections.abc import Iterator

import pytest
from PIL import Image
from support.feed_server import FeedServer, feed_server

from blogapp import remote_images
from blogapp.bulletins.fetching import FetchLimits
from blogapp.remote_images import ImageCopier, localise_images
from blogapp.text import sanitise_post_html

LIMITS = FetchLimits(user_agent="test", timeout=2, max_bytes=10_000, allow_private=True)
PUBLIC_ONLY = FetchLimits(user_agent="test", timeout=2, max_bytes=10_000)


def png(shade: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), (shade, 0, 0)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def server(app) -> Iterator[FeedServer]:
    with feed_server() as running:
        yield running


def test_images_on_this_site_are_left_as_they_are(app):
    html = sanitise_post_html('<img src="/uploads/2016/09/a.png" alt="A"><img src="b.png">')

    assert localise_images(html, ImageCopier(LIMITS)) == html


def test_an_address_inside_the_servers_network_is_not_fetched(app, server):
    url = server.serve("/inside.png", png(1), content_type="image/png")
    html = sanitise_post_html(f'<p><img src="{url}" alt="Say &quot;hi&quot; &amp; <go>"></p>')

    localised = localise_images(html, ImageCopier(PUBLIC_ONLY))

    assert localised == "<p>Say &#34;hi&#34; &amp; &lt;go&gt;</p>"
    assert server.requests == []


def test_past_the_most_images_a_body_may_fetch_the_rest_are_words(app, server, monkeypatch):
    monkeypatch.setattr(remote_images, "MAX_IMAGES_PER_BODY", 2)
    urls = [server.serve(f"/{n}.png", png(n), content_type="image/png") for n in range(3)]
    html = sanitise_post_html("".join(f'<img src="{url}" alt="Image {n}">' for n, url in
                                      enumerate([*urls, urls[0]])))  # fmt: skip

    localised = localise_images(html, ImageCopier(LIMITS))

    assert localised.count('src="/uploads/remote/') == 3  # the first one twice
    assert 'alt="Image 2"' not in localised
    assert '">Image 2<img src="/uploads/remote/' in localised
    assert server.requests_to("/2.png") == []

"""Images in union feeds are copied here when a bulletin is stored: a hostile feed's tracker
is never loaded by readers, and the policy lets browsers load images from this site only."""

import io
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select, update
from support.feed_server import FeedServer, feed_server
from support.feeds import rss, rss_item

from blogapp.bulletins.ingest import poll_all_feeds
from blogapp.bulletins.operations import add_feed
from blogapp.extensions import db
from blogapp.models import Bulletin, BulletinFeed

COPIED_SRC = re.compile(r'<img [^>]*src="(/uploads/remote/[0-9a-f]{2}/[0-9a-f]{64}\.(?:png|gif))"')


def image_bytes(image_format: str = "PNG", size: tuple[int, int] = (3, 2)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, image_format)
    return buffer.getvalue()


@pytest.fixture
def app_config(app_config: dict) -> dict:
    return {**app_config, "BULLETIN_FETCH_TIMEOUT": 2, "REMOTE_IMAGE_MAX_BYTES": 20_000}


@pytest.fixture
def server(app) -> Iterator[FeedServer]:
    with feed_server() as running:
        yield running


def poll_one_item(server: FeedServer, body: str) -> Bulletin:
    """Serve a feed with one item of ``body``, poll it, and return the stored bulletin."""
    add_feed("Napo", server.serve("/napo.rss", rss(rss_item("Pay", guid="1", description=body))))
    poll_all_feeds()
    db.session.expire_all()
    return db.session.scalars(select(Bulletin)).one()


def page_of(client, bulletin: Bulletin) -> str:
    return client.get(f"/bulletins/{bulletin.id}-{bulletin.slug}").text


def test_a_feeds_images_are_copied_and_served_from_here(app, client, server):
    picture = image_bytes("GIF")
    tracker = server.serve("/open.gif?reader=42", picture, content_type="image/gif")

    bulletin = poll_one_item(server, f'<p>Vote now<img src="{tracker}" alt="Napo logo"></p>')

    page = page_of(client, bulletin)
    (local,) = COPIED_SRC.findall(page)
    assert 'alt="Napo logo"' in page
    assert server.address not in page
    assert len(server.requests_to("/open.gif?reader=42")) == 1
    with client.get(local) as served:
        assert served.status_code == 200
        assert served.data == picture
        assert served.headers["Content-Type"] == "image/gif"
        assert served.headers["X-Content-Type-Options"] == "nosniff"


def test_the_same_picture_is_stored_once(app, client, server):
    logo = server.serve("/logo.png", image_bytes(), content_type="image/png")
    again = server.serve("/logo-again.png", image_bytes(), content_type="image/png")

    bulletin = poll_one_item(server, f'<img src="{logo}"><img src="{again}">')

    first, second = COPIED_SRC.findall(page_of(client, bulletin))
    assert first == second
    copies = list((Path(app.config["UPLOAD_FOLDER"]) / "remote").rglob("*.png"))
    assert len(copies) == 1


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"<html><script>steal()</script></html>", "image/png"),  # not an image at all
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>steal()</script></svg>',
         "image/svg+xml"),
        (image_bytes("PNG", (300, 300)) + b"\0" * 30_000, "image/png"),  # over the limit
    ],
    ids=["html", "svg", "too-large"],
)  # fmt: skip
def test_an_image_that_cannot_be_copied_becomes_its_alt_text(
    app, client, server, body, content_type
):
    bad = server.serve("/bad.png", body, content_type=content_type)

    bulletin = poll_one_item(server, f'<p>Before <img src="{bad}" alt="Strike <dates>"> after</p>')

    page = page_of(client, bulletin)
    assert "<p>Before Strike &lt;dates&gt; after</p>" in page
    assert "<img" not in bulletin.body_html
    assert "steal()" not in page
    assert not (Path(app.config["UPLOAD_FOLDER"]) / "remote").exists()


def test_a_missing_image_and_a_protocol_relative_one_leave_no_remote_address(client, server):
    missing = server.url("/gone.png")
    relative = server.url("/pixel.gif").removeprefix("http:")

    bulletin = poll_one_item(server, f'<img src="{missing}" alt="Chart"><img src="{relative}">')

    assert bulletin.body_html.strip() == "Chart"
    assert server.address.removeprefix("http:") not in page_of(client, bulletin)


def test_images_are_allowed_from_this_site_only(client):
    policy = client.get("/").headers["Content-Security-Policy"]

    assert "img-src 'self';" in policy
    assert "https:" not in policy
    assert "data:" not in policy


def wait_until(condition, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def test_no_lock_is_held_while_a_feeds_images_download(app, server):
    slow = server.serve("/slow.png", image_bytes(), content_type="image/png", delay=1)
    feed = rss(rss_item("Pay", guid="1", description=f'<img src="{slow}" alt="Slow">'))
    feed_id = add_feed("Napo", server.serve("/napo.rss", feed)).id

    def poll_in_the_background() -> None:
        with app.app_context():
            poll_all_feeds()

    poller = threading.Thread(target=poll_in_the_background)
    poller.start()
    try:
        assert wait_until(lambda: server.requests_to("/slow.png")), "the image was not fetched"
        with db.engine.connect() as other:
            if other.dialect.name == "sqlite":
                other.exec_driver_sql("PRAGMA busy_timeout = 300")
            else:
                other.exec_driver_sql("SET lock_timeout = '300ms'")
            renamed = update(BulletinFeed).where(BulletinFeed.id == feed_id).values(name="Napo")
            other.execute(renamed)
            other.commit()
    finally:
        poller.join()

    db.session.expire_all()
    assert COPIED_SRC.search(db.session.scalars(select(Bulletin)).one().body_html)

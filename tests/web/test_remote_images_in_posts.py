"""Posts written or imported with images on other sites: the images are copied here in the
background (``flask copy-remote-images`` or the scheduler), as pages may only load images
from this site."""

import io
import re
from collections.abc import Iterator

import pytest
from PIL import Image
from support.exports import CLASSIC_HEAD, classic_post, write_export
from support.feed_server import FeedServer, feed_server

from blogapp.bulletins.operations import BulletinFields, create_bulletin
from blogapp.extensions import db
from blogapp.importers.operations import import_blogger_export
from blogapp.models import Bulletin, Post
from blogapp.scheduler import scheduled_jobs

COPIED_SRC = re.compile(r'src="(/uploads/remote/[0-9a-f]{2}/[0-9a-f]{64}\.png)"')


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (10, 120, 30)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def server(app) -> Iterator[FeedServer]:
    with feed_server() as running:
        yield running


def fresh(model, row_id: int):
    db.session.expire_all()
    return db.session.get(model, row_id)


def post_page(client, post: Post) -> str:
    return client.get(f"/{post.published_year}/{post.published_month:02d}/{post.slug}").text


def copy_images(runner) -> str:
    result = runner.invoke(args=["copy-remote-images"])
    assert result.exit_code == 0, result.output
    return result.output


def test_an_editors_remote_image_is_copied_here_and_the_source_follows(
    client, runner, server, make_post
):
    chart = server.serve("/chart.png", png(), content_type="image/png")
    post = make_post("Caseloads", body=f"Look:\n\n![Caseload chart]({chart})\n\nBad.")

    output = copy_images(runner)

    assert "Copied the remote images of 1 posts and bulletins." in output
    page = post_page(client, fresh(Post, post.id))
    (local,) = COPIED_SRC.findall(page)
    assert server.address not in page
    assert 'alt="Caseload chart"' in page
    assert fresh(Post, post.id).body_source == f"Look:\n\n![Caseload chart]({local})\n\nBad."
    with client.get(local) as served:
        assert served.data == png()
    assert "of 0 posts" in copy_images(runner)
    assert len(server.requests_to("/chart.png")) == 1


def test_an_imported_posts_remote_images_are_copied_here(app, client, runner, server, tmp_path):
    photo = server.serve("/photo.png", png(), content_type="image/png")
    body = f"<p>Outside the office.</p><img src='{photo}' alt='Members'>"
    export = write_export(
        tmp_path / "blog.xml",
        CLASSIC_HEAD,
        [classic_post(100, "Picket", body, "2016-09-24T22:30:00.000+01:00", path="/p.html")],
    )
    import_blogger_export(export)
    post = db.session.scalars(db.select(Post)).one()
    assert photo in post.body_html  # not fetched during the import
    updated = post.updated_at

    copy_images(runner)

    post = fresh(Post, post.id)
    assert post.updated_at == updated  # as Blogger had it: the words did not change
    page = post_page(client, post)
    assert len(COPIED_SRC.findall(page)) == 1
    assert server.address not in page
    assert server.address not in post.body_source


def test_an_image_that_cannot_be_copied_shows_its_alt_text_and_the_source_keeps_it(
    client, runner, server, make_post
):
    gone = server.url("/gone.png")
    post = make_post("Pay", body=f"Before ![Pay table]({gone}) after")

    copy_images(runner)

    post = fresh(Post, post.id)
    assert "<p>Before Pay table after</p>" in post_page(client, post)
    assert gone in post.body_source  # saving the post again tries once more


def test_an_editors_bulletin_has_its_images_copied_too(runner, server):
    logo = server.serve("/logo.png", png(), content_type="image/png")
    bulletin = create_bulletin(BulletinFields("Napo", "Ballot", f'<p>Vote</p><img src="{logo}">'))

    copy_images(runner)

    assert COPIED_SRC.search(fresh(Bulletin, bulletin.id).body_html)


def test_the_scheduler_copies_remote_images_every_ten_minutes(app):
    jobs = {job.id: job for job in scheduled_jobs()}

    assert jobs["remote-images"].trigger().interval.total_seconds() == 600
    assert jobs["remote-images"].run_at_start

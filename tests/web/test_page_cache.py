"""The shared page cache for anonymous readers, its invalidation, and HTTP revalidation."""

import gzip
import os
import re
import time
from datetime import timedelta

import pytest
from redis import Redis
from sqlalchemy import select
from support.accounts import TEST_PASSWORD
from support.comments import comment, path_of
from support.services import skip_or_fail
from support.smtp import free_port

from blogapp import create_app
from blogapp.blog.operations import PostFields, update_post
from blogapp.caching.keys import code_version_of
from blogapp.dates import utcnow
from blogapp.extensions import db
from blogapp.models import Comment, PostStatus


def test_a_second_anonymous_visit_is_served_without_touching_the_database(
    client, make_post, count_queries
):
    make_post("Cached post")
    first = client.get("/")

    with count_queries() as statements:
        second = client.get("/")

    assert statements == []
    assert second.status_code == 200
    assert second.data == first.data
    assert second.headers["Cache-Control"] == "public, no-cache"
    assert "Cookie" in second.headers["Vary"]
    assert second.headers["ETag"] == first.headers["ETag"]


def test_a_reader_who_has_the_page_gets_304_without_rendering(client, make_post, count_queries):
    make_post("Cached post")
    etag = client.get("/").headers["ETag"]

    with count_queries() as statements:
        response = client.get("/", headers={"If-None-Match": etag})

    assert response.status_code == 304
    assert response.data == b""
    assert statements == []


def test_last_modified_answers_if_modified_since(client, make_post):
    make_post("Cached post")
    last_modified = client.get("/").headers["Last-Modified"]

    response = client.get("/", headers={"If-Modified-Since": last_modified})

    assert response.status_code == 304


def test_a_new_post_shows_at_once(client, make_post):
    make_post("First post")
    assert "Second post" not in client.get("/").text

    make_post("Second post")

    assert "Second post" in client.get("/").text


def test_a_scheduled_post_appears_at_its_time_without_any_write(client, make_post):
    make_post("Already out")
    make_post(
        "Due in a moment",
        status=PostStatus.SCHEDULED,
        published_at=utcnow() + timedelta(seconds=1),
    )
    assert "Due in a moment" not in client.get("/").text

    time.sleep(1.2)

    assert "Due in a moment" in client.get("/").text


def test_logged_in_readers_always_get_a_fresh_private_page(client, make_post, editor):
    make_post("A post")
    client.get("/")
    client.login("editor@example.org", TEST_PASSWORD)

    response = client.get("/")

    assert "Log out" in response.text
    assert response.headers["Cache-Control"] == "private, no-cache"


def test_a_flashed_message_is_neither_served_from_nor_kept_in_the_cache(client, make_post, editor):
    make_post("A post")
    client.get("/")
    client.login("editor@example.org", TEST_PASSWORD)

    client.logout()
    with_message = client.get("/")
    after = client.get("/")

    assert "You have logged out." in with_message.text
    assert "You have logged out." not in after.text


def test_a_change_made_by_another_worker_shows_at_once(app, app_config, client, make_post):
    make_post("Seen by both workers")
    assert "Written elsewhere" not in client.get("/").text
    other_worker = create_app(app_config)

    with other_worker.app_context():
        from blogapp.blog.operations import PostFields, create_post

        create_post(PostFields("Written elsewhere", "Body."), None, PostStatus.PUBLISHED, utcnow())
        db.session.remove()
        db.engine.dispose()

    assert "Written elsewhere" in client.get("/").text


def test_the_cache_can_be_switched_off(app, client, make_post, count_queries):
    app.config["PAGE_CACHE_ENABLED"] = False
    make_post("A post")
    client.get("/")

    with count_queries() as statements:
        response = client.get("/")

    assert statements
    assert response.headers["Cache-Control"] == "private, no-cache"


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        skip_or_fail("Redis tests need TEST_REDIS_URL")
    Redis.from_url(url).flushdb()
    return url


def test_workers_share_pages_and_changes_through_redis(app_config, redis_url, make_user):
    config = {**app_config, "CACHE_REDIS_URL": redis_url}
    reader_worker, writer_worker = create_app(config), create_app(config)
    with writer_worker.app_context():
        from blogapp.blog.operations import PostFields, create_post

        create_post(PostFields("Before", "Body."), None, PostStatus.PUBLISHED, utcnow())
        reader = reader_worker.test_client()
        assert "Before" in reader.get("/").text
        assert reader.get("/").headers["ETag"]
        create_post(PostFields("After", "Body."), None, PostStatus.PUBLISHED, utcnow())
        page = reader.get("/").text
        db.session.remove()
        db.engine.dispose()
    with reader_worker.app_context():
        db.engine.dispose()

    assert "After" in page


def test_a_new_comment_shows_at_once_to_its_author_and_within_seconds_to_everyone(
    app, app_config, make_post, make_user
):
    app.config["COMMENT_CACHE_SECONDS"] = 1
    post = make_post("Busy thread")
    make_user(email="writer@example.org")
    visitor, writer = app.test_client(), app.test_client()
    assert "No comments yet." in visitor.get(path_of(post)).text
    writer.login("writer@example.org", TEST_PASSWORD)

    comment(writer, post, "First!")

    assert "First!" in writer.get(path_of(post)).text
    assert "First!" not in visitor.get(path_of(post)).text
    time.sleep(1.1)
    assert "First!" in visitor.get(path_of(post)).text


def test_a_removed_comment_disappears_for_everyone_at_once(app, make_post, make_user):
    post = make_post("Busy thread")
    make_user(email="writer@example.org")
    visitor, writer = app.test_client(), app.test_client()
    writer.login("writer@example.org", TEST_PASSWORD)
    comment(writer, post, "Something I regret")
    app.config["COMMENT_CACHE_SECONDS"] = 60
    db.session.expire_all()
    written = db.session.scalars(select(Comment).where(Comment.post_id == post.id)).one()
    assert "Something I regret" in visitor.get(path_of(post)).text

    writer.submit(f"/comments/{written.id}/remove", page=path_of(post))

    page = visitor.get(path_of(post)).text
    assert "Something I regret" not in page
    assert "This comment has been removed by the author." in page


def test_pages_are_served_when_the_shared_cache_is_down(app_config, make_post, make_user):
    config = {**app_config, "CACHE_REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"}
    unreachable = create_app(config)
    with unreachable.app_context():
        from blogapp.blog.operations import PostFields, create_post

        post = create_post(PostFields("Still here", "Body."), None, PostStatus.PUBLISHED, utcnow())
        make_user(email="writer@example.org")
        client = unreachable.test_client()
        home = client.get("/")
        page = client.get(path_of(post))
        db.session.remove()
        db.engine.dispose()

    assert home.status_code == 200
    assert "Still here" in home.text
    assert page.status_code == 200


def test_after_an_upgrade_no_page_rendered_by_the_old_code_is_served(app_config, make_post):
    make_post("A post")
    served = {}
    for release, title in (("old", "Old title"), ("old", "New title"), ("new", "New title")):
        config = {**app_config, "BLOG_TITLE": title, "CACHE_CODE_VERSION": release}
        upgraded = create_app(config)
        served[release, title] = upgraded.test_client().get("/").text
        with upgraded.app_context():
            db.engine.dispose()

    assert "Old title" in served["old", "Old title"]
    assert "Old title" in served["old", "New title"]
    assert "New title" in served["new", "New title"]


def test_pages_are_kept_under_the_code_fingerprint(app):
    assert app.config["CACHE_CODE_VERSION"] == code_version_of(app)
    assert re.fullmatch(r"[0-9a-f]{12}", app.config["CACHE_CODE_VERSION"])


def test_browsers_get_the_cached_page_compressed(client, make_post):
    make_post("Compressed post")
    plain = client.get("/")

    compressed = client.get("/", headers={"Accept-Encoding": "gzip, deflate, br"})

    assert compressed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(compressed.data) == plain.data
    assert compressed.headers["ETag"] != plain.headers["ETag"]
    assert "Accept-Encoding" in compressed.headers["Vary"]
    assert int(compressed.headers["Content-Length"]) == len(compressed.data)
    again = client.get(
        "/", headers={"Accept-Encoding": "gzip", "If-None-Match": compressed.headers["ETag"]}
    )
    assert again.status_code == 304


def test_made_up_query_arguments_are_not_kept_in_the_cache(client, make_post, count_queries):
    make_post("A post")
    client.get("/")

    with count_queries() as statements:
        response = client.get("/?utm_source=x")

    assert response.status_code == 301
    assert response.headers["Location"] == "/"
    assert statements == []


NEIGHBOUR_LOOKUP = re.compile(r"posts\.series_number [<>]|\(posts\.published_at, posts\.id\) [<>]")


def test_a_post_page_looks_up_its_neighbours_once_per_change(
    client, make_post, editor, count_queries
):
    posts = [
        make_post(f"Latest From Napo {number}", series="Latest From Napo", number=number)
        for number in (1, 2, 3)
    ]
    middle = path_of(posts[1])
    client.login("editor@example.org", TEST_PASSWORD)

    with count_queries() as first_view:
        client.get(middle)
    with count_queries() as second_view:
        page = client.get(middle).text

    assert len([s for s in first_view if NEIGHBOUR_LOOKUP.search(s)]) == 4
    assert [s for s in second_view if NEIGHBOUR_LOOKUP.search(s)] == []
    assert "Next in Latest From Napo: Latest From Napo 3" in page


def test_a_new_neighbouring_post_shows_at_once_to_a_logged_in_reader(client, make_post, editor):
    older = path_of(make_post("The older post", published_at=utcnow() - timedelta(days=2)))
    client.login("editor@example.org", TEST_PASSWORD)
    assert "Newer post" not in client.get(older).text

    make_post("The newer post", published_at=utcnow() - timedelta(days=1))

    assert "The newer post" in client.get(older).text


def summary_loads(statements: list[str]) -> list[str]:
    return [statement for statement in statements if "posts.body_html" in statement]


def test_a_listing_renders_each_post_summary_once_per_change(
    client, make_post, editor, count_queries
):
    make_post("The first summary", labels=["Napo"])
    make_post("The second summary")
    client.login("editor@example.org", TEST_PASSWORD)

    with count_queries() as first_view:
        client.get("/")
    with count_queries() as second_view:
        page = client.get("/").text

    assert len(summary_loads(first_view)) == 1
    assert summary_loads(second_view) == []
    assert "The first summary" in page
    assert "The second summary" in page
    assert 'rel="tag">Napo</a>' in page


def test_an_edited_post_shows_its_new_summary_on_every_listing_at_once(client, make_post, editor):
    post = make_post("Before the edit", labels=["Napo"])
    client.login("editor@example.org", TEST_PASSWORD)
    for listing in ("/", "/label/napo", f"/{post.published_year}/"):
        assert "Before the edit" in client.get(listing).text

    fields = PostFields("After the edit", "A new body.", labels=["Napo"])
    update_post(post, fields, PostStatus.PUBLISHED)

    for listing in ("/", "/label/napo", f"/{post.published_year}/"):
        page = client.get(listing).text
        assert "After the edit" in page, listing
        assert "Before the edit" not in page, listing


def test_feed_entries_are_made_once_per_change(app, client, make_post, count_queries):
    app.config["PAGE_CACHE_ENABLED"] = False
    post = make_post("Fed once", labels=["Napo"])
    client.get("/feeds/posts.atom")

    with count_queries() as second_fetch:
        client.get("/feeds/posts.atom")
    update_post(post, PostFields("Fed again", "Edited.", labels=["Napo"]), PostStatus.PUBLISHED)
    feed = client.get("/feeds/posts.atom").text

    assert summary_loads(second_fetch) == []
    assert "<title>Fed again</title>" in feed
    assert "Fed once" not in feed

"""Pages (About, Comment policy): written like posts, read at /p/<slug>, listed in the
navigation, kept out of the listings, archives, feeds and digest; imported from Blogger."""

from datetime import timedelta

import pytest
from sqlalchemy import select
from support.accounts import TEST_PASSWORD
from support.exports import CLASSIC_HEAD, TAIL, classic_comment, classic_page, classic_post

from blogapp.blog.operations import PostFields, create_post
from blogapp.comments.operations import post_comment
from blogapp.dates import utcnow
from blogapp.digest.content import content_for_window
from blogapp.extensions import db
from blogapp.importers.operations import import_blogger_export
from blogapp.models import Post, PostKind, PostStatus


def main_content(page: str) -> str:
    """The page without its navigation and sidebar (where pages are listed)."""
    return page[page.index("<main") : page.index("</main>")]


@pytest.fixture
def make_page(app, editor):
    def make(title: str, body: str = "What this blog is for.", order: int = 0, **options) -> Post:
        fields = PostFields(title=title, body_source=body, nav_order=order)
        status = options.get("status", PostStatus.PUBLISHED)
        when = None if status == PostStatus.DRAFT else utcnow() - timedelta(minutes=5)
        return create_post(fields, editor, status, when, PostKind.PAGE)

    return make


def test_an_editor_writes_a_page_that_readers_find_in_the_navigation(client, editor):
    client.login(editor.email, TEST_PASSWORD)
    form = client.get("/admin/pages/new")
    assert "New page" in form.text
    assert "Place in the list of pages" in form.text
    assert 'name="labels"' not in form.text
    saved = client.submit(
        "/admin/pages/new",
        {"title": "About this blog", "body": "Who we are.", "nav_order": "1", "action": "publish"},
        page="/admin/pages/new",
    )
    assert saved.status_code == 302
    client.logout()

    page = client.get("/p/about-this-blog")
    assert page.status_code == 200
    assert "Who we are." in page.text
    assert 'class="date-header"' not in page.text
    assert 'href="/p/about-this-blog">About this blog</a>' in client.get("/").text


def test_pages_are_listed_in_the_order_editors_give(client, make_page):
    make_page("Contact", order=2)
    make_page("About", order=1)
    make_page("Comment policy", order=2)
    home = client.get("/").text
    positions = [home.index(f">{title}</a>") for title in ("About", "Comment policy", "Contact")]
    assert positions == sorted(positions)


def test_a_page_stays_out_of_listings_archives_feeds_and_the_digest(client, make_page, make_post):
    make_page("Comment policy", body="Be kind to each other.")
    post = make_post("A real post")
    home = main_content(client.get("/").text)
    assert "A real post" in home
    assert "Comment policy" not in home
    assert "Comment policy" not in main_content(client.get(f"/{post.published_year}/").text)
    assert "Comment policy" not in client.get("/feeds/posts.atom").text
    window = content_for_window(utcnow() - timedelta(days=1), utcnow())
    assert [item.title for item in window.posts] == [post.title]


def test_a_page_is_in_search_and_the_sitemap(client, make_page):
    make_page("Comment policy", body="Moderation happens daily.")
    assert "/p/comment-policy</loc>" in client.get("/sitemap.xml").text
    results = client.get("/search?q=moderation").text
    assert "Comment policy" in results


def test_a_page_at_a_dated_address_is_sent_to_its_own(client, make_page):
    page = make_page("About")
    response = client.get(f"/{page.published_year}/{page.published_month:02d}/{page.slug}")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/p/about")


def test_drafts_and_unknown_pages_are_not_found(client, make_page):
    make_page("Secret plans", status=PostStatus.DRAFT)
    assert client.get("/p/secret-plans").status_code == 404
    missing = client.get("/p/nothing-here")
    assert missing.status_code == 404
    assert "<html" in missing.text


def test_readers_comment_on_a_page_in_the_same_threads(client, make_page, make_user):
    page = make_page("Comment policy")
    reader = make_user("reader@example.org", "Rita Reader")
    post_comment(page, reader, "Clear and fair.", False)
    assert "Clear and fair." in client.get("/p/comment-policy").text


def test_page_slugs_never_collide(make_page):
    first, second = make_page("About"), make_page("About")
    assert {first.slug, second.slug} == {"about", "about-2"}


def test_the_blogger_import_brings_pages_with_their_comments_and_old_addresses(
    app, client, tmp_path
):
    export = tmp_path / "blog.xml"
    export.write_text(
        CLASSIC_HEAD
        + classic_post(101, "A post", "A body.", "2016-09-24T21:00:00.000+01:00", "/2016/09/a.html")
        + classic_page(102, "About", "/p/about.html")
        + classic_comment(211, 102, "On the page.", "2016-10-02T11:00:00.000+01:00")
        + TAIL
    )
    summary = import_blogger_export(export)
    assert summary.pages == 1
    assert summary.posts == 1
    page = db.session.scalar(select(Post).where(Post.kind == PostKind.PAGE))
    assert page.slug == "about"
    old = client.get("/p/about.html")
    assert old.status_code == 301
    assert old.headers["Location"].endswith("/p/about")
    assert "On the page." in client.get("/p/about").text
    assert "About" not in client.get("/feeds/posts.atom").text

    again = import_blogger_export(export)
    assert again.pages == 0
    assert again.posts_already_there == 2


def test_pages_imported_from_blogger_follow_the_pages_already_there(app, make_page, tmp_path):
    make_page("Our rules", order=4)
    export = tmp_path / "blog.xml"
    export.write_text(
        CLASSIC_HEAD
        + classic_page(102, "Contact", "/p/contact.html")
        + classic_page(103, "About", "/p/about.html")
        + TAIL
    )
    import_blogger_export(export)
    pages = select(Post.title, Post.nav_order).where(Post.kind == PostKind.PAGE)
    orders = dict(db.session.execute(pages).all())
    assert orders == {"Our rules": 4, "Contact": 5, "About": 6}

"""Exports: Blogger's format and JSON come back in as the same blog; anonymity holds in
every public format; the JSON import fills only an empty database."""

import io
import json
from collections.abc import Callable
from pathlib import Path
from xml.etree.ElementTree import Element

import pytest
from defusedxml import ElementTree
from sqlalchemy import select
from support.accounts import TEST_PASSWORD
from support.blog_snapshot import blog_snapshot
from support.database import copy_sqlite_template
from support.exports import CLASSIC_HEAD, TAG, TAIL, classic_comment, classic_page
from support.second_database import second_blog
from support.services import shared_fixtures_folder

from blogapp import create_app
from blogapp.blog.operations import PostFields, create_post
from blogapp.comments.operations import post_comment
from blogapp.dates import to_local, utcnow
from blogapp.demo import load_demo
from blogapp.exporters.formats import export_to
from blogapp.extensions import db
from blogapp.importers.operations import import_blogger_export
from blogapp.models import Post, PostKind, PostStatus, Role, User

FIXTURES = shared_fixtures_folder()
#: The one fixture that is not well-formed XML on purpose: it has no blog to export.
BROKEN = "real-classic-youngdoctor.xml"
BLOGGER_EXPORTS = (
    sorted(path for path in (FIXTURES / "blogger").glob("*.xml") if path.name != BROKEN)
    if FIXTURES
    else []
)
WP = "{http://wordpress.org/export/1.2/}"
ATOM = "{http://www.w3.org/2005/Atom}"
THREAD = "{http://purl.org/syndication/thread/1.0}"
PAGE_KIND = "http://schemas.google.com/blogger/2008/kind#page"
SOURCES = [*[path.name for path in BLOGGER_EXPORTS], "demo"]


@pytest.fixture
def sqlite_only(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the format does not depend on the database; SQLite is enough")


@pytest.fixture
def fresh_blog(app_config, sqlite_template, tmp_path):
    """An empty, migrated blog beside ``app``."""
    database = copy_sqlite_template(sqlite_template, tmp_path / "fresh.db")
    instance = str(tmp_path / "fresh")
    fresh = create_app(app_config | {"DATABASE_URL": database, "INSTANCE_PATH": instance})
    yield fresh
    with fresh.app_context():
        db.engine.dispose()


def make_page(title: str, order: int, status: PostStatus = PostStatus.PUBLISHED) -> Post:
    fields = PostFields(title=title, body_source=f"What {title} says.", nav_order=order)
    when = None if status == PostStatus.DRAFT else utcnow()
    return create_post(fields, None, status, when, PostKind.PAGE)


def add_pages(make_user: Callable[..., User]) -> None:
    """Pages whose navigation order is not their titles' order, one with a thread in which
    a reader answers anonymously, and a draft."""
    policy = make_page("Comment policy", 2)
    make_page("About this blog", 5)
    make_page("Unfinished page", 1, PostStatus.DRAFT)
    named = make_user("page.reader@example.org", "Page Reader")
    hidden = make_user("page.hidden@example.org", "Hidden Reader")
    first = post_comment(policy, named, "Is swearing allowed?", False)
    post_comment(policy, hidden, "Only at management.", True, first)
    post_comment(policy, named, "A second thread.", False)


def load_source(name: str, tmp_path: Path, make_user: Callable[..., User]) -> None:
    if name == "demo":
        load_demo(tmp_path / "demo-credentials")
        add_pages(make_user)
    else:
        import_blogger_export(FIXTURES / "blogger" / name, None, False, None)


def nav_orders() -> dict[str, int]:
    """Each page's navigation order as editors set it (the JSON file keeps the number)."""
    pages = select(Post.title, Post.nav_order).where(Post.kind == PostKind.PAGE)
    return dict(db.session.execute(pages).all())


def exported(format_name: str, **options) -> bytes:
    out = io.BytesIO()
    export_to(format_name, out, **options)
    return out.getvalue()


@pytest.mark.parametrize("source", SOURCES)
def test_a_blogger_export_imported_into_a_fresh_blog_gives_the_same_blog(
    app, sqlite_only, fresh_blog, source, tmp_path, make_user
):
    load_source(source, tmp_path, make_user)
    before = blog_snapshot()
    export = tmp_path / "export.xml"
    export.write_bytes(exported("blogger"))

    with fresh_blog.app_context():
        import_blogger_export(export, None, False, None)
        after = blog_snapshot()
        again = import_blogger_export(export, None, False, None)
        assert (again.posts, again.pages, again.comments) == (0, 0, 0)
        assert blog_snapshot() == after
    assert [post.title for post in after] == [post.title for post in before]
    for old, new in zip(before, after, strict=True):
        assert new == old, old.title


@pytest.mark.parametrize("source", SOURCES)
def test_a_json_export_imported_into_a_fresh_blog_gives_the_same_blog_and_readers(
    app, sqlite_only, fresh_blog, source, tmp_path, subscriber, make_user
):
    load_source(source, tmp_path, make_user)
    subscriber("follower@example.org", streams={"posts"})
    before, orders_before = blog_snapshot(), nav_orders()
    export = tmp_path / "export.json"
    export.write_bytes(exported("json"))

    with fresh_blog.app_context():
        result = fresh_blog.test_cli_runner().invoke(args=["import-json", str(export)])
        assert result.exit_code == 0, result.output
        after = blog_snapshot()
        assert nav_orders() == orders_before
        follower = db.session.scalar(select(User).where(User.email == "follower@example.org"))
        assert follower is not None
        assert follower.password_hash is None
    assert after == before


@pytest.fixture
def anonymous_comment(app, make_post, make_user):
    """A reader with an account comments as Anonymous: nothing may name them."""
    post = make_post("A thread", labels=["Napo"])
    sam = make_user("secret.sam@example.org", "Secret Sam")
    named = make_user("nora@example.org", "Nora Named")
    first = post_comment(post, named, "I say this under my name.", False)
    hidden = post_comment(post, sam, "I say this as nobody.\n\nSecond paragraph.", True, first)
    return post, sam, hidden


@pytest.mark.parametrize("format_name", ["blogger", "wxr"])
def test_public_formats_keep_anonymous_comments_anonymous(
    app, sqlite_only, anonymous_comment, format_name
):
    text = exported(format_name).decode()
    assert "I say this as nobody." in text
    assert "Secret Sam" not in text
    assert "secret.sam" not in text
    assert "nora@example.org" not in text
    assert "Nora Named" in text


@pytest.mark.parametrize("format_name", ["blogger", "wxr"])
def test_anonymous_comments_on_pages_stay_anonymous(app, sqlite_only, make_user, format_name):
    add_pages(make_user)
    text = exported(format_name).decode()
    assert "Only at management." in text
    assert "Hidden Reader" not in text
    assert "page.hidden" not in text
    assert "Page Reader" in text


def entries_by_id(export: bytes) -> dict[str, Element]:
    feed = ElementTree.fromstring(export)
    return {entry.findtext(f"{ATOM}id"): entry for entry in feed.iter(f"{ATOM}entry")}


def test_a_page_imported_from_blogger_goes_back_as_the_same_page_entry(app, sqlite_only, tmp_path):
    source = tmp_path / "blog.xml"
    source.write_text(
        CLASSIC_HEAD
        + classic_page(102, "About", "/p/about.html")
        + classic_comment(211, 102, "On the page.", "2016-10-02T11:00:00.000+01:00")
        + classic_comment(212, 102, "A reply.", "2016-10-02T12:00:00.000+01:00", parent=211)
        + TAIL
    )
    import_blogger_export(source, None, False, None)
    entries = entries_by_id(exported("blogger"))

    page = entries[f"{TAG}.page-102"]
    kinds = [category.get("term") for category in page.iter(f"{ATOM}category")]
    assert kinds == [PAGE_KIND]
    (address,) = [link.get("href") for link in page.iter(f"{ATOM}link")]
    assert address.endswith("/p/about")
    for number in (211, 212):
        comment = entries[f"{TAG}.post-{number}"]
        assert comment.find(f"{THREAD}in-reply-to").get("ref") == f"{TAG}.page-102"
        assert comment.find(f"{ATOM}link[@rel='alternate']").get("href").startswith(address)


def test_wxr_writes_pages_as_wordpress_pages_in_the_navigations_order(app, sqlite_only, make_user):
    add_pages(make_user)
    channel = ElementTree.fromstring(exported("wxr")).find("channel")
    items = {item.findtext("title"): item for item in channel.iter("item")}
    policy = items["Comment policy"]
    assert policy.findtext(f"{WP}post_type") == "page"
    assert policy.findtext(f"{WP}menu_order") == "2"
    assert policy.findtext("link").endswith("/p/comment-policy")
    assert policy.findall("category") == []
    assert len(policy.findall(f"{WP}comment")) == 3
    assert items["About this blog"].findtext(f"{WP}menu_order") == "5"


def test_wxr_is_read_by_pelicans_wordpress_importer(app, sqlite_only, anonymous_comment, tmp_path):
    wp2fields = pytest.importorskip("pelican.tools.pelican_import").wp2fields
    post, _sam, _hidden = anonymous_comment
    export = tmp_path / "blog.wxr"
    export.write_bytes(exported("wxr"))
    (fields,) = list(wp2fields(str(export)))
    title, content, filename, date, _author, categories, tags, status, kind, markup = fields
    assert title == "A thread"
    assert content == post.body_html
    assert tags == ["Napo"]
    assert categories == []
    assert (status, kind, markup) == ("published", "article", "wp-html")
    assert date == f"{to_local(post.published_at):%Y-%m-%d %H:%M}"
    assert post.slug in filename


def test_wxr_comments_carry_their_thread_and_state_and_no_user(app, sqlite_only, anonymous_comment):
    _post, _sam, hidden = anonymous_comment
    channel = ElementTree.fromstring(exported("wxr")).find("channel")
    comments = {
        comment.findtext(f"{WP}comment_id"): comment for comment in channel.iter(f"{WP}comment")
    }
    reply = comments[str(hidden.id)]
    assert reply.findtext(f"{WP}comment_author") == "Anonymous"
    assert reply.findtext(f"{WP}comment_author_email") == ""
    assert reply.findtext(f"{WP}comment_user_id") == "0"
    assert reply.findtext(f"{WP}comment_parent") == str(hidden.reply_to_id)
    assert reply.findtext(f"{WP}comment_approved") == "1"


def test_the_json_export_says_first_that_it_names_anonymous_authors(
    app, sqlite_only, anonymous_comment
):
    _post, sam, hidden = anonymous_comment
    data = json.loads(exported("json"))
    assert list(data)[:3] == [
        "schema_version",
        "contains_authors_of_anonymous_comments",
        "contains_email_addresses",
    ]
    (row,) = [row for row in data["tables"]["comments"] if row["id"] == hidden.id]
    assert row["user_id"] == sam.id
    assert row["anonymous"] is True
    assert all("password_hash" not in user for user in data["tables"]["users"])
    assert all("session_token" not in user for user in data["tables"]["users"])


def test_without_emails_the_json_export_carries_no_address(app, sqlite_only, anonymous_comment):
    text = exported("json", without_emails=True).decode()
    data = json.loads(text)
    assert data["contains_email_addresses"] is False
    assert "@example.org" not in text
    assert {user["display_name"] for user in data["tables"]["users"]} >= {"Secret Sam"}


def test_import_json_refuses_a_database_that_holds_a_blog(
    app, sqlite_only, make_post, runner, tmp_path
):
    make_post("Already here")
    export = tmp_path / "export.json"
    export.write_bytes(exported("json"))
    result = runner.invoke(args=["import-json", str(export)])
    assert result.exit_code == 1
    assert "already holds a blog" in result.output
    assert db.session.scalar(select(db.func.count(Post.id))) == 1


def test_import_json_names_the_line_of_a_broken_file(app, sqlite_only, runner, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{\n "schema_version": 1,\n "tables": {\n  "users": [,]\n }\n}\n')
    result = runner.invoke(args=["import-json", str(broken)])
    assert result.exit_code == 1
    assert f"{broken} is not JSON: line 4" in result.output


@pytest.fixture
def administrator(make_user):
    return make_user("admin@example.org", "The Admin", role=Role.ADMIN)


def test_an_administrator_downloads_the_export_from_the_admin_pages(
    app, sqlite_only, client, administrator, anonymous_comment
):
    client.login(administrator.email, TEST_PASSWORD)
    page = client.get("/admin/export")
    assert page.status_code == 200
    assert "Export the blog" in page.text
    response = client.submit("/admin/export", {"format": "wxr"})
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith('attachment; filename="blog-')
    assert b"<wp:wxr_version>1.2</wp:wxr_version>" in response.data
    assert b"Secret Sam" not in response.data
    response.close()

    anonymous_addresses = client.submit("/admin/export", {"format": "json", "without_emails": "y"})
    assert json.loads(anonymous_addresses.data)["contains_email_addresses"] is False
    anonymous_addresses.close()


def test_editors_and_readers_cannot_export(app, sqlite_only, client, editor, make_user):
    assert client.get("/admin/export").status_code == 302
    client.login(editor.email, TEST_PASSWORD)
    assert client.get("/admin/export").status_code == 403
    assert client.post("/admin/export", data={"format": "json"}).status_code in (400, 403)
    assert "/admin/export" not in client.get("/admin/").text


def test_an_unknown_format_is_refused_with_the_form_again(app, sqlite_only, client, administrator):
    client.login(administrator.email, TEST_PASSWORD)
    response = client.submit("/admin/export", {"format": "docx"})
    assert response.status_code == 422
    assert "Export the blog" in response.text


def test_json_round_trip_on_postgresql_continues_the_ids(app, app_config, tmp_path, make_user):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("ids come from sequences on PostgreSQL")
    load_source("demo", tmp_path, make_user)
    before = blog_snapshot()
    export = tmp_path / "export.json"
    export.write_bytes(exported("json"))
    highest = db.session.scalar(select(db.func.max(User.id)))

    with second_blog(app_config, tmp_path, migrated=True) as fresh, fresh.app_context():
        result = fresh.test_cli_runner().invoke(args=["import-json", str(export)])
        assert result.exit_code == 0, result.output
        assert blog_snapshot() == before
        newcomer = make_user("newcomer@example.org", "Newcomer")
        assert newcomer.id == highest + 1

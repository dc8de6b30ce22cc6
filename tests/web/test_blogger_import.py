"""`flask import-blogger` with the real and built exports in ../shared/fixtures/blogger."""

import html
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from support.importing import (
    CommentThreadsOnPage,
    database_snapshot,
    number,
    read_contents,
)

from blogapp.extensions import db
from blogapp.models import Comment, Post, PostKind, PostStatus

LONDON = ZoneInfo("Europe/London")
WELL_FORMED = [
    "omnishambles-classic.xml",
    "real-2018-cheonkam.xml",
    "real-classic-mowords.xml",
    "real-classic-plunkett.xml",
]
BROKEN = "real-classic-youngdoctor.xml"
OMNISHAMBLES_OLD_PATH = "/2014/06/omnishambles-update-52.html"


def export(shared_fixtures: Path, name: str) -> Path:
    return shared_fixtures / "blogger" / name


def run_import(runner, path: Path, *options: str):
    return runner.invoke(args=["import-blogger", *options, str(path)])


def imported(model, *conditions) -> int:
    return db.session.scalar(
        select(func.count()).select_from(model).where(model.legacy_id.is_not(None), *conditions)
    )


def comment_by_number(key: str) -> Comment:
    return db.session.scalar(select(Comment).where(Comment.legacy_id.endswith(f".post-{key}")))


def test_every_export_in_the_fixtures_is_covered(shared_fixtures):
    names = {path.name for path in (shared_fixtures / "blogger").glob("*.xml")}
    assert names == {*WELL_FORMED, BROKEN}


@pytest.mark.parametrize("name", WELL_FORMED)
def test_counts_of_posts_drafts_comments_and_replies_match_the_file(runner, shared_fixtures, name):
    path = export(shared_fixtures, name)
    contents = read_contents(path)

    result = run_import(runner, path)

    assert result.exit_code == 0, result.output
    posts = Post.kind == PostKind.POST
    assert imported(Post, posts, Post.status != PostStatus.DRAFT) == len(contents.posts)
    assert imported(Post, posts, Post.status == PostStatus.DRAFT) == len(contents.drafts)
    assert imported(Post, Post.kind == PostKind.PAGE) == len(contents.pages)
    assert imported(Comment) == len(contents.comments_on_posts)
    assert imported(Comment, Comment.parent_id.is_not(None)) == contents.replies
    assert f"Posts: {len(contents.posts)}\n" in result.output
    assert f"Drafts (kept as drafts): {len(contents.drafts)}\n" in result.output
    assert f"Pages: {len(contents.pages)}\n" in result.output
    assert f"Comments: {len(contents.comments_on_posts)}\n" in result.output
    assert f"Replies among them: {contents.replies}\n" in result.output


@pytest.mark.parametrize("name", WELL_FORMED)
def test_every_imported_post_is_history_kept_out_of_digests(runner, shared_fixtures, name):
    run_import(runner, export(shared_fixtures, name))

    assert imported(Post) > 0
    assert imported(Post, Post.imported_at.is_(None)) == 0


def test_the_omnishambles_thread_reads_as_it_did_on_blogger(runner, client, shared_fixtures):
    path = export(shared_fixtures, "omnishambles-classic.xml")
    contents = read_contents(path)
    run_import(runner, path)

    page = client.get(OMNISHAMBLES_OLD_PATH, follow_redirects=True)

    assert page.status_code == 200
    shown = CommentThreadsOnPage(page.text).comments
    assert len(shown) == 26
    assert sum(comment.author == "Anonymous" for comment in shown) == 25
    replies = [comment for comment in shown if comment.is_reply]
    assert len(replies) == 6
    number_of = {f"c{comment_by_number(key).id}": key for key in contents.comments}
    first_of_thread = {c.thread: number_of[c.anchor] for c in shown if not c.is_reply}
    for reply in replies:
        key = number_of[reply.anchor]
        assert first_of_thread[reply.thread] == contents.thread_root(key)
    for thread in {comment.thread for comment in shown}:
        times = [c.iso for c in shown if c.thread == thread and c.is_reply]
        assert times == sorted(times)
    top_level_times = [c.iso for c in shown if not c.is_reply]
    assert top_level_times == sorted(top_level_times)
    assert "26 comments" in page.text


def test_comment_times_are_shown_in_london_as_blogger_showed_them(runner, client, shared_fixtures):
    path = export(shared_fixtures, "omnishambles-classic.xml")
    contents = read_contents(path)
    run_import(runner, path)

    page = client.get(OMNISHAMBLES_OLD_PATH, follow_redirects=True)

    shown = {c.anchor: c.time for c in CommentThreadsOnPage(page.text).comments}
    for key, entry in contents.comment_entries.items():
        blogger_shown = next(
            prop.get("value")
            for prop in entry.iter("{http://schemas.google.com/g/2005}extendedProperty")
            if prop.get("name") == "blogger.displayTime"
        )
        assert shown[f"c{comment_by_number(key).id}"] == blogger_shown


@pytest.mark.parametrize("name", ["omnishambles-classic.xml", "real-classic-plunkett.xml"])
def test_post_times_are_shown_in_london_whatever_offset_the_export_used(
    runner, client, shared_fixtures, name
):
    path = export(shared_fixtures, name)
    contents = read_contents(path)
    run_import(runner, path)

    for entry in contents.posts.values():
        published = datetime.fromisoformat(entry.findtext("{http://www.w3.org/2005/Atom}published"))
        local = published.astimezone(LONDON)
        page = client.get(old_path(entry), follow_redirects=True)
        assert f"{local:%A}, {local.day} {local:%B %Y}" in page.text
        assert f">{local:%H:%M}</time>" in page.text


def old_path(entry) -> str:
    for link in entry.findall("{http://www.w3.org/2005/Atom}link"):
        if link.get("rel") == "alternate":
            return "/" + link.get("href").split("/", 3)[3]
    return entry.findtext("{http://schemas.google.com/blogger/2018}filename").strip()


@pytest.mark.parametrize("name", WELL_FORMED)
def test_old_blogger_addresses_redirect_permanently_to_the_posts(
    runner, client, shared_fixtures, name
):
    contents = read_contents(export(shared_fixtures, name))
    run_import(runner, export(shared_fixtures, name))

    for entry in contents.posts.values():
        response = client.get(old_path(entry))
        assert response.status_code == 301
        target = client.get(response.location)
        assert target.status_code == 200
        title = " ".join(entry.findtext("{http://www.w3.org/2005/Atom}title").split())
        heading = re.search(r'<h1 class="post-title"[^>]*>(.*?)</h1>', target.text).group(1)
        assert html.unescape(heading) == title


def test_a_drafts_old_address_is_not_found(runner, client, shared_fixtures):
    contents = read_contents(export(shared_fixtures, "real-2018-cheonkam.xml"))
    run_import(runner, export(shared_fixtures, "real-2018-cheonkam.xml"))

    paths = [old_path(entry) for entry in contents.drafts.values()]
    assert [client.get(path).status_code for path in paths if path] == [404, 404]


def test_show_comment_links_land_on_the_comment(runner, client, shared_fixtures):
    path = export(shared_fixtures, "omnishambles-classic.xml")
    contents = read_contents(path)
    run_import(runner, path)

    for key, entry in contents.comment_entries.items():
        permalink = next(
            link.get("href")
            for link in entry.findall("{http://www.w3.org/2005/Atom}link")
            if link.get("rel") == "alternate"
        )
        old = "/" + permalink.split("/", 3)[3].split("#")[0]
        response = client.get(old)
        anchor = f"c{comment_by_number(key).id}"
        assert response.status_code == 301
        assert response.location == f"/2014/06/omnishambles-update-52#{anchor}"
        assert f'id="{anchor}"' in client.get(response.location).text


@pytest.mark.parametrize("shown", ["1403203020001", "soon", "9" * 30])
def test_show_comment_without_such_a_comment_lands_on_the_post(
    runner, client, shared_fixtures, shown
):
    run_import(runner, export(shared_fixtures, "omnishambles-classic.xml"))

    response = client.get(f"{OMNISHAMBLES_OLD_PATH}?showComment={shown}")

    assert response.status_code == 301
    assert response.location == "/2014/06/omnishambles-update-52"


def test_old_and_new_addresses_live_side_by_side(runner, client, shared_fixtures):
    run_import(runner, export(shared_fixtures, "omnishambles-classic.xml"))

    assert client.get("/2014/06/omnishambles-update-52").status_code == 200
    assert client.get(OMNISHAMBLES_OLD_PATH).status_code == 301
    assert client.get("/2014/06/").status_code == 200
    missing = client.get("/2014/06/no-such-post.html")
    assert missing.status_code == 404
    assert "Page not found" in missing.text
    assert client.get("/2014/13/omnishambles-update-52.html").status_code == 404


def test_old_label_addresses_redirect_to_the_label(runner, client, shared_fixtures):
    run_import(runner, export(shared_fixtures, "omnishambles-classic.xml"))

    response = client.get("/search/label/TR")

    assert response.status_code == 301
    assert response.location == "/label/tr"
    assert client.get("/search/label/Nothing%20here").status_code == 404


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/feeds/posts/default", "/feeds/posts.atom"),
        ("/feeds/posts/default?alt=rss", "/feeds/posts.atom"),
        ("/feeds/posts/summary", "/feeds/posts.atom"),
        ("/feeds/comments/default", "/feeds/comments.atom"),
        ("/feeds/comments/default?alt=rss", "/feeds/comments.atom"),
        ("/feeds/posts/default/-/TR", "/label/tr/feed.atom"),
        ("/feeds/posts/default/-/TR?alt=rss", "/label/tr/feed.atom"),
        ("/feeds/4001/comments/default", "/2014/06/omnishambles-update-52/comments.atom"),
    ],
)
def test_blogger_feed_addresses_redirect_permanently_to_the_atom_feeds(
    runner, client, shared_fixtures, old, new
):
    run_import(runner, export(shared_fixtures, "omnishambles-classic.xml"))

    response = client.get(old)

    assert response.status_code == 301
    assert response.location == new
    feed = client.get(new)
    assert feed.status_code == 200
    assert feed.content_type.startswith("application/atom+xml")


@pytest.mark.parametrize(
    "old", ["/feeds/posts/default/-/Nothing%20here", "/feeds/4002/comments/default"]
)
def test_blogger_feeds_of_what_is_not_here_are_not_found(runner, client, shared_fixtures, old):
    run_import(runner, export(shared_fixtures, "omnishambles-classic.xml"))

    assert client.get(old).status_code == 404


@pytest.mark.parametrize("name", WELL_FORMED)
def test_importing_the_same_export_again_changes_nothing(runner, shared_fixtures, name):
    path = export(shared_fixtures, name)
    contents = read_contents(path)
    run_import(runner, path)
    before = database_snapshot()

    again = run_import(runner, path)

    assert again.exit_code == 0, again.output
    assert database_snapshot() == before
    posts = len(contents.posts) + len(contents.drafts) + len(contents.pages)
    comments = len(contents.comments_on_posts)
    assert "Posts: 0\n" in again.output
    assert f"left as they are: {posts} post" in again.output
    assert f", {comments} comment" in again.output


@pytest.mark.parametrize("name", WELL_FORMED)
def test_a_dry_run_reports_the_same_and_writes_nothing(runner, make_post, shared_fixtures, name):
    make_post("Already here")
    before = database_snapshot()

    dry = run_import(runner, export(shared_fixtures, name), "--dry-run")

    assert dry.exit_code == 0, dry.output
    assert database_snapshot() == before
    assert dry.output.startswith("Dry run: the export was read and checked; nothing was written.")
    real = run_import(runner, export(shared_fixtures, name))
    assert dry.output.splitlines()[1:] == real.output.splitlines()


def test_the_summary_names_the_blog_and_what_was_skipped(runner, shared_fixtures):
    result = run_import(runner, export(shared_fixtures, "real-classic-mowords.xml"))

    assert result.output.splitlines() == [
        "Blog: Mo Words",
        "Posts: 4",
        "Drafts (kept as drafts): 0",
        "Pages: 1",
        "Comments: 13",
        "Replies among them: 0",
        "Replies whose parent is missing, now top-level: 0",
        "Comments removed on Blogger, kept in place as removed: 0",
        "Labels: 1",
        "Redirects from old Blogger addresses: 5",
        "Skipped: 1 template, 57 settings",
    ]


def test_the_2018_export_imports_live_posts_drafts_labels_and_paths(
    runner, client, shared_fixtures
):
    path = export(shared_fixtures, "real-2018-cheonkam.xml")
    contents = read_contents(path)

    result = run_import(runner, path)

    assert result.exit_code == 0, result.output
    assert len(contents.posts) + len(contents.drafts) == 46
    assert imported(Post) == 46
    assert imported(Post, Post.status == PostStatus.DRAFT) == len(contents.drafts) > 0
    assert imported(Post, Post.legacy_path.is_not(None)) == 45
    entry = next(iter(contents.posts.values()))
    page = client.get(old_path(entry), follow_redirects=True)
    for label in entry.findall("{http://www.w3.org/2005/Atom}category"):
        assert f'rel="tag">{html.escape(label.get("term"), quote=False)}</a>' in page.text


def test_posts_can_be_credited_to_an_existing_account(runner, editor, shared_fixtures):
    result = run_import(
        runner, export(shared_fixtures, "omnishambles-classic.xml"), "--author-email", editor.email
    )

    assert result.exit_code == 0, result.output
    post = db.session.scalar(select(Post).where(Post.legacy_id.is_not(None)))
    assert post.author_id == editor.id


def test_an_unknown_author_address_is_refused_before_anything_is_read(runner, shared_fixtures):
    before = database_snapshot()

    result = run_import(
        runner, export(shared_fixtures, "omnishambles-classic.xml"), "--author-email", "x@y.org"
    )

    assert result.exit_code == 2
    assert "no account with the address x@y.org" in result.output
    assert database_snapshot() == before


def test_the_broken_export_fails_with_its_line_and_leaves_the_blog_alone(
    runner, make_post, shared_fixtures
):
    make_post("Already here")
    before = database_snapshot()

    result = run_import(runner, export(shared_fixtures, BROKEN))

    assert result.exit_code == 1
    assert "real-classic-youngdoctor.xml: The file is not well-formed XML" in result.output
    assert "unbound prefix at line 973" in result.output
    assert "Nothing was imported." in result.output
    assert database_snapshot() == before


def test_a_truncated_export_fails_after_posts_were_read_and_writes_nothing(
    runner, shared_fixtures, tmp_path
):
    whole = export(shared_fixtures, "omnishambles-classic.xml").read_bytes()
    cut = tmp_path / "cut.xml"
    cut.write_bytes(whole[: len(whole) * 4 // 5])
    before = database_snapshot()

    result = run_import(runner, cut)

    assert result.exit_code == 1
    assert "The file ends too early" in result.output
    assert re.search(r"at line \d+, column \d+", result.output)
    assert database_snapshot() == before


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE feed [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<feed xmlns="http://www.w3.org/2005/Atom"><id>tag:blogger.com,1999:blog-1.archive</id>
<title>&lol3;</title></feed>
"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE feed [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<feed xmlns="http://www.w3.org/2005/Atom"><id>tag:blogger.com,1999:blog-1.archive</id>
<title>&secret;</title></feed>
"""
RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>A blog</title></channel></rss>"""
PLAIN_ATOM = """<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">
<id>urn:uuid:60a76c80</id><title>Not Blogger</title><entry><id>urn:1</id></entry></feed>"""


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (BILLION_LAUGHS, "Refused: the file declares the XML entity 'lol' at line 3"),
        (EXTERNAL_ENTITY, "Refused: the file declares the XML entity 'secret' at line 2"),
        (RSS, "This is not a Blogger export"),
        (PLAIN_ATOM, "This is not a Blogger export"),
        ("Dear editor, here is the blog.\n", "This is not an XML file: syntax error at line 1"),
        ("", "The file is empty."),
    ],
    ids=["billion-laughs", "external-entity", "rss", "other-atom", "text", "empty"],
)
def test_files_that_are_not_blogger_exports_are_refused(runner, tmp_path, content, message):
    path = tmp_path / "export.xml"
    path.write_text(content)
    before = database_snapshot()

    result = run_import(runner, path)

    assert result.exit_code == 1
    assert message in result.output
    assert database_snapshot() == before


def test_no_progress_bar_is_drawn_when_the_output_is_not_a_terminal(runner, shared_fixtures):
    result = run_import(runner, export(shared_fixtures, "omnishambles-classic.xml"))

    assert result.output.startswith("Blog: On Probation\n")
    assert "Reading the export" not in result.output


def test_imported_comments_are_counted_on_the_home_page(runner, client, shared_fixtures):
    run_import(runner, export(shared_fixtures, "omnishambles-classic.xml"))

    assert "26 comments" in client.get("/").text


def test_replies_point_at_the_first_comment_of_their_thread(runner, shared_fixtures):
    path = export(shared_fixtures, "omnishambles-classic.xml")
    contents = read_contents(path)
    run_import(runner, path)

    for key, (_, parent) in contents.comments.items():
        comment = comment_by_number(key)
        if parent is None:
            assert comment.parent_id is None
        else:
            root = comment_by_number(contents.thread_root(key))
            assert comment.parent_id == root.id
            assert number(root.legacy_id) == contents.thread_root(key)


def test_imported_posts_can_be_searched(runner, client, shared_fixtures):
    run_import(runner, export(shared_fixtures, "omnishambles-classic.xml"))

    results = client.get("/search?q=Dalrymple")

    assert results.status_code == 200
    assert "Omnishambles Update 52" in results.text

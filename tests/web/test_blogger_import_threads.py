"""Threads, removed comments, odd entries and newer exports, with exports built here."""

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from support.exports import (
    CLASSIC_HEAD,
    MODERN_HEAD,
    TAG,
    classic_comment,
    classic_page,
    classic_post,
    modern_comment,
    modern_post,
    write_export,
)
from support.importing import CommentThreadsOnPage

from blogapp.extensions import db
from blogapp.importers.operations import import_blogger_export
from blogapp.models import Comment, CommentState, Post, PostStatus

CASELOADS_BODY = (
    "<p>The inspectorate is blunt:</p><blockquote><p>Caseloads are unmanageable.</p></blockquote>"
    "<a name='more'></a><p onclick='steal()'>Below the break.</p>"
    "<script>alert('x')</script><iframe src='http://evil.example'></iframe>"
)
FIRST_COMMENT = (
    "First paragraph.<br /><br />Second, with <a href='http://example.org' onclick='x'>a link</a>"
    "<script>bad()</script><img src='http://example.org/x.png'>"
)


def classic_thread_export(folder: Path) -> Path:
    """Comments before and after their post, a reply to a reply written before its parent,
    removed comments, an orphan, a draft, a page and a comment on a missing post."""
    return write_export(
        folder / "classic.xml",
        CLASSIC_HEAD,
        [
            classic_comment(205, 100, "Reply to the reply.", "2016-09-24T23:20:00.000+01:00",
                            parent=204),
            classic_comment(204, 100, "A reply.", "2016-09-24T23:10:00.000+01:00", parent=201),
            classic_post(100, "Caseloads", CASELOADS_BODY, "2016-09-24T22:30:00.000+01:00",
                         path="/2016/09/caseloads.html", labels=("Napo", "TR")),
            classic_comment(201, 100, FIRST_COMMENT, "2016-09-24T22:42:00.000+01:00"),
            classic_comment(202, 100, "This comment has been removed by the author.",
                            "2016-09-24T22:50:00.000+01:00", removed=True),
            classic_comment(203, 100, "This comment has been removed by a blog administrator.",
                            "2016-09-24T22:55:00.000+01:00", removed=True),
            classic_comment(206, 100, "Answering the removed one.",
                            "2016-09-24T23:30:00.000+01:00", parent=203),
            classic_comment(207, 100, "My parent is gone.", "2016-09-24T23:40:00.000+01:00",
                            parent=999),
            classic_comment(208, 555, "On a post that is not here.", "2016-09-25T08:00:00Z"),
            classic_comment(209, 100, "Signed.", "2016-09-25T09:00:00.000+01:00",
                            author="Jim Brown"),
            classic_post(101, "Unfinished", "<p>Notes.</p>", "2016-10-01T10:00:00.000+01:00",
                         draft=True),
            classic_comment(210, 101, "On a draft.", "2016-10-01T11:00:00.000+01:00"),
            classic_page(102, "About", "/p/about.html"),
            classic_comment(211, 102, "On the page.", "2016-10-02T11:00:00.000+01:00"),
            classic_post(103, "", "<p>A note with no title at all, as old blogs had.</p>",
                         "2016-10-03T10:00:00.000+01:00", path="/2016/10/blog-post.html"),
        ],
    )  # fmt: skip


def comment_numbered(number: int) -> Comment:
    return db.session.scalar(select(Comment).where(Comment.legacy_id == f"{TAG}.post-{number}"))


def post_numbered(number: int) -> Post:
    return db.session.scalar(select(Post).where(Post.legacy_id == f"{TAG}.post-{number}"))


def test_the_summary_counts_replies_orphans_removed_and_skipped_comments(app, tmp_path):
    summary = import_blogger_export(classic_thread_export(tmp_path))

    assert summary.lines() == [
        "Blog: Test Blog",
        "Posts: 2",
        "Drafts (kept as drafts): 1",
        "Pages: 1",
        "Comments: 10",
        "Replies among them: 3",
        "Replies whose parent is missing, now top-level: 1",
        "Comments removed on Blogger, kept in place as removed: 2",
        "Labels: 2",
        "Redirects from old Blogger addresses: 3",
        "Comments whose post is not in the export, skipped: 1",
        "Skipped: 0 templates, 0 settings",
    ]


def test_threads_are_one_level_deep_whatever_order_the_file_used(app, client, tmp_path):
    import_blogger_export(classic_thread_export(tmp_path))

    page = client.get("/2016/09/caseloads.html", follow_redirects=True).text
    shown = CommentThreadsOnPage(page).comments

    anchors = {f"c{comment_numbered(n).id}": n for n in (201, 202, 203, 204, 205, 206, 207, 209)}
    threads = [[anchors[c.anchor] for c in shown if c.thread == t] for t in range(1, 6)]
    assert threads == [[201, 204, 205], [202], [203, 206], [207], [209]]
    assert [c.author for c in shown] == ["Anonymous"] * 7 + ["Jim Brown"]
    assert comment_numbered(205).parent_id == comment_numbered(201).id
    assert comment_numbered(207).parent_id is None


def test_removed_comments_keep_their_place_and_say_who_removed_them(app, client, tmp_path):
    import_blogger_export(classic_thread_export(tmp_path))

    page = client.get("/2016/09/caseloads.html", follow_redirects=True).text

    assert comment_numbered(202).state == CommentState.REMOVED_BY_AUTHOR
    assert comment_numbered(203).state == CommentState.REMOVED_BY_EDITOR
    assert comment_numbered(202).body == ""
    assert "This comment has been removed by the author." in page
    assert "This comment has been removed by a blog administrator." in page
    assert post_numbered(100).comment_count == 6
    assert "6 comments" in page


def test_imported_comment_html_is_sanitised_to_a_small_allowlist(app, client, tmp_path):
    import_blogger_export(classic_thread_export(tmp_path))

    comment = comment_numbered(201)

    assert comment.body_html == (
        "<p>First paragraph.</p>\n<p>Second, with "
        '<a href="http://example.org" rel="nofollow ugc noopener">a link</a></p>\n'
    )
    assert comment.body == "First paragraph.\n\nSecond, with a link"


def test_post_bodies_are_sanitised_like_editor_posts_and_keep_the_read_more_break(
    app, client, tmp_path
):
    import_blogger_export(classic_thread_export(tmp_path))

    post = post_numbered(100)
    home = client.get("/").text

    assert "<blockquote><p>Caseloads are unmanageable.</p></blockquote>" in post.body_html
    for dropped in ("<script", "alert(", "onclick", "<iframe", "steal()"):
        assert dropped not in post.body_html
    assert "Below the break." in post.body_html
    assert "Below the break." not in post.summary_html
    assert "Read more" in home
    assert "Below the break." not in home
    assert [label.name for label in post.labels] == ["Napo", "TR"]


def test_drafts_stay_drafts_and_untitled_posts_get_their_first_words(app, client, tmp_path):
    import_blogger_export(classic_thread_export(tmp_path))

    draft = post_numbered(101)
    untitled = post_numbered(103)

    assert draft.status == PostStatus.DRAFT
    assert draft.published_year is None
    assert "Unfinished" not in client.get("/").text
    assert comment_numbered(210).post_id == draft.id
    assert untitled.title == "A note with no title at all, as old blogs had."
    assert untitled.slug == "blog-post"
    assert client.get("/2016/10/blog-post.html").location == "/2016/10/blog-post"


def test_a_post_slug_already_taken_that_month_gets_a_number(app, make_post, tmp_path):
    make_post("Caseloads", published_at=datetime(2016, 9, 2, tzinfo=UTC))

    import_blogger_export(classic_thread_export(tmp_path))

    assert post_numbered(100).slug == "caseloads-2"


def test_a_newer_export_adds_only_what_is_new(app, client, tmp_path):
    first = [
        classic_post(100, "Caseloads", "<p>Body.</p>", "2016-09-24T22:30:00.000+01:00",
                     path="/2016/09/caseloads.html"),
        classic_comment(201, 100, "First.", "2016-09-24T22:42:00.000+01:00"),
        classic_comment(204, 100, "A reply.", "2016-09-24T23:10:00.000+01:00", parent=201),
    ]  # fmt: skip
    newer = [
        *first,
        classic_comment(212, 100, "A late reply.", "2016-09-26T09:00:00.000+01:00", parent=204),
        classic_post(110, "Pay talks", "<p>Resume.</p>", "2016-09-27T10:00:00.000+01:00",
                     path="/2016/09/pay-talks.html"),
        classic_comment(213, 110, "At last.", "2016-09-27T11:00:00.000+01:00"),
    ]  # fmt: skip
    import_blogger_export(write_export(tmp_path / "first.xml", CLASSIC_HEAD, first))
    before = {post.id: post_row(post) for post in db.session.scalars(select(Post))}
    comments_before = {c.id: comment_row(c) for c in db.session.scalars(select(Comment))}

    summary = import_blogger_export(write_export(tmp_path / "newer.xml", CLASSIC_HEAD, newer))

    db.session.expire_all()
    assert (summary.posts, summary.comments, summary.replies) == (1, 2, 1)
    assert (summary.posts_already_there, summary.comments_already_there) == (1, 2)
    for post_id, row in before.items():
        assert post_row(db.session.get(Post, post_id)) == row
    for comment_id, row in comments_before.items():
        assert comment_row(db.session.get(Comment, comment_id)) == row
    assert comment_numbered(212).parent_id == comment_numbered(201).id
    assert post_numbered(100).comment_count == 3
    assert post_numbered(110).comment_count == 1


def post_row(post: Post) -> tuple:
    """Everything about a post but its count of comments, which new comments change."""
    return (post.title, post.slug, post.body_html, post.published_at, post.updated_at,
            post.legacy_path, post.imported_at, post.status)  # fmt: skip


def comment_row(comment: Comment) -> tuple:
    return (comment.post_id, comment.parent_id, comment.author_name, comment.body,
            comment.body_html, comment.created_at, comment.state)  # fmt: skip


def modern_export(folder: Path) -> Path:
    return write_export(
        folder / "modern.xml",
        MODERN_HEAD,
        [
            modern_comment(403, 300, "Replying to the first.", "2020-03-02T10:00:00Z",
                           in_reply_to=f"{TAG}.post-401"),
            modern_post(300, "Lockdown", "<p>Offices close.</p>", "2020-03-01T09:00:00Z",
                        "/2020/03/lockdown.html"),
            modern_comment(401, 300, "First!", "2020-03-01T10:00:00Z"),
            modern_comment(402, 300, "Typed a name.", "2020-03-01T11:00:00Z",
                           author="Probation Officer"),
            modern_comment(404, 300, "Bare number reply.", "2020-03-02T11:00:00Z",
                           in_reply_to="403"),
            modern_comment(405, 300, "Gone.", "2020-03-02T12:00:00Z",
                           trashed="2020-03-03T00:00:00Z"),
            modern_comment(406, 300, "Buy pills.", "2020-03-02T13:00:00Z", status="PENDING"),
            modern_comment(407, 300, "From the union.", "2020-03-02T14:00:00Z",
                           author="Napo Rep", anonymous=False),
            modern_post(301, "Half written", "<p>Notes.</p>", "2020-03-04T09:00:00Z",
                        "/2020/03/half-written.html", status="DRAFT"),
            modern_post(302, "Binned", "<p>Old.</p>", "2020-03-05T09:00:00Z",
                        "/2020/03/binned.html", trashed="2020-03-06T00:00:00Z"),
            modern_post(303, "Next year", "<p>Soon.</p>", "2099-01-05T09:00:00Z",
                        "/2099/01/next-year.html", status="SCHEDULED"),
        ],
    )  # fmt: skip


def test_the_2018_format_threads_names_and_removed_comments(app, client, tmp_path):
    summary = import_blogger_export(modern_export(tmp_path))

    page = client.get("/2020/03/lockdown.html", follow_redirects=True).text
    shown = CommentThreadsOnPage(page).comments
    assert [(c.author, c.is_reply) for c in shown] == [
        ("Anonymous", False),
        ("Anonymous", True),
        ("Anonymous", True),
        ("Probation Officer", False),
        ("Anonymous", False),
        ("Napo Rep", False),
    ]
    assert comment_numbered(404).parent_id == comment_numbered(401).id
    assert comment_numbered(405).state == CommentState.REMOVED_BY_EDITOR
    assert "This comment has been removed by a blog administrator." in page
    assert comment_numbered(406) is None
    assert (summary.posts, summary.drafts, summary.deleted_posts_skipped) == (2, 1, 1)
    assert (summary.comments, summary.replies, summary.held_comments) == (6, 2, 1)
    assert summary.removed_comments == 1
    assert post_numbered(300).comment_count == 5


def test_2018_drafts_and_scheduled_posts_stay_unseen(app, client, tmp_path):
    import_blogger_export(modern_export(tmp_path))

    assert post_numbered(301).status == PostStatus.DRAFT
    assert post_numbered(303).status == PostStatus.SCHEDULED
    assert post_numbered(302) is None
    assert client.get("/2020/03/half-written.html").status_code == 404
    assert client.get("/2099/01/next-year.html").status_code == 404
    assert client.get("/2020/03/binned.html").status_code == 404


def test_progress_is_reported_in_bytes_read_over_both_passes(app, tmp_path):
    path = classic_thread_export(tmp_path)
    seen: list[int] = []

    import_blogger_export(path, progress=seen.append)

    assert seen == sorted(seen)
    assert seen[-1] == 2 * path.stat().st_size

"""Reading Blogger exports into records, without a database."""

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from support.exports import (
    CLASSIC_HEAD,
    MODERN_HEAD,
    TAG,
    TAIL,
    classic_comment,
    modern_comment,
    modern_post,
)

from blogapp.importers.blogger import read_export
from blogapp.importers.records import (
    BlogSetting,
    ExportedComment,
    ExportedPost,
    FeedInfo,
    ImportFailed,
    SkippedEntry,
    SkipReason,
)
from blogapp.models import CommentState, PostStatus


def records(text: str) -> list:
    return list(read_export(io.BytesIO(text.encode())))


def test_a_classic_export_yields_its_blog_settings_post_and_comments(shared_fixtures: Path):
    with (shared_fixtures / "blogger" / "omnishambles-classic.xml").open("rb") as export:
        found = list(read_export(export))

    assert found[0] == FeedInfo("7362846510938475621", "On Probation")
    assert SkippedEntry(SkipReason.TEMPLATE) in found
    assert BlogSetting("BLOG_NAME", "On Probation") in found
    (post,) = [record for record in found if isinstance(record, ExportedPost)]
    assert post.number == 4001
    assert post.path == "/2014/06/omnishambles-update-52.html"
    assert post.published == datetime(2014, 6, 19, 18, 5, 0, 123000, tzinfo=UTC)
    assert post.labels == ("omnishambles", "TR")
    assert post.status == PostStatus.PUBLISHED
    comments = [record for record in found if isinstance(record, ExportedComment)]
    assert len(comments) == 26
    assert {comment.post_number for comment in comments} == {4001}
    assert sorted(c.parent_number for c in comments if c.parent_number) == [
        9015, 9018, 9018, 9018, 9024, 9024
    ]  # fmt: skip


def test_2018_comments_name_their_parent_by_full_id_or_bare_number():
    found = records(
        MODERN_HEAD
        + modern_comment(2, 1, "x", "2020-01-01T10:00:00Z", in_reply_to=f"{TAG}.post-7")
        + modern_comment(3, 1, "y", "2020-01-01T11:00:00Z", in_reply_to="7", author="Sam")
        + modern_comment(4, 1, "z", "2020-01-01T12:00:00Z", trashed="2020-01-02T00:00:00Z")
        + modern_comment(5, 1, "spam", "2020-01-01T13:00:00Z", status="SPAM")
        + TAIL
    )  # fmt: skip

    comments = found[1:]
    assert [c.parent_number for c in comments[:3]] == [7, 7, None]
    assert [c.author_name for c in comments[:3]] == ["Anonymous", "Sam", "Anonymous"]
    assert comments[2].removed == CommentState.REMOVED_BY_EDITOR
    assert comments[2].html == ""
    assert comments[2].removed_at == datetime(2020, 1, 2, tzinfo=UTC)
    assert comments[3] == SkippedEntry(SkipReason.HELD_COMMENT)


def test_2018_posts_keep_their_status_and_trashed_ones_are_skipped():
    found = records(
        MODERN_HEAD
        + modern_post(1, "Live", "<p>a</p>", "2020-01-01T10:00:00Z", "/2020/01/live.html")
        + modern_post(2, "Draft", "<p>b</p>", "2020-01-01T10:00:00Z", "/2020/01/d.html",
                      status="DRAFT")
        + modern_post(3, "Gone", "<p>c</p>", "2020-01-01T10:00:00Z", "/2020/01/g.html",
                      trashed="2020-01-05T00:00:00Z")
        + TAIL
    )  # fmt: skip

    assert [getattr(record, "status", None) for record in found[1:]] == [
        PostStatus.PUBLISHED,
        PostStatus.DRAFT,
        None,
    ]
    assert found[3] == SkippedEntry(SkipReason.DELETED_POST)
    assert found[1].labels == ("Napo",)


def test_a_classic_removed_comment_says_who_removed_it():
    by_author = classic_comment(
        2, 1, "This comment has been removed by the author.", "2020-01-01T10:00:00Z", removed=True
    )
    by_editor = classic_comment(
        3, 1, "This comment has been removed by a blog administrator.", "2020-01-01T11:00:00Z",
        removed=True,
    )  # fmt: skip

    found = records(CLASSIC_HEAD + by_author + by_editor + TAIL)

    assert [c.removed for c in found[1:]] == [
        CommentState.REMOVED_BY_AUTHOR,
        CommentState.REMOVED_BY_EDITOR,
    ]


def test_the_broken_export_names_its_line_and_column(shared_fixtures: Path):
    broken = shared_fixtures / "blogger" / "real-classic-youngdoctor.xml"
    with broken.open("rb") as export, pytest.raises(ImportFailed) as failure:
        list(read_export(export))

    assert (failure.value.line, failure.value.column) == (973, 3)


def test_an_entry_with_a_date_that_is_not_one_is_named():
    bad = classic_comment(2, 1, "x", "yesterday evening")

    with pytest.raises(ImportFailed, match="published time that is not a date: 'yesterday"):
        records(CLASSIC_HEAD + bad + TAIL)


def test_progress_counts_the_bytes_read(shared_fixtures: Path):
    path = shared_fixtures / "blogger" / "real-2018-cheonkam.xml"
    seen: list[int] = []

    with path.open("rb") as export:
        list(read_export(export, seen.append))

    assert seen == sorted(seen)
    assert seen[-1] == path.stat().st_size
    assert len(seen) > 100

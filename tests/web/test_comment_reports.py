"""Reporting comments and the Remove button, as each reader finds them on the page."""

import pytest
from support.accounts import TEST_PASSWORD
from support.comments import comment, comments_of, path_of

from blogapp.models import CommentState, Role

REPORT_FORM = "Report this comment</button>"
ALREADY_REPORTED = "You have already reported this comment"


@pytest.fixture
def writer(app, make_user):
    make_user(email="writer@example.org", name="Pat Writer")
    client = app.test_client()
    client.login("writer@example.org", TEST_PASSWORD)
    return client


def report(client, comment_id: int, reason: str):
    return client.submit(
        f"/comments/{comment_id}/report", {"reason": reason}, follow_redirects=True
    )


def test_reporting_one_comment_leaves_the_report_form_on_the_others(writer, log_in, make_post):
    post = make_post("Caseloads")
    comment(writer, post, "First comment.")
    comment(writer, post, "Second comment.")
    first, second = comments_of(post)
    reader = log_in("reader@example.org")

    report(reader, first.id, "Names a colleague.")

    assert ALREADY_REPORTED in reader.get(f"/comments/{first.id}/report").text
    other_page = reader.get(f"/comments/{second.id}/report").text
    assert REPORT_FORM in other_page
    assert ALREADY_REPORTED not in other_page
    assert 'aria-label="Report comment 2"' in reader.get(path_of(post)).text
    assert "The editors will look at that comment" in report(reader, second.id, "Also.").text


def test_two_readers_can_each_report_the_same_comment(writer, log_in, editor_client, make_post):
    post = make_post("Caseloads")
    comment(writer, post, "Something reportable.")
    (reported,) = comments_of(post)
    first_reader, second_reader = log_in("one@example.org"), log_in("two@example.org")

    first = report(first_reader, reported.id, "It names a colleague.")
    assert REPORT_FORM in second_reader.get(f"/comments/{reported.id}/report").text
    second = report(second_reader, reported.id, "It gives away a client.")

    assert "The editors will look at that comment" in first.text
    assert "The editors will look at that comment" in second.text
    queue = editor_client.get("/admin/comments?show=reported").text
    assert "It names a colleague." in queue
    assert "It gives away a client." in queue


def test_an_unconfirmed_reader_cannot_report(writer, log_in, editor_client, make_post):
    post = make_post("Caseloads")
    comment(writer, post, "Something reportable.")
    (reported,) = comments_of(post)
    unconfirmed = log_in("new@example.org", confirmed=False)

    page = unconfirmed.get(f"/comments/{reported.id}/report")
    sent = unconfirmed.submit(
        f"/comments/{reported.id}/report", {"reason": "Spam."}, page=path_of(post)
    )

    assert page.status_code == sent.status_code == 403
    assert "once you have confirmed your address" in page.text
    assert REPORT_FORM not in page.text
    assert "Reported (0)" in editor_client.get("/admin/comments?show=reported").text


def test_a_removed_comment_has_no_remove_button(writer, editor_client, make_post):
    post = make_post("Caseloads")
    comment(writer, post, "Something I regret.")
    comment(writer, post, "Something I stand by.")
    regretted, _ = comments_of(post)
    writer.submit(f"/comments/{regretted.id}/remove", page=path_of(post))

    for client in (writer, editor_client):
        page = client.get(path_of(post)).text
        assert "This comment has been removed by the author." in page
        assert 'aria-label="Remove comment 1"' not in page
        assert 'aria-label="Remove comment 2"' in page
    again = editor_client.submit(f"/comments/{regretted.id}/remove", page=path_of(post))
    assert again.status_code == 403
    assert comments_of(post)[0].state == CommentState.REMOVED_BY_AUTHOR


def test_removing_someone_elses_comment_is_refused_with_the_reason(writer, log_in, make_post):
    post = make_post("Caseloads")
    comment(writer, post, "Mine.")
    (mine,) = comments_of(post)
    other = log_in("other@example.org")

    response = other.submit(f"/comments/{mine.id}/remove", page=path_of(post))

    assert response.status_code == 403
    assert "Only the person who wrote a comment, or an editor, can remove it." in response.text
    assert "Mine." in other.get(path_of(post)).text


def test_a_held_comment_removed_by_two_editors_at_once_leaves_no_trace(
    app, writer, editor_client, make_user, make_post
):
    """The second editor's queue page was loaded before the first removed the comment."""
    post = make_post("Caseloads")
    editor_client.submit("/admin/settings", {"hold_first_comments": "1"})
    comment(writer, post, "A first comment, held.")
    (held,) = comments_of(post)
    make_user(email="second-editor@example.org", role=Role.EDITOR)
    second_editor = app.test_client()
    second_editor.login("second-editor@example.org", TEST_PASSWORD)
    removal = {"show": "held", "action": "remove", "comment": str(held.id)}

    editor_client.submit("/admin/comments", removal, page="/admin/comments")
    late = second_editor.submit(
        "/admin/comments", removal, page="/admin/comments", follow_redirects=True
    )

    assert "Removed 0 comments." in late.text
    assert comments_of(post)[0].state == CommentState.DISCARDED
    page = app.test_client().get(path_of(post)).text
    assert "No comments yet." in page
    assert "removed by a blog administrator" not in page


def test_a_removed_comment_cannot_be_reported(writer, log_in, make_post):
    post = make_post("Caseloads")
    comment(writer, post, "Something I regret.")
    (regretted,) = comments_of(post)
    writer.submit(f"/comments/{regretted.id}/remove", page=path_of(post))
    reader = log_in("reader@example.org")

    assert 'aria-label="Report comment 1"' not in reader.get(path_of(post)).text
    assert reader.get(f"/comments/{regretted.id}/report").status_code == 403

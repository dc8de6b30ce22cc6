"""Readers' reports hide a comment until an editor decides; editors' removals are logged and
can be reversed; the moderation page opens where there is work."""

import pytest
from support.comments import comment, comments_of, count_of, path_of

from blogapp.extensions import db
from blogapp.models import CommentRemoval, CommentState

HIDDEN_TEXT = "hidden while the editors review it"


@pytest.fixture
def thread(log_in, make_post):
    """A post with two comments by one writer, the first of which readers will report."""
    post = make_post("Caseloads")
    writer = log_in("writer@example.org", "Pat Writer")
    comment(writer, post, "Something readers object to.")
    comment(writer, post, "Something harmless.")
    return post, writer, comments_of(post)[0]


def report(client, comment_id: int, reason: str = "Abusive"):
    return client.submit(f"/comments/{comment_id}/report", {"reason": reason})


def moderate(client, action: str, *comments, show: str = "hidden"):
    data = {"show": show, "action": action, "comment": [str(c.id) for c in comments]}
    return client.submit("/admin/comments", data, page="/admin/comments")


def state_of(reported) -> CommentState:
    db.session.expire_all()
    return db.session.get(type(reported), reported.id).state


def test_three_different_readers_hide_a_comment_and_one_reader_twice_counts_once(
    app, thread, log_in, client
):
    post, writer, reported = thread
    first, second, third = (log_in(f"reader{n}@example.org", f"Reporter {n}") for n in (1, 2, 3))
    report(first, reported.id)
    report(first, reported.id, "Again.")
    report(second, reported.id)
    assert state_of(reported) == CommentState.VISIBLE
    assert "Something readers object to." in client.get(path_of(post)).text

    report(third, reported.id)

    assert state_of(reported) == CommentState.HIDDEN
    page = client.get(path_of(post)).text
    assert "Something readers object to." not in page
    assert HIDDEN_TEXT in page
    assert 'aria-label="Comment 1"' in page
    assert 'aria-label="Comment 2"' in page
    assert count_of(post) == 1
    author_page = writer.get(path_of(post)).text
    assert HIDDEN_TEXT in author_page
    assert "Reporter" not in author_page
    refused = comment(first, post, "Answering it.", reply_to=reported.id, page=path_of(post))
    assert refused.status_code == 409
    assert "hidden while the editors review it" in refused.text


def test_the_threshold_is_a_setting(app, thread, log_in):
    app.config["REPORTS_TO_HIDE"] = 1
    _, _, reported = thread
    report(log_in("reader@example.org"), reported.id)
    assert state_of(reported) == CommentState.HIDDEN


def test_an_editor_approving_a_hidden_comment_shows_it_again_and_clears_its_reports(
    app, thread, log_in, editor_client, client
):
    app.config["REPORTS_TO_HIDE"] = 2
    post, _, reported = thread
    report(log_in("reader1@example.org"), reported.id)
    report(log_in("reader2@example.org"), reported.id)
    assert "Hidden after reports (1)" in editor_client.get("/admin/comments").text

    moderate(editor_client, "approve", reported)

    assert state_of(reported) == CommentState.VISIBLE
    assert "Something readers object to." in client.get(path_of(post)).text
    assert count_of(post) == 2
    queue = editor_client.get("/admin/comments?show=reported").text
    assert "Reported (0)" in queue
    assert "Hidden after reports (0)" in queue


def test_an_editor_can_remove_a_hidden_comment(app, thread, log_in, editor_client, client):
    app.config["REPORTS_TO_HIDE"] = 1
    post, _, reported = thread
    report(log_in("reader@example.org"), reported.id)
    moderate(editor_client, "remove", reported)
    assert state_of(reported) == CommentState.REMOVED_BY_EDITOR
    assert "removed by a blog administrator" in client.get(path_of(post)).text


def test_the_queue_opens_on_the_first_tab_with_items_and_counts_each(
    app, thread, log_in, editor_client
):
    _, _, reported = thread
    page = editor_client.get("/admin/comments").text
    assert 'aria-current="page">Held for approval (0)' in page

    report(log_in("reader@example.org"), reported.id)

    page = editor_client.get("/admin/comments").text
    assert 'aria-current="page">Reported (1)' in page
    assert "Held for approval (0)" in page
    assert "Removed by editors (0)" in page
    assert "Something readers object to." in page


def test_an_editors_removal_is_logged_and_can_be_reversed(thread, editor, editor_client, client):
    post, _, unwise = thread
    confirm = editor_client.get(f"/comments/{unwise.id}/remove")
    assert "Something readers object to." in confirm.text
    assert state_of(unwise) == CommentState.VISIBLE
    editor_client.submit(f"/comments/{unwise.id}/remove", page=f"/comments/{unwise.id}/remove")
    assert state_of(unwise) == CommentState.REMOVED_BY_EDITOR
    assert count_of(post) == 1

    page = editor_client.get("/admin/comments").text
    assert 'aria-current="page">Removed by editors (1)' in page
    assert "Removed by Ed Itor on" in page
    (removal,) = db.session.scalars(db.select(CommentRemoval)).all()
    assert removal.removed_by_id == editor.id
    assert not removal.by_author

    moderate(editor_client, "restore", unwise, show="removed")

    assert state_of(unwise) == CommentState.VISIBLE
    assert "Something readers object to." in client.get(path_of(post)).text
    assert count_of(post) == 2
    assert "Removed by editors (0)" in editor_client.get("/admin/comments").text


def test_an_authors_own_removal_is_not_an_editors_to_reverse(thread, editor_client):
    _, writer, regretted = thread
    writer.submit(f"/comments/{regretted.id}/remove", page=f"/comments/{regretted.id}/remove")
    moderate(editor_client, "restore", regretted, show="removed")
    assert state_of(regretted) == CommentState.REMOVED_BY_AUTHOR

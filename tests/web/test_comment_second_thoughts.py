"""Second thoughts on the fake clock: an author edits a comment for 10 minutes and undoes
its removal for 10 minutes; the thread says which comments were edited."""

from datetime import timedelta

import pytest
from support.accounts import TEST_PASSWORD
from support.clock import stop_the_app_clock
from support.comments import comment, comments_of, count_of, path_of

from blogapp.dates import utcnow
from blogapp.extensions import db
from blogapp.models import Comment, CommentState


@pytest.fixture
def clock(monkeypatch):
    return stop_the_app_clock(monkeypatch, utcnow())


@pytest.fixture
def writer(app, make_user):
    make_user(email="writer@example.org", name="Pat Writer")
    client = app.test_client()
    client.login("writer@example.org", TEST_PASSWORD)
    return client


@pytest.fixture
def written(clock, make_post, writer):
    post = make_post("Caseloads")
    comment(writer, post, "Frist!")
    return post, comments_of(post)[0]


def edit(client, comment_id: int, body: str):
    return client.submit(f"/comments/{comment_id}/edit", {"body": body})


def remove(client, comment_id: int):
    return client.submit(f"/comments/{comment_id}/remove")


def fresh(comment: Comment) -> Comment:
    db.session.expire_all()
    return db.session.get(Comment, comment.id)


def test_an_author_edits_within_ten_minutes_and_the_thread_says_edited(
    clock, written, writer, client
):
    post, mine = written
    clock.advance(timedelta(minutes=9))
    assert 'aria-label="Edit comment 1"' in writer.get(path_of(post)).text
    assert "Frist!" in writer.get(f"/comments/{mine.id}/edit").text

    response = edit(writer, mine.id, "First! <b>bold</b>")

    assert response.status_code == 302
    assert fresh(mine).body == "First! <b>bold</b>"
    page = client.get(path_of(post)).text
    assert "First! &lt;b&gt;bold&lt;/b&gt;" in page
    assert '<span class="comment-edited">(edited <time' in page
    assert 'aria-label="Edit comment 1"' not in page


def test_an_edit_that_adds_links_goes_back_to_the_editors(clock, written, writer, client):
    post, mine = written
    spam = "Cheap: https://a.example https://b.example https://c.example"

    assert edit(writer, mine.id, spam).status_code == 302

    assert fresh(mine).state == CommentState.PENDING
    assert "a.example" not in client.get(path_of(post)).text


def test_editing_after_ten_minutes_is_refused_and_changes_nothing(clock, written, writer):
    post, mine = written
    clock.advance(timedelta(minutes=11))
    assert 'aria-label="Edit comment 1"' not in writer.get(path_of(post)).text
    page = writer.get(f"/comments/{mine.id}/edit")
    assert page.status_code == 403
    assert "10 minutes" in page.text
    token = writer.csrf_token(path_of(post))
    late = writer.post(f"/comments/{mine.id}/edit", data={"body": "Too late", "csrf_token": token})
    assert late.status_code == 403
    assert "10 minutes" in late.text
    assert fresh(mine).body == "Frist!"
    assert fresh(mine).edited_at is None
    assert "(edited" not in writer.get(path_of(post)).text


def test_nobody_else_edits(clock, written, app, editor):
    post, mine = written
    other = app.test_client()
    other.login(editor.email, TEST_PASSWORD)
    assert other.get(f"/comments/{mine.id}/edit").status_code == 403
    token = other.csrf_token(path_of(post))
    changed = other.post(f"/comments/{mine.id}/edit", data={"body": "x", "csrf_token": token})
    assert changed.status_code == 403
    assert fresh(mine).body == "Frist!"


def test_an_empty_edit_is_refused_with_its_reason(clock, written, writer):
    _, mine = written
    response = edit(writer, mine.id, "   ")
    assert response.status_code == 422
    assert "Please write your comment first." in response.text
    assert fresh(mine).body == "Frist!"


def test_an_anonymous_comment_stays_anonymous_when_edited(clock, make_post, writer, client):
    post = make_post("Caseloads")
    comment(writer, post, "Said quietly.", anonymous=True)
    (mine,) = comments_of(post)
    edit(writer, mine.id, "Said quietly, and corrected.")
    page = client.get(path_of(post)).text
    assert "Said quietly, and corrected." in page
    assert "Pat Writer" not in page
    assert fresh(mine).anonymous


def test_the_author_can_undo_a_removal_for_ten_minutes(clock, written, writer, client):
    post, mine = written
    remove(writer, mine.id)
    assert fresh(mine).state == CommentState.REMOVED_BY_AUTHOR
    assert count_of(post) == 0
    clock.advance(timedelta(minutes=9))
    assert 'aria-label="Undo removing comment 1"' in writer.get(path_of(post)).text
    assert "Undo" not in client.get(path_of(post)).text

    writer.submit(f"/comments/{mine.id}/undo", page=path_of(post))

    assert fresh(mine).state == CommentState.VISIBLE
    assert count_of(post) == 1
    assert "Frist!" in client.get(path_of(post)).text


def test_undoing_a_removal_after_ten_minutes_is_refused(clock, written, writer):
    post, mine = written
    remove(writer, mine.id)
    clock.advance(timedelta(minutes=11))
    assert "Undo" not in writer.get(path_of(post)).text
    token = writer.csrf_token(path_of(post))
    response = writer.post(f"/comments/{mine.id}/undo", data={"csrf_token": token})
    assert response.status_code == 403
    assert "10 minutes" in response.text
    assert fresh(mine).state == CommentState.REMOVED_BY_AUTHOR


def test_nobody_else_can_undo_an_authors_removal(clock, app, written, writer, editor):
    post, mine = written
    remove(writer, mine.id)
    editor_client = app.test_client()
    editor_client.login(editor.email, TEST_PASSWORD)
    assert "Undo" not in editor_client.get(path_of(post)).text
    token = editor_client.csrf_token(path_of(post))
    response = editor_client.post(f"/comments/{mine.id}/undo", data={"csrf_token": token})
    assert response.status_code == 403
    assert fresh(mine).state == CommentState.REMOVED_BY_AUTHOR


def test_removing_asks_first(written, writer):
    post, mine = written
    confirm = writer.get(f"/comments/{mine.id}/remove")
    assert confirm.status_code == 200
    assert "Frist!" in confirm.text
    assert "Remove the comment</button>" in confirm.text
    assert fresh(mine).state == CommentState.VISIBLE
    assert f'href="/comments/{mine.id}/remove"' in writer.get(path_of(post)).text

"""Commenting on a post: who may, threads one level deep, removing, reporting, counts."""

from datetime import UTC, datetime

import pytest
from support.accounts import TEST_PASSWORD
from support.comments import comment, comments_of, count_of, path_of, thread_of

from blogapp.comments.operations import post_comment, recount_comments
from blogapp.extensions import db
from blogapp.models import Comment, CommentState, Post, PostStatus
from blogapp.text import COMMENT_LINK_REL


@pytest.fixture
def reader(make_user, client):
    user = make_user(email="reader@example.org", name="Pat Reader")
    client.login("reader@example.org", TEST_PASSWORD)
    return user


def test_a_visitor_sees_log_in_to_comment_and_cannot_post(client, make_post):
    post = make_post("Caseloads")
    page = client.get(path_of(post)).text
    assert "Log in to comment" in page
    assert f'href="/auth/login?next={path_of(post)}%23comments">Log in to comment' in page
    assert 'id="comment-form"' not in page
    response = client.submit(f"/comments/on/{post.id}", {"body": "Hello"}, page="/auth/login")
    assert response.status_code == 403
    assert "Please log in to comment" in response.text
    assert comments_of(post) == []


def test_an_unconfirmed_reader_is_told_to_confirm_first(client, make_user, make_post):
    post = make_post("Caseloads")
    make_user(email="new@example.org", confirmed=False)
    client.login("new@example.org", TEST_PASSWORD)
    page = client.get(path_of(post)).text
    assert "Please confirm your email address" in page
    assert "Send me a new link" in page
    response = client.submit(f"/comments/on/{post.id}", {"body": "Hello"}, page=path_of(post))
    assert response.status_code == 403
    assert comments_of(post) == []


def test_posting_a_comment_shows_it_and_counts_it(client, reader, make_post):
    post = make_post("Caseloads")
    body = "Sixty cases each.\r\nAnd rising.\r\n\r\nSee https://example.org/report."
    response = comment(client, post, body)
    (stored,) = comments_of(post)
    assert response.status_code == 302
    assert response.location == f"{path_of(post)}#c{stored.id}"
    assert stored.body == body
    assert stored.user_id == reader.id
    assert not stored.anonymous

    page = client.get(path_of(post)).text
    assert "1 comment" in page
    assert "Sixty cases each.<br>\nAnd rising.</p>" in page
    assert f'<a href="https://example.org/report" rel="{COMMENT_LINK_REL}">' in page
    assert thread_of(client, post) == [("1", "Pat Reader")]
    assert "1 comment" in client.get("/").text


def test_posting_as_anonymous_hides_the_name_from_the_public(client, app, reader, make_post):
    post = make_post("Caseloads")
    comment(client, post, "I would rather not say who I am.", anonymous=True)
    visitor = app.test_client()
    page = visitor.get(path_of(post)).text
    assert thread_of(visitor, post) == [("1", "Anonymous")]
    assert "Pat Reader" not in page
    assert "Pat Reader" not in visitor.get("/feeds/comments.atom").text


def test_the_account_setting_ticks_post_as_anonymous(client, reader, make_post):
    post = make_post("Caseloads")
    assert 'name="anonymous" type="checkbox" value="y">' in client.get(path_of(post)).text
    reader.anonymous_by_default = True
    db.session.commit()
    assert 'checked id="anonymous" name="anonymous"' in client.get(path_of(post)).text


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "Please write your comment first."),
        (" \r\n\t\u200b ", "Please write your comment first."),
        ("x" * 4097, "at most 4,096 characters"),
        ("bad\x00byte", "control characters"),
    ],
)
def test_a_bad_comment_is_refused_and_nothing_is_stored(client, reader, make_post, body, message):
    post = make_post("Caseloads")
    response = comment(client, post, body)
    assert response.status_code == 422
    assert message in response.text
    assert comments_of(post) == []
    assert count_of(post) == 0


def test_the_longest_comment_fits(client, reader, make_post):
    post = make_post("Caseloads")
    body = "word " * 818 + "end.\r\n" + "x"
    assert len(body.replace("\r\n", "\n")) == 4096
    assert comment(client, post, body).status_code == 302
    assert comments_of(post)[0].body == body


def test_replies_join_the_thread_and_are_numbered_within_it(
    client, app, reader, make_user, make_post
):
    post = make_post("Caseloads")
    comment(client, post, "First thread.")
    comment(client, post, "Second thread.")
    second = comments_of(post)[1]

    reply_page = client.get(f"/comments/{second.id}/reply")
    assert reply_page.status_code == 200
    assert "Second thread." in reply_page.text
    assert "Your reply" in reply_page.text
    assert comment(client, post, "A reply.", reply_to=second.id).status_code == 302
    reply = comments_of(post)[-1]
    assert comment(client, post, "A reply to the reply.", reply_to=reply.id).status_code == 302
    comment(client, post, "Third thread.", anonymous=True)

    *_, reply_to_reply, third = comments_of(post)
    assert (reply.parent_id, reply.reply_to_id) == (second.id, second.id)
    assert (reply_to_reply.parent_id, reply_to_reply.reply_to_id) == (second.id, reply.id)
    assert third.parent_id is None
    numbers = [number for number, _ in thread_of(client, post)]
    assert numbers == ["1", "2", "2.1", "2.2", "3"]
    assert count_of(post) == 5
    assert "5 comments" in client.get(path_of(post)).text


def test_a_reply_to_a_comment_on_another_post_is_refused(client, reader, make_post):
    here, elsewhere = make_post("Here"), make_post("Elsewhere")
    comment(client, elsewhere, "On the other post.")
    (other,) = comments_of(elsewhere)
    response = comment(client, here, "Cross-post reply.", reply_to=other.id, page=path_of(here))
    assert response.status_code == 400
    assert "on another post" in response.text
    assert comments_of(here) == []
    assert len(comments_of(elsewhere)) == 1


def test_closed_and_unpublished_posts_take_no_comments(client, reader, make_post):
    closed = make_post("Closed", comments_open=False)
    draft = make_post("Draft", status=PostStatus.DRAFT)
    assert "Comments are closed on this post." in client.get(path_of(closed)).text
    response = client.submit(f"/comments/on/{closed.id}", {"body": "Hi"}, page=path_of(closed))
    assert response.status_code == 403
    assert "Comments are closed" in response.text
    response = client.submit(f"/comments/on/{draft.id}", {"body": "Hi"}, page=path_of(closed))
    assert response.status_code == 404
    assert comments_of(closed) == []
    assert comments_of(draft) == []


def test_an_editor_closes_and_reopens_comments(client, editor, make_post):
    post = make_post("Caseloads")
    client.login(editor.email, TEST_PASSWORD)
    updated_at = post.updated_at
    response = client.submit(
        f"/admin/comments/posts/{post.id}/open", {"open": "0"}, page=path_of(post)
    )
    assert response.location == f"{path_of(post)}#comments"
    assert "Comments are closed on this post." in client.get(path_of(post)).text
    client.submit(f"/admin/comments/posts/{post.id}/open", {"open": "1"}, page=path_of(post))
    db.session.expire_all()
    refreshed = db.session.get(Post, post.id)
    assert refreshed.comments_open
    assert refreshed.updated_at == updated_at


def test_a_reader_cannot_close_comments(client, reader, make_post):
    post = make_post("Caseloads")
    response = client.submit(f"/admin/comments/posts/{post.id}/open", {"open": "0"}, page="/")
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Post, post.id).comments_open


def test_the_author_removes_their_comment_and_the_thread_keeps_its_shape(client, reader, make_post):
    post = make_post("Caseloads")
    comment(client, post, "Thread one.")
    comment(client, post, "Thread two.")
    first, _ = comments_of(post)
    comment(client, post, "Reply.", reply_to=first.id)
    response = client.submit(f"/comments/{first.id}/remove", page=path_of(post))
    assert response.location == f"{path_of(post)}#c{first.id}"
    page = client.get(path_of(post)).text
    assert "This comment has been removed by the author." in page
    assert "Thread one." not in page
    assert [n for n, _ in thread_of(client, post)] == ["1", "1.1", "2"]
    assert count_of(post) == 2
    assert comments_of(post)[0].body == "Thread one."


def test_an_editor_removes_any_comment(client, app, reader, editor, make_post):
    post = make_post("Caseloads")
    comment(client, post, "Something unwise.")
    (unwise,) = comments_of(post)
    editor_client = app.test_client()
    editor_client.login(editor.email, TEST_PASSWORD)
    editor_client.submit(f"/comments/{unwise.id}/remove", page=path_of(post))
    assert (
        "This comment has been removed by a blog administrator." in client.get(path_of(post)).text
    )
    assert comments_of(post)[0].state == CommentState.REMOVED_BY_EDITOR
    assert count_of(post) == 0


def test_nobody_else_can_remove_my_comment(client, app, reader, make_user, make_post):
    post = make_post("Caseloads")
    comment(client, post, "Mine.")
    (mine,) = comments_of(post)
    make_user(email="other@example.org")
    other = app.test_client()
    other.login("other@example.org", TEST_PASSWORD)
    assert "Remove comment 1" not in other.get(path_of(post)).text
    response = other.submit(f"/comments/{mine.id}/remove", page=path_of(post))
    assert response.status_code == 403
    visitor = app.test_client()
    assert visitor.submit(f"/comments/{mine.id}/remove", page="/auth/login").status_code == 403
    assert comments_of(post)[0].state == CommentState.VISIBLE
    assert count_of(post) == 1


def test_posting_without_a_csrf_token_is_refused(client, reader, make_post):
    post = make_post("Caseloads")
    response = client.post(f"/comments/on/{post.id}", data={"body": "No token."})
    assert response.status_code == 400
    assert comments_of(post) == []
    comment(client, post, "With a token.")
    (stored,) = comments_of(post)
    assert client.post(f"/comments/{stored.id}/remove").status_code == 400
    assert comments_of(post)[0].state == CommentState.VISIBLE


def test_a_reader_reports_a_comment_once(client, app, reader, make_user, editor, make_post):
    post = make_post("Caseloads")
    comment(client, post, "Something reportable.", anonymous=True)
    (reported,) = comments_of(post)
    make_user(email="other@example.org", name="Other Reader")
    other = app.test_client()
    other.login("other@example.org", TEST_PASSWORD)
    report_page = f"/comments/{reported.id}/report"
    first = other.submit(report_page, {"reason": "It names a colleague."}, follow_redirects=True)
    assert "The editors will look at that comment" in first.text
    second = other.submit(report_page, {"reason": "Again!"}, follow_redirects=True)
    assert "You have already reported that comment" in second.text
    assert "You have already reported this comment" in other.get(report_page).text
    assert client.get(report_page).status_code == 403

    editor_client = app.test_client()
    editor_client.login(editor.email, TEST_PASSWORD)
    queue = editor_client.get("/admin/comments?show=reported").text
    assert "Reported (1)" in queue
    assert "Pat Reader &lt;reader@example.org&gt;" in queue
    assert "shown as Anonymous" in queue
    assert "It names a colleague." in queue
    assert "Again!" not in queue
    editor_client.submit(
        "/admin/comments", {"show": "reported", "action": "approve", "comment": str(reported.id)},
        page="/admin/comments?show=reported",
    )  # fmt: skip
    assert "Reported (0)" in editor_client.get("/admin/comments?show=reported").text
    assert comments_of(post)[0].state == CommentState.VISIBLE


def test_first_comments_of_new_accounts_wait_for_approval(client, app, reader, editor, make_post):
    post = make_post("Caseloads")
    editor_client = app.test_client()
    editor_client.login(editor.email, TEST_PASSWORD)
    saved = editor_client.submit("/admin/settings", {"hold_first_comments": "1"})
    assert saved.status_code == 302

    response = comment(client, post, "My first comment.")
    assert response.status_code == 302
    comment(client, post, "And a second.", anonymous=True)
    held = comments_of(post)
    assert [c.state for c in held] == [CommentState.PENDING, CommentState.PENDING]
    assert "Awaiting approval" in client.get(path_of(post)).text
    visitor_page = app.test_client().get(path_of(post)).text
    assert "My first comment." not in visitor_page
    assert "No comments" in visitor_page
    assert count_of(post) == 0

    queue = editor_client.get("/admin/comments").text
    assert "Held for approval (2)" in queue
    assert "My first comment." in queue
    ids = [str(c.id) for c in held]
    editor_client.submit(
        "/admin/comments",
        {"show": "held", "action": "approve", "comment": ids[:1]},
        page="/admin/comments",
    )
    editor_client.submit(
        "/admin/comments",
        {"show": "held", "action": "remove", "comment": ids[1:]},
        page="/admin/comments",
    )
    states = [c.state for c in comments_of(post)]
    assert states == [CommentState.VISIBLE, CommentState.DISCARDED]
    assert count_of(post) == 1
    assert thread_of(app.test_client(), post) == [("1", "Pat Reader")]

    comment(client, post, "Trusted now.")
    assert comments_of(post)[-1].state == CommentState.VISIBLE
    assert count_of(post) == 2


def test_the_moderation_pages_are_for_editors_only(client, reader):
    assert client.get("/admin/comments").status_code == 403
    assert (
        client.submit("/admin/settings", {"hold_first_comments": "5"}, page="/").status_code == 403
    )


def test_threads_show_times_in_london_summer_and_winter(client, make_user, make_post):
    post = make_post("Caseloads", published_at=datetime(2014, 6, 1, 9, 0, tzinfo=UTC))
    author = make_user(name="Night Owl")
    summer = post_comment(post, author, "Summer.", anonymous=False)
    winter = post_comment(post, author, "Winter.", anonymous=True)
    summer.created_at = datetime(2014, 6, 19, 21, 42, tzinfo=UTC)
    winter.created_at = datetime(2014, 12, 19, 22, 42, tzinfo=UTC)
    db.session.commit()
    page = client.get(path_of(post)).text
    assert '<time datetime="2014-06-19T21:42:00+00:00">19 June 2014 at 22:42</time>' in page
    assert '<time datetime="2014-12-19T22:42:00+00:00">19 December 2014 at 22:42</time>' in page


def add_comments(post: Post, users: list, count: int) -> None:
    """``count`` comments straight into the database: threads, replies, anonymous, removed."""
    top_level: list[Comment] = []
    for number in range(count):
        parent = top_level[number % len(top_level)] if top_level and number % 3 == 2 else None
        state = CommentState.REMOVED_BY_AUTHOR if number % 17 == 5 else CommentState.VISIBLE
        item = Comment(
            post=post, user=users[number % len(users)], parent=parent, anonymous=number % 4 == 1,
            body=f"Comment {number}", body_html=f"<p>Comment {number}</p>", state=state,
        )  # fmt: skip
        db.session.add(item)
        if parent is None:
            db.session.flush()
            top_level.append(item)
    db.session.flush()
    recount_comments([post.id])
    db.session.commit()


def test_a_post_page_runs_as_many_queries_with_300_comments_as_with_3(
    client, make_user, make_post, count_queries
):
    users = [make_user() for _ in range(12)]
    small, large = make_post("Few comments"), make_post("Many comments")
    add_comments(small, users, 3)
    add_comments(large, users, 300)
    small_path, large_path = path_of(small), path_of(large)
    client.login(users[0].email, TEST_PASSWORD)
    client.get(small_path)
    client.get(large_path)

    with count_queries() as few:
        small_page = client.get(small_path)
    with count_queries() as many:
        large_page = client.get(large_path)
    assert small_page.status_code == large_page.status_code == 200
    assert "Log out" in large_page.text
    assert large_page.text.count('class="comment-number"') == 300
    assert len(many) == len(few), "\n\n".join(many) + "\n---\n" + "\n\n".join(few)


def test_comments_in_any_script_reach_every_reader_intact(client, app, reader, editor, make_post):
    post = make_post("Café talk")
    body = "‘Quoted’ — £5, naïve, Ελλάδα, 🙂"
    comment(client, post, body)
    editor_client = app.test_client()
    editor_client.login(editor.email, TEST_PASSWORD)

    for viewer in (client, app.test_client(), editor_client):
        response = viewer.get(path_of(post))
        assert response.mimetype == "text/html"
        assert response.mimetype_params["charset"] == "utf-8"
        assert int(response.headers["Content-Length"]) == len(response.data)
        assert response.text.count(body) == 1
        assert response.text.count("<title>Café talk") == 1
        assert response.text.rstrip().endswith("</html>")
    assert "Remove comment 1" in client.get(path_of(post)).text
    assert "Remove comment 1" in editor_client.get(path_of(post)).text

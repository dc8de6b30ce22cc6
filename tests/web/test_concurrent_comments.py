"""Twenty readers commenting at the same moment: every comment is stored, none is refused.

Each reader is a test client of its own in a thread of its own, so each request holds its own
pooled connection, as it would in a threaded server: on SQLite the writers really collide.
"""

import logging
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select
from support.accounts import TEST_PASSWORD
from support.client import BlogClient
from support.comments import path_of, thread_of

from blogapp.dates import utcnow
from blogapp.extensions import db
from blogapp.models import Comment, CommentState, Post, User

WRITERS = 20
COMMENTS_EACH = 3
#: Long enough for every comment on a slow machine, short enough to end a deadlock.
DEADLINE_SECONDS = 60


@pytest.fixture
def readers(app, make_user) -> list[str]:
    """Twenty confirmed readers sharing one password hash (hashing twenty is slow)."""
    first = make_user(email="reader0@example.org")
    for number in range(1, WRITERS):
        db.session.add(
            User(
                email=f"reader{number}@example.org",
                display_name=f"Reader {number}",
                password_hash=first.password_hash,
                email_confirmed_at=utcnow(),
            )
        )
    db.session.commit()
    return [f"reader{number}@example.org" for number in range(WRITERS)]


def logged_in_client(app, email: str) -> BlogClient:
    client = app.test_client()
    assert client.login(email, TEST_PASSWORD).status_code == 302
    return client


def post_comments(
    client: BlogClient, post: tuple[int, str], email: str, start: threading.Barrier
) -> list[tuple[str, int]]:
    """Load the post page for its form's token, wait for the others, then comment."""
    post_id, path = post
    token = client.csrf_token(path)
    start.wait(timeout=DEADLINE_SECONDS)
    answers = []
    for number in range(COMMENTS_EACH):
        body = f"Comment {number} from {email}"
        response = client.post(f"/comments/on/{post_id}", data={"csrf_token": token, "body": body})
        answers.append((body, response.status_code))
    return answers


def test_twenty_readers_commenting_at_once_are_all_answered_and_stored(
    app, readers, make_post, caplog
):
    posts = [make_post("Caseloads"), make_post("Pay")]
    targets = [(post.id, path_of(post)) for post in posts]
    clients = [logged_in_client(app, email) for email in readers]
    start = threading.Barrier(WRITERS)

    with caplog.at_level(logging.ERROR), ThreadPoolExecutor(WRITERS) as pool:
        futures = [
            pool.submit(post_comments, client, targets[number % 2], email, start)
            for number, (client, email) in enumerate(zip(clients, readers, strict=True))
        ]
        answers = [answer for future in futures for answer in future.result(DEADLINE_SECONDS)]

    assert {status for _, status in answers} == {302}
    assert [record.getMessage() for record in caplog.records] == []
    db.session.expire_all()
    stored = db.session.scalars(select(Comment.body).where(Comment.state == CommentState.VISIBLE))
    assert sorted(stored) == sorted(body for body, _ in answers)
    for post in posts:
        visible = db.session.scalar(
            select(func.count(Comment.id)).where(
                Comment.post_id == post.id, Comment.state == CommentState.VISIBLE
            )
        )
        assert (
            db.session.get(Post, post.id).comment_count == visible == WRITERS * COMMENTS_EACH // 2
        )
        assert len(thread_of(app.test_client(), post)) == visible

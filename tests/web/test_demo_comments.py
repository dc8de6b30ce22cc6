"""The demo comments land on whatever published posts exist, as a living thread."""

from support.comments import count_of, path_of, thread_of

from blogapp.demo.comments import load_demo_comments
from blogapp.extensions import db
from blogapp.models import Comment, User


def test_demo_comments_make_threads_on_the_newest_posts(client, make_post):
    older, newest = make_post("Older post"), make_post("Newest post")
    older.published_at, newest.published_at = newest.published_at, older.published_at
    db.session.commit()
    load_demo_comments()

    numbers = [number for number, _ in thread_of(client, newest)]
    assert numbers == ["1", "1.1", "1.2", "2", "3", "3.1"]
    names = [name for _, name in thread_of(client, newest)]
    assert names.count("Anonymous") >= 3
    page = client.get(path_of(newest)).text
    assert "This comment has been removed by the author." in page
    assert count_of(newest) == 5
    assert (
        "This comment has been removed by a blog administrator." in client.get(path_of(older)).text
    )


def test_demo_comments_need_a_post(app):
    load_demo_comments()
    assert db.session.scalar(db.select(db.func.count()).select_from(Comment)) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0

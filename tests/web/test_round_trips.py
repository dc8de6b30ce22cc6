"""Round trips to PostgreSQL per request: queries only, and a transaction only around writes.

Counted on the wire (libpq's trace) once each page's statements are prepared and its
fragments cached, as on a server that has been up a while: a health check, a BEGIN or a
ROLLBACK sent again, or one more query, shows here.
"""

from collections.abc import Callable

import pytest
from sqlalchemy import create_engine, select, text
from support.accounts import TEST_PASSWORD
from support.comments import comments_of, path_of
from support.round_trips import Exchanges, RoundTripCounter

from blogapp.extensions import db
from blogapp.models import Post

pytestmark = pytest.mark.postgres_only
#: Requests before the count: psycopg prepares a statement the second time it runs.
WARM_UP = 3


@pytest.fixture
def database_url(postgres_url: str) -> str:
    return postgres_url


@pytest.fixture
def app_config(app_config: dict) -> dict:
    """Pages rendered for every request, as the first reader after a change sees them."""
    return {**app_config, "PAGE_CACHE_ENABLED": False}


@pytest.fixture
def counter(app, tmp_path) -> RoundTripCounter:
    return RoundTripCounter(db.engine, tmp_path)


def counted(counter: RoundTripCounter, request: Callable[[], object]) -> Exchanges:
    for _ in range(WARM_UP):
        request()
    with counter.count() as exchanges:
        request()
    return exchanges


def test_reading_pages_send_their_queries_and_nothing_else(client, make_post, make_user, counter):
    post = make_post("Counted", body="A post to count round trips on.")
    make_user(email="reader@example.org")

    home = counted(counter, lambda: client.get("/"))
    anonymous = counted(counter, lambda: client.get(path_of(post)))
    client.login("reader@example.org", TEST_PASSWORD)
    logged_in = counted(counter, lambda: client.get(path_of(post)))

    # The home page's post listing; the post; the post, its reader, the comments and whether
    # the reader follows the thread.
    assert [home.round_trips, anonymous.round_trips, logged_in.round_trips] == [1, 1, 4]
    for page in (home, anonymous, logged_in):
        assert page.sent("BEGIN") == page.sent("ROLLBACK") == page.sent("COMMIT") == 0


def test_a_comment_writes_in_one_transaction(client, make_post, make_user, counter):
    post = make_post("Commented", body="A post to comment on.")
    make_user(email="writer@example.org")
    client.login("writer@example.org", TEST_PASSWORD)
    token = client.csrf_token(path_of(post))

    def send() -> None:
        form = {"body": "Counting.", "csrf_token": token}
        assert client.post(f"/comments/on/{post.id}", data=form).status_code == 302

    comment = counted(counter, send)

    # 14, and one INSERT … ON CONFLICT DO NOTHING for following the thread one commented on.
    assert comment.round_trips <= 15
    assert comment.sent("BEGIN") == comment.sent("COMMIT") == 1
    assert comment.sent("ROLLBACK") == 0
    assert len(comments_of(post)) == WARM_UP + 1


def backend_of(app) -> int:
    with app.test_request_context(), db.engine.connect() as connection:
        return connection.scalar(text("SELECT pg_backend_pid()"))


def test_a_connection_the_server_ended_is_replaced_before_use(app, client, make_post):
    post = make_post("Still here")
    pid = backend_of(app)
    admin = create_engine(app.config["DATABASE_URL"])
    with admin.connect() as connection:
        # Returns once the backend has gone: its goodbye is on the app's idle connection.
        ended = connection.scalar(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid})
    admin.dispose()
    assert ended

    page = client.get(path_of(post))

    assert page.status_code == 200
    assert "Still here" in page.text
    assert backend_of(app) != pid


def test_rows_streamed_in_a_request_get_the_transaction_their_cursor_needs(app, make_post):
    for number in range(3):
        make_post(f"Streamed {number}")

    with app.test_request_context("/"):
        streamed = db.session.scalars(select(Post.title).execution_options(yield_per=2))
        titles = sorted(streamed)
        db.session.remove()

    assert titles == ["Streamed 0", "Streamed 1", "Streamed 2"]

"""Who may receive the digest and reply notices: one rule, the same in SQL and in Python."""

import pytest
from support.accounts import TEST_PASSWORD

from blogapp.account.operations import forget_identity
from blogapp.extensions import db
from blogapp.models import Subscription, User
from blogapp.subscriptions.operations import stop_subscription, subscription_of
from blogapp.subscriptions.receiving import Mailing, may_receive, may_receive_sql


@pytest.fixture
def readers(subscriber, make_user) -> dict[str, User]:
    """Readers in every state the rule tells apart, by name."""
    cast = {
        "both": subscriber("both@example.org"),
        "posts": subscriber("posts@example.org", streams={"posts"}),
        "stopped": subscriber("stopped@example.org"),
        "wants nothing": subscriber("nothing@example.org"),
        "banned": subscriber("banned@example.org"),
        "deleted": subscriber("deleted@example.org"),
        "unconfirmed": make_user(email="unconfirmed@example.org", confirmed=False),
        "never subscribed": make_user(email="plain@example.org"),
    }
    stop_subscription(cast["stopped"])
    nothing = subscription_of(cast["wants nothing"])
    nothing.wants_posts = nothing.wants_bulletins = False
    db.session.add(Subscription(user_id=cast["unconfirmed"].id))
    cast["banned"].banned = True
    forget_identity(cast["deleted"])
    for user in cast.values():
        user.notify_replies = True
    cast["posts"].notify_replies = False
    db.session.commit()
    return cast


def allowed_in_sql(kind: Mailing) -> set[int]:
    return set(db.session.scalars(db.select(User.id).where(may_receive_sql(kind))))


def allowed_in_python(readers: dict[str, User], kind: Mailing) -> set[int]:
    return {user.id for user in readers.values() if may_receive(user, kind)}


@pytest.mark.parametrize(
    ("kind", "allowed"),
    [
        (Mailing.DIGEST, {"both", "posts"}),
        (Mailing.REPLY_NOTICES, {"both", "stopped", "wants nothing", "never subscribed"}),
    ],
)
def test_sql_and_python_allow_the_same_readers(readers, kind, allowed):
    expected = {readers[name].id for name in allowed}
    assert allowed_in_python(readers, kind) == expected
    assert allowed_in_sql(kind) == expected


def test_a_page_reads_the_reader_and_their_subscription_in_one_statement(
    client, make_user, subscriber, count_queries
):
    reader = make_user(email="reader@example.org")
    client.login(reader.email, TEST_PASSWORD)
    with count_queries() as without_subscription:
        assert "Follow by email" in client.get("/").text

    client.submit("/subscribe", {"posts": "daily", "bulletins": "never"})
    with count_queries() as with_subscription:
        page = client.get("/").text
    assert "You get new posts by email, once a day." in page

    assert len(with_subscription) == len(without_subscription)
    reading_subscriptions = [sql for sql in with_subscription if "subscriptions" in sql]
    assert len(reading_subscriptions) == 1
    assert "FROM users LEFT OUTER JOIN subscriptions" in reading_subscriptions[0]

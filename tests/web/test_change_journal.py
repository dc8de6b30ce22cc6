"""The change journal: what each write path declares, and the net that catches a write that
declares nothing."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event, insert, select, text, update
from support.accounts import TEST_PASSWORD
from support.digests import FRIDAY_EVENING, SATURDAY, at
from support.feed_server import FeedServer, feed_server
from support.feeds import rss, rss_item

from blogapp import changes
from blogapp.blog.operations import POST_SHOWN_IN
from blogapp.bulletins.ingest import poll_all_feeds
from blogapp.bulletins.operations import BULLETIN_TOPICS, add_feed
from blogapp.comments.operations import post_comment, remove_comment
from blogapp.digest.runs import run_digest
from blogapp.extensions import db
from blogapp.importers.operations import import_blogger_export
from blogapp.models import Bulletin, Comment, Post, Subscription
from blogapp.signals import changes_committed
from blogapp.subscriptions.operations import save_subscription, stop_subscription

FEED = rss(rss_item("Pay offer: vote by Friday", guid="napo-1", description="<p>Vote.</p>"))


@pytest.fixture
def declared(app) -> Iterator[list[frozenset[str]]]:
    """The topics of every commit announced during the test, one set per announcement."""
    announced: list[frozenset[str]] = []

    def record(_app, topics: frozenset[str]) -> None:
        announced.append(topics)

    changes_committed.connect(record, weak=False)
    yield announced
    changes_committed.disconnect(record)


@pytest.fixture
def server(app) -> Iterator[FeedServer]:
    with feed_server() as running:
        yield running


def test_a_feed_poll_declares_the_bulletin_pages(server, declared):
    add_feed("Napo", server.serve("/napo.rss", FEED))
    declared.clear()

    poll_all_feeds()
    after_first_poll = list(declared)
    poll_all_feeds()

    assert after_first_poll == [frozenset(BULLETIN_TOPICS)]
    assert set(BULLETIN_TOPICS) == {"bulletins", "sidebar", "feeds", "search"}
    assert declared == after_first_poll, "a poll that finds nothing new declares nothing"


def test_fetch_now_declares_the_bulletin_pages(client, editor, server, declared):
    feed = add_feed("Napo", server.serve("/napo.rss", FEED))
    client.login(editor.email, TEST_PASSWORD)
    declared.clear()

    client.submit(f"/admin/feeds/{feed.id}/fetch", page="/admin/feeds")

    assert declared == [frozenset(BULLETIN_TOPICS)]


def test_a_blogger_import_declares_its_posts_and_threads(shared_fixtures: Path, declared):
    import_blogger_export(shared_fixtures / "blogger" / "omnishambles-classic.xml")

    [topics] = declared
    post_ids = set(db.session.scalars(select(Post.id)))
    commented = set(db.session.scalars(select(Comment.post_id)))
    assert {changes.post(post_id) for post_id in post_ids} <= topics
    assert {changes.new_comment(post_id) for post_id in commented} <= topics
    assert {"listings", "feeds", "sidebar", "search", "comment-counts"} <= topics
    assert "site" not in topics


def test_a_dry_run_import_declares_nothing(shared_fixtures: Path, declared):
    import_blogger_export(shared_fixtures / "blogger" / "omnishambles-classic.xml", dry_run=True)

    assert declared == []


def test_creating_an_account_from_the_command_line_declares_nothing(runner, declared):
    result = runner.invoke(
        args=["users", "create", "--email", "a@example.org", "--name", "A", "--role", "editor"],
        input="another long password\nanother long password\n",
    )

    assert result.exit_code == 0, result.output
    assert declared == []


def test_saving_or_stopping_a_subscription_declares_nothing(make_user, declared):
    reader = make_user()
    declared.clear()

    save_subscription(reader, True, False)
    save_subscription(reader, True, True)
    stop_subscription(reader)

    assert declared == []


def test_a_profile_setting_declares_nothing_but_a_new_name_changes_the_site(
    client, make_user, declared
):
    make_user(email="jo@example.org", name="Jo")
    client.login("jo@example.org", TEST_PASSWORD)
    declared.clear()

    settings = {"profile-anonymous_by_default": "y", "profile-notify_replies": "y"}
    client.submit("/account/profile", {"profile-display_name": "Jo", **settings}, page="/account")
    assert declared == []

    client.submit("/account/profile", {"profile-display_name": "Jo Bloggs"}, page="/account")
    assert declared == [frozenset({"site"})]


def test_a_digest_run_declares_nothing(subscriber, make_post, mailbox, declared):
    subscriber("both@example.org")
    make_post("Caseloads at breaking point", published_at=FRIDAY_EVENING)
    declared.clear()

    run_digest(clock=at(SATURDAY))

    assert declared == []


def test_a_new_comment_may_wait_but_its_removal_may_not(make_post, make_user, declared):
    post = make_post("Busy thread")
    author = make_user()
    declared.clear()

    written = post_comment(post, author, "First!", anonymous=False)
    remove_comment(written, author)

    added, removed = declared
    assert added == {changes.new_comment(post.id), "comment-counts"}
    assert changes.may_wait(added)
    assert changes.thread(post.id) in removed
    assert not changes.may_wait(removed)


def test_a_rolled_back_change_is_not_announced(make_post, declared):
    post = make_post("Kept")
    declared.clear()

    post.title = "Never saved"
    db.session.flush()
    db.session.rollback()

    assert declared == []


def test_a_statement_declares_through_its_execution_options(make_post, declared):
    post = make_post("Counted")
    declared.clear()

    db.session.execute(
        update(Post)
        .where(Post.id == post.id)
        .values(title="Renamed")
        .execution_options(changes=[changes.post(post.id)])
    )
    db.session.commit()

    assert declared == [frozenset({changes.post(post.id)})]


def test_a_declared_statement_that_flushes_first_is_still_declared(make_post, declared):
    post = make_post("Counted")
    declared.clear()

    post.comments_open = False
    db.session.execute(
        update(Post)
        .where(Post.id == post.id)
        .values(title="Renamed")
        .execution_options(changes=[changes.post(post.id)])
    )
    db.session.commit()

    assert declared == [frozenset({changes.post(post.id), *POST_SHOWN_IN})]


def test_a_writer_on_its_own_connection_declares_with_noting(make_post, declared):
    post = make_post("Restored")
    declared.clear()

    with changes.noting(changes.SITE), db.engine.begin() as connection:
        connection.execute(text("UPDATE posts SET title = 'Restored again' WHERE id = :id"),
                           {"id": post.id})  # fmt: skip

    assert declared == [frozenset({"site"})]


def test_an_undeclared_statement_through_the_session_fails_in_tests(make_post):
    post = make_post("Watched")

    with pytest.raises(changes.UndeclaredChange, match="'posts'"):
        db.session.execute(update(Post).where(Post.id == post.id).values(title="Sneaky"))


def test_an_undeclared_core_insert_on_a_connection_fails_in_tests(app):
    row = {"source": "Napo", "title": "T", "slug": "t", "published_at": db.func.now()}

    raised = pytest.raises(changes.UndeclaredChange, match="'bulletins'")
    with raised, db.engine.begin() as connection:
        connection.execute(insert(Bulletin).values(**row))


def test_an_undeclared_raw_write_fails_in_tests(make_user):
    user = make_user()

    with pytest.raises(changes.UndeclaredChange, match="'users'"):
        db.session.execute(text("UPDATE users SET display_name = 'X' WHERE id = :id"),
                           {"id": user.id})  # fmt: skip


def test_writes_to_tables_no_page_shows_need_no_declaration(subscriber, declared):
    subscriber("both@example.org")
    declared.clear()

    db.session.execute(update(Subscription).values(posts_rhythm="never"))
    db.session.commit()

    assert declared == []


def test_an_undeclared_write_counts_as_changing_the_site_outside_tests(make_post, declared):
    post = make_post("Watched")
    declared.clear()
    event.remove(db.engine, "before_cursor_execute", changes.refuse_undeclared)
    try:
        db.session.execute(update(Post).where(Post.id == post.id).values(title="Sneaky"))
        db.session.commit()
    finally:
        changes.refuse_undeclared_writes(db.engine)

    assert declared == [frozenset({"site"})]


def test_a_topic_outside_the_vocabulary_is_refused(app):
    with pytest.raises(changes.UnknownTopic):
        changes.note("posts")
    with pytest.raises(changes.UnknownTopic):
        changes.note("post:abc")


def test_a_noted_topic_is_announced_with_the_next_commit(app, declared):
    changes.note(changes.SIDEBAR)
    assert declared == []

    db.session.commit()

    assert declared == [frozenset({"sidebar"})]

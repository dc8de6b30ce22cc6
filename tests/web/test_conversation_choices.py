"""Choosing how the conversation comes (at once, in the digest, never), following a thread by
commenting on it, and what readers from before these choices keep getting."""

from datetime import UTC, datetime

import pytest
from flask_migrate import upgrade
from sqlalchemy import select, text
from support.accounts import TEST_PASSWORD
from support.clock import stop_the_app_clock
from support.comments import comment
from support.mail import text_of
from support.threads import add_comment

from blogapp import create_app
from blogapp.digest.runs import run_digest
from blogapp.extensions import db
from blogapp.following.mailing import mail_followers
from blogapp.following.operations import choose
from blogapp.models import FollowChoice, Subscription, ThreadFollow, User
from blogapp.models.subscriptions import ConversationRhythm, Rhythm
from blogapp.subscriptions.operations import save_rhythms, save_subscription, subscription_of

#: Saturday 24 September 2016, 09:00 in London, and the next morning's run.
SATURDAY = datetime(2016, 9, 24, 8, 0, tzinfo=UTC)
SUNDAY = datetime(2016, 9, 25, 8, 0, tzinfo=UTC)


@pytest.fixture
def fay(make_user):
    return make_user(email="fay@example.org", name="Fay Follower")


@pytest.fixture
def fay_client(client, fay):
    client.login(fay.email, TEST_PASSWORD)
    return client


def fresh_subscription(user) -> Subscription | None:
    db.session.expire_all()
    return subscription_of(user)


def test_the_subscribe_page_offers_the_conversation_with_clear_labels(fay_client):
    page = fay_client.get("/subscribe").text
    assert 'name="conversation"' in page
    assert "At once (replies as they come, followed threads at most hourly)" in page
    assert "In my email, with the rest" in page
    assert "Replies to your comments" in page


def test_a_conversation_only_reader_is_subscribed_and_the_page_says_what_comes(fay_client, fay):
    response = fay_client.submit(
        "/subscribe",
        {"posts": "never", "bulletins": "never", "weekly_day": "0", "conversation": "digest"},
        follow_redirects=True,
    )
    assert "Saved: you will get an email on the days there are replies" in response.text
    subscription = fresh_subscription(fay)
    assert subscription.conversation_rhythm == ConversationRhythm.DIGEST
    assert subscription.is_receiving
    assert '<option selected value="digest">In my email, with the rest</option>' in (
        fay_client.get("/account").text
    )


def test_never_for_everything_including_the_conversation_means_not_subscribed(fay_client, fay):
    response = fay_client.submit(
        "/subscribe",
        {"posts": "never", "bulletins": "never", "conversation": "never"},
        follow_redirects=True,
    )
    assert "you chose never for everything, so you are not subscribed" in response.text
    assert not fresh_subscription(fay).is_receiving


def test_posts_and_bulletins_never_with_the_conversation_at_once_says_what_still_comes(
    fay_client, fay
):
    response = fay_client.submit(
        "/subscribe",
        {"posts": "never", "bulletins": "never", "conversation": "at_once"},
        follow_redirects=True,
    )
    assert "so you get no daily email; replies and followed threads still come" in response.text
    assert not fresh_subscription(fay).is_receiving


@pytest.mark.parametrize("conversation", ["hourly", "", "DIGEST"])
def test_a_conversation_choice_the_form_does_not_offer_is_refused(fay_client, fay, conversation):
    response = fay_client.submit(
        "/subscribe", {"posts": "daily", "bulletins": "daily", "conversation": conversation}
    )
    assert response.status_code == 422
    assert fresh_subscription(fay) is None


def test_the_choice_needs_the_form_s_csrf_token(fay_client, fay):
    response = fay_client.post("/subscribe", data={"posts": "daily", "conversation": "digest"})
    assert response.status_code in (400, 422)
    assert fresh_subscription(fay) is None


def test_commenting_follows_the_thread_unless_the_reader_turned_that_off(
    app, fay_client, fay, make_post
):
    first = make_post("Caseloads")
    second = make_post("Pay award")
    assert "Follow a thread when I comment on it" in fay_client.get("/account").text

    comment(fay_client, first, "I follow this now.")
    fay_client.submit(
        "/account/profile", {"profile-display_name": "Fay Follower"}, page="/account"
    )  # the box left unticked
    comment(fay_client, second, "But not this one.")

    db.session.expire_all()
    follows = dict(
        db.session.execute(
            select(ThreadFollow.post_id, ThreadFollow.choice).where(ThreadFollow.user_id == fay.id)
        ).all()
    )
    assert follows == {first.id: FollowChoice.FOLLOWING}
    assert db.session.get(User, fay.id).follow_on_comment is False


def test_commenting_keeps_a_muted_thread_muted(app, fay_client, fay, make_post):
    post = make_post("Caseloads")
    comment(fay_client, post, "First word.")
    choose(fay, post, FollowChoice.MUTED)
    comment(fay_client, post, "Second word.")
    db.session.expire_all()
    assert db.session.scalars(
        select(ThreadFollow.choice).where(ThreadFollow.user_id == fay.id)
    ).all() == [FollowChoice.MUTED]


def test_a_subscriber_from_before_the_choice_keeps_notices_at_once_and_a_digest_without_them(
    app, monkeypatch, make_user, make_post, mailbox
):
    clock = stop_the_app_clock(monkeypatch, SATURDAY)
    old = make_user(email="old@example.org", name="Old Reader")
    old.notify_replies = True
    old.follow_on_comment = False
    db.session.commit()
    save_subscription(old, True, True)
    writer = make_user(email="writer@example.org", name="Writer")
    writer_client = app.test_client()
    writer_client.login(writer.email, TEST_PASSWORD)
    post = make_post("Caseloads", published_at=SATURDAY.replace(hour=7))
    choose(old, post, FollowChoice.FOLLOWING)
    mine = add_comment(post, "Old reader's comment", SATURDAY, user_id=old.id)
    db.session.commit()

    clock.now = SATURDAY.replace(hour=10)
    comment(writer_client, post, "Remark 1, a reply", reply_to=mine)
    clock.now = SATURDAY.replace(hour=12)
    add_comment(post, "Remark 2, in the thread", clock.now, user_id=writer.id)
    db.session.commit()
    clock.now = SATURDAY.replace(hour=13)
    assert mail_followers() == 1
    run_digest(clock=lambda: SUNDAY)

    assert fresh_subscription(old).conversation_rhythm == ConversationRhythm.AT_ONCE
    messages = {message["Subject"]: text_of(message) for message in mailbox.to(old.email)}
    assert len(messages) == 3
    (notice,) = [body for subject, body in messages.items() if "replied to your" in subject]
    assert "Remark 1" in notice
    (thread,) = [body for subject, body in messages.items() if "new comment" in subject]
    assert "Remark 2" in thread
    assert "Remark 1" not in thread, "a reply notice is not repeated by the thread mail"
    (digest,) = [body for subject, body in messages.items() if "On Probation" in subject]
    assert "Caseloads" in digest
    assert "Remark" not in digest
    assert "CONVERSATION" not in digest


def test_the_migration_gives_existing_subscribers_the_conversation_at_once(app_config, tmp_path):
    if not app_config["DATABASE_URL"].startswith("sqlite"):
        pytest.skip("the upgrade is run on a SQLite file of its own")
    before_path = tmp_path / "before.db"
    # Rows written as an older release would have: no page of this one shows them.
    config = {
        **app_config,
        "DATABASE_URL": f"sqlite:///{before_path}",
        "CHANGES_MUST_BE_DECLARED": False,
    }
    before = create_app(config)
    with before.app_context():
        upgrade(revision="20261207_digest_rhythms")
        db.session.execute(
            text(
                "INSERT INTO users (id, email, display_name, role, banned, created_at, "
                "session_token, anonymous_by_default, notify_replies, mail_moderation_queue) "
                "VALUES (1, 'old@example.org', 'Old', 'reader', 0, '2016-01-01 00:00:00', "
                "'t', 0, 1, 0)"
            )
        )
        db.session.execute(
            text(
                "INSERT INTO subscriptions (user_id, posts_rhythm, bulletins_rhythm, weekly_day, "
                "active, created_at, updated_at) VALUES (1, 'weekly', 'never', 2, 1, "
                "'2016-01-01 00:00:00', '2016-01-01 00:00:00')"
            )
        )
        db.session.commit()
        upgrade()
        subscription = db.session.scalar(select(Subscription))
        user = db.session.get(User, 1)
        assert subscription.conversation_rhythm == ConversationRhythm.AT_ONCE
        assert (subscription.posts_rhythm, subscription.weekly_day) == (Rhythm.WEEKLY, 2)
        assert user.follow_on_comment is False
        assert user.notify_replies is True
        db.session.remove()
        db.engine.dispose()


def test_the_digest_page_counts_conversation_only_editions(app, client, editor, make_user):
    for number, conversation in enumerate(
        [ConversationRhythm.DIGEST, ConversationRhythm.DIGEST, ConversationRhythm.AT_ONCE]
    ):
        user = make_user(email=f"talk{number}@example.org")
        save_rhythms(user, Rhythm.NEVER, Rhythm.NEVER, 0, conversation)
    daily = make_user(email="daily@example.org")
    save_rhythms(daily, Rhythm.DAILY, Rhythm.NEVER, 0, ConversationRhythm.DIGEST)
    client.login(editor.email, TEST_PASSWORD)

    page = client.get("/admin/digest").text

    assert "1 reader gets a daily edition" in page
    assert "2 readers have a conversation-only edition" in page

"""Following a thread: at most one mail an hour of its new comments, a stop link, and muting."""

from datetime import timedelta

import pytest
from support.accounts import TEST_PASSWORD
from support.clock import stop_the_app_clock
from support.comments import comment, comments_of, path_of
from support.mail import html_of, link_in, text_of
from support.threads import add_comment

from blogapp.dates import utcnow
from blogapp.extensions import db
from blogapp.following.mailing import mail_followers
from blogapp.models import CommentState, MailedComment


@pytest.fixture
def clock(monkeypatch):
    return stop_the_app_clock(monkeypatch, utcnow())


@pytest.fixture
def thread(app, clock, make_post, make_user):
    """A post, a logged-in follower's client, and another reader who comments anonymously."""
    post = make_post("Caseloads")
    follower = make_user(email="follower@example.org", name="Fay Follower")
    writer = make_user(email="writer@example.org", name="Secret Writer")
    follower_client = app.test_client()
    follower_client.login(follower.email, TEST_PASSWORD)
    return post, follower, writer, follower_client


def follow(reader_client, post):
    return reader_client.submit(f"/comments/on/{post.id}/follow", page=path_of(post))


def written(post, body, clock, user, **kwargs):
    clock.advance(timedelta(minutes=1))
    add_comment(post, body, clock.now, user_id=user.id, **kwargs)
    db.session.commit()


def anonymously(post, body, clock, user):
    written(post, body, clock, user)
    newest = comments_of(post)[-1]
    newest.anonymous = True
    db.session.commit()


def test_a_follower_is_mailed_new_shown_comments_sorted_and_anonymous_stays_so(
    thread, clock, mailbox
):
    post, follower, writer, follower_client = thread
    assert follow(follower_client, post).status_code == 302
    anonymously(post, "First of the evening.", clock, writer)
    written(post, "Held for approval.", clock, writer, state=CommentState.PENDING)
    written(post, "My own comment.", clock, follower)
    written(post, "Second of the evening.", clock, writer)

    assert mail_followers() == 1

    (message,) = mailbox.to(follower.email)
    text = text_of(message)
    assert message["Subject"] == "2 new comments on “Caseloads”"
    assert text.index("First of the evening.") < text.index("Second of the evening.")
    assert "Anonymous" in text
    assert text.count("Secret Writer") == 1
    assert html_of(message).count("Secret Writer") == 1
    assert "Held for approval." not in text
    assert "My own comment." not in text
    assert message["List-Unsubscribe"].startswith("<http://blog.test/threads/stop/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_at_most_one_mail_an_hour_and_nothing_twice(thread, clock, mailbox):
    post, follower, writer, follower_client = thread
    follow(follower_client, post)
    written(post, "Before the first mail.", clock, writer)
    mail_followers()
    written(post, "Ten minutes later.", clock, writer)
    clock.advance(timedelta(minutes=9))

    assert mail_followers() == 0
    assert len(mailbox.to(follower.email)) == 1

    clock.advance(timedelta(minutes=50))
    assert mail_followers() == 1
    assert mail_followers() == 0

    _, second = mailbox.to(follower.email)
    assert "Ten minutes later." in text_of(second)
    assert "Before the first mail." not in text_of(second)
    assert db.session.scalar(db.select(db.func.count()).select_from(MailedComment)) == 2


def test_comments_written_before_following_are_not_mailed(thread, clock, mailbox):
    post, follower, writer, follower_client = thread
    written(post, "Old news.", clock, writer)
    clock.advance(timedelta(minutes=1))
    follow(follower_client, post)

    assert mail_followers() == 0
    assert mailbox.to(follower.email) == []


def test_the_stop_link_asks_first_then_one_click_stops(app, thread, clock, mailbox):
    post, follower, writer, follower_client = thread
    follow(follower_client, post)
    written(post, "Something to mail.", clock, writer)
    mail_followers()
    (message,) = mailbox.to(follower.email)
    stop = link_in(message, "/threads/stop/")
    visitor = app.test_client()

    page = visitor.get(stop)
    assert page.status_code == 200
    assert "Stop mail about new comments on “Caseloads”" in page.text
    assert visitor.post(stop).status_code == 400
    done = visitor.post(stop, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert "No more mail about new comments" in done.text

    clock.advance(timedelta(hours=2))
    written(post, "After stopping.", clock, writer)
    assert mail_followers() == 0
    assert "Follow this thread by email" in follower_client.get(path_of(post)).text


def test_the_stop_page_s_button_stops_every_thread_from_the_header(app, thread, clock, mailbox):
    post, follower, writer, follower_client = thread
    follow(follower_client, post)
    written(post, "Something to mail.", clock, writer)
    mail_followers()
    (message,) = mailbox.to(follower.email)
    stop_all = message["List-Unsubscribe"].strip("<>").removeprefix("http://blog.test")
    visitor = app.test_client()

    done = visitor.submit(stop_all, page=stop_all)

    assert "No more mail about new comments on the threads you followed" in done.text
    assert "Stop following" not in follower_client.get(path_of(post)).text


@pytest.mark.parametrize("token", ["nonsense", "WzEsIG51bGxd.forged"])
def test_a_broken_stop_link_changes_nothing(client, thread, token):
    post, _, _, follower_client = thread
    follow(follower_client, post)
    assert client.get(f"/threads/stop/{token}").status_code == 400
    response = client.post(f"/threads/stop/{token}", data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 400
    assert "Stop following" in follower_client.get(path_of(post)).text


def test_muting_a_thread_silences_reply_notices_and_its_mail(app, thread, clock, mailbox):
    post, follower, writer, follower_client = thread
    follower.notify_replies = True
    db.session.commit()
    comment(follower_client, post, "What do others think?")
    answered = comments_of(post)[0]
    muted = follower_client.submit(f"/comments/on/{post.id}/mute", page=path_of(post))
    assert muted.status_code == 302
    assert "You have muted this thread" in follower_client.get(path_of(post)).text

    writer_client = app.test_client()
    writer_client.login(writer.email, TEST_PASSWORD)
    comment(writer_client, post, "A reply nobody is told of.", reply_to=answered.id)
    clock.advance(timedelta(hours=2))
    mail_followers()

    assert mailbox.to(follower.email) == []


def test_only_a_commenter_may_mute_and_every_choice_needs_its_form(client, thread):
    post, _, _, follower_client = thread
    page = follower_client.get(path_of(post)).text
    assert "Mute this thread" not in page

    refused = follower_client.submit(f"/comments/on/{post.id}/mute", page=path_of(post))
    assert refused.status_code == 403
    assert follower_client.post(f"/comments/on/{post.id}/follow").status_code == 400
    assert "Follow this thread by email" in follower_client.get(path_of(post)).text
    assert client.post(f"/comments/on/{post.id}/follow").status_code in (400, 302)
    assert (
        follower_client.submit("/comments/on/999999/follow", page=path_of(post)).status_code == 404
    )


def test_the_follow_state_never_reaches_the_page_visitors_share(app, thread):
    post, _, _, follower_client = thread
    follow(follower_client, post)
    visitor = app.test_client()
    visitor.get(path_of(post))

    assert "Stop following" in follower_client.get(path_of(post)).text
    shared = visitor.get(path_of(post)).text
    assert "Stop following" not in shared
    assert "Log in</a> to follow this thread" in shared


def test_replies_come_at_once_then_with_the_hourly_mail_and_never_twice(
    app, thread, clock, mailbox
):
    post, follower, writer, follower_client = thread
    follower.notify_replies = True
    follower.follow_on_comment = False
    db.session.commit()
    comment(follower_client, post, "What do others think?")
    answered = comments_of(post)[0]
    writer_client = app.test_client()
    writer_client.login(writer.email, TEST_PASSWORD)
    clock.advance(timedelta(minutes=1))

    comment(writer_client, post, "The first answer.", reply_to=answered.id)
    clock.advance(timedelta(minutes=10))
    comment(writer_client, post, "The second answer.", reply_to=answered.id)
    clock.advance(timedelta(minutes=10))
    assert mail_followers() == 0, "one mail an hour at most"
    assert len(mailbox.to(follower.email)) == 1
    clock.advance(timedelta(minutes=41))
    assert mail_followers() == 1
    assert mail_followers() == 0

    first, hourly = mailbox.to(follower.email)
    assert "The first answer." in text_of(first)
    assert "The second answer." in text_of(hourly)
    assert "The first answer." not in text_of(hourly)
    assert "Stop following this thread" not in text_of(hourly), "a thread they do not follow"
    assert "/account" in text_of(hourly)
    assert db.session.scalar(db.select(db.func.count()).select_from(MailedComment)) == 2

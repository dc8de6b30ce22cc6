"""The conversation in the digest, on the fake clock over days, through a real SMTP server:
replies and followed threads per post as the page shows them, a mute link that works, the
conversation at once or in the digest without anything twice, and a retry that sends what
the run recorded."""

import re
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from support.accounts import TEST_PASSWORD
from support.bulletins import add_bulletin
from support.clock import stop_the_app_clock
from support.comments import comment
from support.mail import html_of, link_in, text_of
from support.threads import add_comment

from blogapp.comments.operations import approve_comments
from blogapp.digest.runs import run_digest
from blogapp.extensions import db
from blogapp.following.mailing import mail_followers
from blogapp.following.operations import choose
from blogapp.mail.transport import deliver_over_smtp
from blogapp.models import (
    Comment,
    CommentState,
    DeliveryState,
    DigestDelivery,
    FollowChoice,
    ThreadFollow,
)
from blogapp.models.subscriptions import MONDAY, ConversationRhythm, Rhythm
from blogapp.subscriptions.operations import save_rhythms

#: Saturday 24 September 2016, 09:00 in London: after that day's 07:00 (06:00 UTC) digest.
FIRST_DAY = datetime(2016, 9, 24, 8, 0, tzinfo=UTC)
DAY = timedelta(days=1)
REMARK = re.compile(r"Remark \d+")


def day(number: int, hour: int = 8, minute: int = 0) -> datetime:
    """``number`` days after Saturday 24 September 2016, at ``hour``:``minute`` UTC."""
    return FIRST_DAY.replace(hour=hour, minute=minute) + number * DAY


def stopped_at(moment: datetime):
    return lambda: moment


@pytest.fixture
def clock(monkeypatch):
    return stop_the_app_clock(monkeypatch, FIRST_DAY)


@pytest.fixture
def reader(app, make_user):
    """``reader(email, name, posts=…, conversation=…)``: a subscriber who wants replies."""

    def make(
        email: str,
        name: str,
        posts: Rhythm = Rhythm.NEVER,
        bulletins: Rhythm = Rhythm.NEVER,
        conversation: ConversationRhythm = ConversationRhythm.DIGEST,
    ):
        user = make_user(email=email, name=name)
        user.notify_replies = True
        db.session.commit()
        save_rhythms(user, posts, bulletins, MONDAY, conversation)
        return user

    return make


def said(post, body, when, author=None, reply_to=None, anonymous=False, state=None) -> int:
    """A comment written at ``when`` (by ``author``, answering ``reply_to``)."""
    comment_id = add_comment(
        post,
        body,
        when,
        parent_id=reply_to,
        user_id=author.id if author else None,
        state=state or CommentState.VISIBLE,
    )
    db.session.get(Comment, comment_id).anonymous = anonymous
    db.session.commit()
    return comment_id


def remarks(message) -> tuple[list[str], list[str]]:
    """The remarks a message carries, in its text part and in its HTML part."""
    return REMARK.findall(text_of(message)), REMARK.findall(html_of(message))


def remarks_to(mailbox, address: str) -> Counter:
    """Every remark any message to ``address`` carried (its text part), repeats counted."""
    return Counter(remark for message in mailbox.to(address) for remark in remarks(message)[0])


def follows(user, post) -> None:
    """``user`` follows ``post``'s thread from the app clock's now on."""
    choose(user, post, FollowChoice.FOLLOWING)


def test_the_edition_lists_each_post_s_replies_and_followed_comments_as_the_page_shows_them(
    app, clock, reader, make_post, mailbox
):
    fay = reader("fay@example.org", "Fay Follower")
    writer = reader("writer@example.org", "Secret Writer", conversation=ConversationRhythm.NEVER)
    caseloads = make_post("Caseloads", published_at=day(-2))
    pay = make_post("Pay award", published_at=day(-2))
    follows(fay, pay)
    mine = said(caseloads, "Remark 1, mine", day(0, 9), fay)
    answer = said(caseloads, "Remark 2", day(0, 19), writer, reply_to=mine, anonymous=True)
    named = said(pay, "Remark 3", day(0, 20, 42), writer)
    said(pay, "Remark 4", day(0, 20, 50), writer, state=CommentState.PENDING)
    said(pay, "Remark 5", day(0, 20, 55), writer, state=CommentState.REMOVED_BY_AUTHOR)
    said(pay, "Remark 6", day(0, 21), fay)
    hidden_name = said(pay, "Remark 7", day(0, 22, 42), writer, anonymous=True)
    said(caseloads, "Remark 8", day(0, 23), writer)  # not a reply, and Caseloads not followed

    run_digest(clock=stopped_at(day(1)))

    (message,) = mailbox.to(fay.email)
    assert mailbox.to(writer.email) == []
    assert message["Subject"] == "3 replies — On Probation, Sunday 25 September 2016"
    text, html = text_of(message), html_of(message)
    assert remarks(message) == (["Remark 2", "Remark 3", "Remark 7"],) * 2
    for part in (text, html):
        assert part.index("Caseloads") < part.index("Pay award"), "oldest news first"
        assert part.count("Anonymous") == 2
        assert part.count("Secret Writer") == 1, "only the comment signed with the name"
        for london_time in ("at 20:00", "at 21:42", "at 23:42"):
            assert london_time in part
        for comment_id in (answer, named, hidden_name):
            assert f"http://blog.test/comments/{comment_id}" in part
        assert part.count("http://blog.test/threads/mute/") == 2, "one mute link per post"
    assert "CONVERSATION" in text
    assert ">Conversation</h2>" in html


def test_a_conversation_only_reader_gets_an_edition_only_when_there_is_conversation(
    app, clock, reader, make_post, mailbox
):
    quiet = reader("quiet@example.org", "Quiet Reader")
    daily = reader("daily@example.org", "Daily Reader", posts=Rhythm.DAILY, bulletins=Rhythm.DAILY)
    writer = reader("writer@example.org", "Writer", conversation=ConversationRhythm.NEVER)
    post = make_post("Caseloads", published_at=day(-2))
    follows(quiet, post)
    follows(daily, post)
    make_post("Probation news", published_at=day(1, 20))
    bulletin = add_bulletin("Bulletin 1", published_at=day(1, 19))
    bulletin.created_at = day(1, 19)
    said(post, "Remark 1", day(1, 21), writer)
    said(post, "Remark 2", day(1, 22), writer)
    said(post, "Remark 3", day(2, 21), writer, state=CommentState.PENDING)

    got = {}
    for number in range(1, 5):
        before = len(mailbox.received)
        run_digest(clock=stopped_at(day(number)))
        got[number] = sorted(a for item in mailbox.received[before:] for a in item.recipients)

    assert got == {
        1: [],
        2: ["daily@example.org", "quiet@example.org"],
        3: [],
        4: [],
    }
    (edition,) = mailbox.to(daily.email)
    assert edition["Subject"].startswith("1 new post, 1 bulletin and 2 replies — On Probation")
    (only_talk,) = mailbox.to(quiet.email)
    assert only_talk["Subject"].startswith("2 replies — On Probation")
    assert "Probation news" not in text_of(only_talk)
    assert remarks(only_talk) == (["Remark 1", "Remark 2"],) * 2
    assert remarks(edition) == (["Remark 1", "Remark 2"],) * 2
    db.session.expire_all()
    states = db.session.scalars(
        select(DigestDelivery.state)
        .where(DigestDelivery.user_id == quiet.id)
        .order_by(DigestDelivery.run_id)
    ).all()
    nothing = DeliveryState.SKIPPED_EMPTY
    assert states == [nothing, DeliveryState.SENT, nothing, nothing], "a held comment is no news"


def test_a_held_comment_is_news_from_when_an_editor_approves_it(
    app, clock, reader, editor, make_post, mailbox
):
    quiet = reader("quiet@example.org", "Quiet Reader")
    writer = reader("writer@example.org", "Writer", conversation=ConversationRhythm.NEVER)
    post = make_post("Caseloads", published_at=day(-2))
    follows(quiet, post)
    held = said(post, "Remark 1", day(0, 21), writer, state=CommentState.PENDING)

    got = {}
    for number in range(1, 4):
        before = len(mailbox.received)
        run_digest(clock=stopped_at(day(number)))
        got[number] = [a for item in mailbox.received[before:] for a in item.recipients]
        if number == 1:
            clock.now = day(1, 10)
            approve_comments([db.session.get(Comment, held)], editor)

    assert got == {1: [], 2: ["quiet@example.org"], 3: []}
    (edition,) = mailbox.to(quiet.email)
    assert remarks(edition) == (["Remark 1"],) * 2


def test_a_busy_thread_shows_its_first_comments_and_links_the_rest(
    app, clock, reader, make_post, mailbox
):
    quiet = reader("quiet@example.org", "Quiet Reader")
    writer = reader("writer@example.org", "Writer", conversation=ConversationRhythm.NEVER)
    post = make_post("Caseloads", published_at=day(-2))
    follows(quiet, post)
    written = [said(post, f"Remark {number}", day(0, 9, number), writer) for number in range(12)]

    run_digest(clock=stopped_at(day(1)))

    (edition,) = mailbox.to(quiet.email)
    assert edition["Subject"].startswith("12 replies — On Probation")
    shown = [f"Remark {number}" for number in range(10)]
    assert remarks(edition) == (shown, shown)
    for part in (text_of(edition), html_of(edition)):
        assert "And 2 more comments" in part
        assert f"/comments/{written[10]}" in part


def test_the_mute_link_mutes_the_thread_without_logging_in(
    app, clock, reader, make_post, mailbox, client
):
    fay = reader("fay@example.org", "Fay Follower")
    writer = reader("writer@example.org", "Writer", conversation=ConversationRhythm.NEVER)
    noisy = make_post("Noisy thread", published_at=day(-2))
    calm = make_post("Calm thread", published_at=day(-2))
    follows(fay, noisy)
    follows(fay, calm)
    mine = said(noisy, "Fay's word", day(0, 19), fay)
    said(noisy, "Remark 1", day(0, 20), writer)
    run_digest(clock=stopped_at(day(1)))
    (first,) = mailbox.to(fay.email)
    mute = link_in(first, "/threads/mute/")

    assert client.get(mute[:-2] + "xx").status_code == 400
    page = client.get(mute)
    assert page.status_code == 200
    assert "Noisy thread" in page.text
    assert client.submit(mute, page=mute).status_code == 200
    said(noisy, "Remark 2", day(1, 20), writer)
    said(noisy, "Remark 4", day(1, 20, 30), writer, reply_to=mine)
    said(calm, "Remark 3", day(1, 21), writer)
    run_digest(clock=stopped_at(day(2)))

    db.session.expire_all()
    choice = db.session.scalar(
        select(ThreadFollow.choice).where(
            ThreadFollow.post_id == noisy.id, ThreadFollow.user_id == fay.id
        )
    )
    assert choice == FollowChoice.MUTED
    assert remarks_to(mailbox, fay.email) == Counter(["Remark 1", "Remark 3"])


def test_switching_the_conversation_from_at_once_to_the_digest_mid_week_sends_nothing_twice(
    app, clock, reader, make_post, mailbox
):
    fay = reader(
        "fay@example.org", "Fay", posts=Rhythm.DAILY, conversation=ConversationRhythm.AT_ONCE
    )
    make_user_client = app.test_client()
    writer = reader("writer@example.org", "Writer", conversation=ConversationRhythm.NEVER)
    make_user_client.login(writer.email, TEST_PASSWORD)
    post = make_post("Caseloads", published_at=day(-2))
    follows(fay, post)
    mine = said(post, "Fay's first word", day(0, 9), fay)

    said(post, "Remark 1", day(0, 20), writer)
    clock.now = day(0, 21)
    assert mail_followers() == 1, "at once: the thread mail"
    run_digest(clock=stopped_at(day(1)))
    clock.now = day(1, 10)
    comment(make_user_client, post, "Remark 2", reply_to=mine)  # a reply notice, at once
    said(post, "Remark 3", day(1, 10, 30), writer)
    clock.now = day(1, 10, 45)
    assert mail_followers() == 0, "at most one mail an hour"
    clock.now = day(1, 11, 5)
    assert mail_followers() == 1
    clock.now = day(1, 12)
    save_rhythms(fay, Rhythm.DAILY, Rhythm.NEVER, MONDAY, ConversationRhythm.DIGEST)
    said(post, "Remark 4", day(1, 15), writer)
    clock.now = day(1, 15, 30)
    comment(make_user_client, post, "Remark 5", reply_to=mine)  # no notice: in the digest
    clock.now = day(1, 17)
    assert mail_followers() == 0
    run_digest(clock=stopped_at(day(2)))
    run_digest(clock=stopped_at(day(3)))

    assert remarks_to(mailbox, fay.email) == Counter(f"Remark {n}" for n in range(1, 6))
    (notice,) = [m for m in mailbox.to(fay.email) if "replied to your comment" in m["Subject"]]
    assert "Remark 2" in text_of(notice)
    (edition,) = [m for m in mailbox.to(fay.email) if "On Probation" in m["Subject"]]
    assert edition["Subject"].startswith("2 replies — On Probation, Monday 26 September")
    assert remarks(edition) == (["Remark 4", "Remark 5"],) * 2


class SenderDied(Exception):
    """The sending process dies with a message in hand."""


def die_before_sending(connection, message) -> None:
    raise SenderDied


def test_a_retry_after_a_crash_sends_the_conversation_the_run_recorded(
    app, clock, reader, make_post, mailbox
):
    fay = reader("fay@example.org", "Fay", posts=Rhythm.DAILY)
    writer = reader("writer@example.org", "Writer", conversation=ConversationRhythm.NEVER)
    post = make_post("Caseloads", published_at=day(-2))
    follows(fay, post)
    said(post, "Remark 1", day(0, 20), writer)
    said(post, "Remark 2", day(0, 21), writer)
    with pytest.raises(SenderDied):
        run_digest(clock=stopped_at(day(1)), deliver=die_before_sending)
    (interrupted,) = db.session.scalars(select(DigestDelivery)).all()
    assert interrupted.state == DeliveryState.SENDING

    said(post, "Remark 3", day(0, 22), writer)  # committed late, inside the run's window
    save_rhythms(fay, Rhythm.DAILY, Rhythm.NEVER, MONDAY, ConversationRhythm.AT_ONCE)
    clock.now = day(1, 8, 5)
    mail_followers()
    run_digest(clock=stopped_at(day(1, 8, 10)), deliver=deliver_over_smtp)

    (edition,) = [m for m in mailbox.to(fay.email) if "On Probation" in m["Subject"]]
    (thread_mail,) = [m for m in mailbox.to(fay.email) if "On Probation" not in m["Subject"]]
    assert edition["Message-ID"] == interrupted.message_id
    assert remarks(edition) == (["Remark 1", "Remark 2"],) * 2
    assert remarks(thread_mail)[0] == ["Remark 3"]
    assert remarks_to(mailbox, fay.email) == Counter(["Remark 1", "Remark 2", "Remark 3"])


def test_the_preview_follows_the_reader_s_rhythm_and_shows_the_conversation_of_a_day(
    app, clock, reader, make_post, runner
):
    wendy = reader("wendy@example.org", "Wendy Weekly", posts=Rhythm.WEEKLY)
    writer = reader("writer@example.org", "Writer", conversation=ConversationRhythm.NEVER)
    post = make_post("Caseloads", published_at=day(0, 19))
    follows(wendy, post)
    said(post, "Remark 1", day(0, 20), writer)

    next_one = runner.invoke(args=["digest", "preview", "--email", wendy.email])
    sunday = runner.invoke(args=["digest", "preview", "--email", wendy.email, "--on", "2016-09-25"])
    monday = runner.invoke(args=["digest", "preview", "--email", wendy.email, "--on", "2016-09-26"])

    subject = "Subject: 1 new post and 1 reply — On Probation, Monday 26 September 2016"
    assert subject in next_one.output
    assert "Remark 1" in next_one.output
    assert "Mute this thread: http://blog.test/threads/mute/" in next_one.output
    assert "Nothing for wendy@example.org in the edition of" in sunday.output
    assert monday.output == next_one.output
    assert db.session.scalars(select(DigestDelivery)).all() == [], "nothing recorded"


def test_comments_of_an_edition_that_never_went_out_come_by_the_reader_s_new_choice(
    app, clock, reader, make_post, mailbox
):
    fay = reader("fay@example.org", "Fay")
    writer = reader("writer@example.org", "Writer", conversation=ConversationRhythm.NEVER)
    post = make_post("Caseloads", published_at=day(-2))
    follows(fay, post)
    said(post, "Remark 1", day(0, 20), writer)
    shutting_down = threading.Event()
    shutting_down.set()
    run_digest(clock=stopped_at(day(1)), stop=shutting_down)  # the run made, nothing sent
    assert db.session.scalar(select(DigestDelivery.state)) == DeliveryState.PENDING

    save_rhythms(fay, Rhythm.NEVER, Rhythm.NEVER, MONDAY, ConversationRhythm.AT_ONCE)
    run_digest(clock=stopped_at(day(1, 8, 5)), deliver=deliver_over_smtp)
    clock.now = day(1, 8, 10)
    assert mail_followers() == 1

    db.session.expire_all()
    assert db.session.scalar(select(DigestDelivery.state)) == DeliveryState.CANCELLED
    assert remarks_to(mailbox, fay.email) == Counter(["Remark 1"])

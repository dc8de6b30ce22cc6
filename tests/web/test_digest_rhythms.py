"""Each reader's rhythm over several weeks, on the fake clock, through a real SMTP server:
weekly readers get their week on their day, a change of rhythm neither skips nor repeats an
item, an outage on a Monday is caught up, and two senders share weekly editions."""

import re
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from support.accounts import TEST_PASSWORD
from support.bulletins import add_bulletin
from support.clock import stop_the_app_clock
from support.mail import html_of, text_of
from support.smtp import Mailbox

from blogapp.digest.runs import run_digest
from blogapp.extensions import db
from blogapp.mail.suppression import suppress
from blogapp.mail.transport import deliver_over_smtp
from blogapp.models import DeliveryState, DigestDelivery, SuppressionReason, User
from blogapp.models.subscriptions import Rhythm
from blogapp.subscriptions.operations import save_rhythms

#: 08:00 UTC on a day of autumn 2016: after that day's 07:00 London (06:00 UTC) digest.
FIRST_DAY = datetime(2016, 9, 24, 8, 0, tzinfo=UTC)  # a Saturday
MONDAY = datetime(2016, 9, 26, 8, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def day(number: int) -> datetime:
    """The morning ``number`` days after Saturday 24 September 2016."""
    return FIRST_DAY + number * DAY


def reader(email: str, posts: Rhythm, bulletins: Rhythm = Rhythm.NEVER, weekly_day: int = 0):
    user = User(email=email, display_name=email.split("@")[0], email_confirmed_at=FIRST_DAY)
    db.session.add(user)
    db.session.commit()
    save_rhythms(user, posts, bulletins, weekly_day)
    return user


def titles_to(mailbox: Mailbox, address: str, prefix: str = "Post ") -> list[str]:
    """Every item title each message to ``address`` carried, in order, repeats kept."""
    found = []
    for message in mailbox.to(address):
        text = text_of(message)
        found += [line for line in text.splitlines() if re.fullmatch(rf"{prefix}\d+", line)]
    return found


def publish_every_evening(make_post, days: range) -> list[str]:
    """A post at 20:00 UTC on each day: 'Post 0' on Saturday 24 September, and so on."""
    titles = []
    for number in days:
        published = day(number).replace(hour=20)
        make_post(f"Post {number}", published_at=published)
        titles.append(f"Post {number}")
    return titles


def stopped_at(moment: datetime):
    return lambda: moment


def run_each_morning(days: range, mailbox: Mailbox) -> dict[int, list[str]]:
    """Run the digest each morning; who got mail on which day."""
    got = {}
    for number in days:
        before = len(mailbox.received)
        run_digest(clock=stopped_at(day(number)))
        got[number] = sorted(a for item in mailbox.received[before:] for a in item.recipients)
    return got


def test_a_weekly_reader_gets_the_whole_week_on_mondays_only_and_each_item_once(
    app, make_post, mailbox
):
    reader("weekly@example.org", posts=Rhythm.WEEKLY)
    reader("daily@example.org", posts=Rhythm.DAILY)
    titles = publish_every_evening(make_post, range(0, 16))

    got = run_each_morning(range(1, 17), mailbox)

    mondays = [number for number in got if day(number).weekday() == 0]
    assert mondays == [2, 9, 16]
    for number, addresses in got.items():
        assert ("weekly@example.org" in addresses) == (number in mondays), number
        assert "daily@example.org" in addresses
    assert Counter(titles_to(mailbox, "daily@example.org")) == Counter(titles)
    assert Counter(titles_to(mailbox, "weekly@example.org")) == Counter(titles)
    first_monday = mailbox.to("weekly@example.org")[0]
    assert first_monday["Subject"].startswith("2 new posts — On Probation")
    assert "Post 1" in html_of(first_monday)
    assert "Post 0" in html_of(first_monday)


def test_one_email_a_day_holds_the_day_s_posts_and_the_week_s_bulletins(app, make_post, mailbox):
    reader("mixed@example.org", posts=Rhythm.DAILY, bulletins=Rhythm.WEEKLY, weekly_day=0)
    for number in range(0, 3):
        bulletin = add_bulletin(f"Bulletin {number}", published_at=day(number).replace(hour=19))
        bulletin.created_at = day(number).replace(hour=19)
    db.session.commit()
    publish_every_evening(make_post, range(0, 3))

    run_each_morning(range(1, 4), mailbox)

    sunday, monday, tuesday = mailbox.to("mixed@example.org")
    assert sorted(titles_to(mailbox, "mixed@example.org", "Bulletin ")) == [
        "Bulletin 0",
        "Bulletin 1",
    ]
    assert "Bulletin" not in text_of(sunday)
    assert "Bulletin" not in text_of(tuesday)
    assert monday["Subject"].startswith("1 new post and 2 bulletins — On Probation")
    assert "Post 1" in text_of(monday)
    assert "Post 0" not in text_of(monday)
    for part in (text_of(monday), html_of(monday)):
        assert "Bulletin 0" in part
        assert "Bulletin 1" in part
        assert "Post 1" in part


def test_a_reader_moving_from_weekly_to_daily_mid_week_gets_the_week_once(app, make_post, mailbox):
    switcher = reader("switcher@example.org", posts=Rhythm.WEEKLY)
    titles = publish_every_evening(make_post, range(0, 8))

    run_each_morning(range(1, 5), mailbox)  # Sunday to Wednesday: Monday's edition only
    assert len(mailbox.to("switcher@example.org")) == 1
    save_rhythms(switcher, Rhythm.DAILY, Rhythm.NEVER)
    got = run_each_morning(range(5, 9), mailbox)  # Thursday on: every day

    assert all("switcher@example.org" in addresses for addresses in got.values())
    thursday = mailbox.to("switcher@example.org")[1]
    assert [t for t in titles_to(mailbox, "switcher@example.org") if t in text_of(thursday)] == [
        "Post 4",
        "Post 3",
        "Post 2",
    ]
    assert Counter(titles_to(mailbox, "switcher@example.org")) == Counter(titles)


def test_a_reader_moving_from_daily_to_weekly_gets_the_days_since_their_last_email_once(
    app, make_post, mailbox
):
    switcher = reader("switcher@example.org", posts=Rhythm.DAILY)
    titles = publish_every_evening(make_post, range(0, 9))

    run_each_morning(range(1, 4), mailbox)  # Sunday, Monday, Tuesday: daily
    save_rhythms(switcher, Rhythm.WEEKLY, Rhythm.NEVER, weekly_day=4)  # Fridays
    got = run_each_morning(range(4, 10), mailbox)

    assert [n for n, a in got.items() if "switcher@example.org" in a] == [6]
    assert Counter(titles_to(mailbox, "switcher@example.org")) == Counter(titles[:6])


def test_the_server_down_all_monday_catches_up_on_tuesday_and_nothing_comes_twice(
    app, make_post, mailbox
):
    reader("weekly@example.org", posts=Rhythm.WEEKLY)
    reader("daily@example.org", posts=Rhythm.DAILY)
    titles = publish_every_evening(make_post, range(0, 5))

    run_each_morning(range(1, 2), mailbox)  # Sunday; then nothing runs on Monday
    got = run_each_morning(range(3, 6), mailbox)  # Tuesday to Thursday

    assert got[3] == ["daily@example.org", "weekly@example.org"], "Monday's edition, late"
    assert "weekly@example.org" not in got[4] + got[5]
    assert Counter(titles_to(mailbox, "daily@example.org")) == Counter(titles)
    assert Counter(titles_to(mailbox, "weekly@example.org")) == Counter(titles[:3])


def test_a_mail_server_down_on_monday_morning_gets_the_weekly_editions_once_it_is_back(
    app, make_post, mailbox
):
    reader("weekly@example.org", posts=Rhythm.WEEKLY)
    titles = publish_every_evening(make_post, range(0, 3))
    mailbox.hang_up_after(0)
    run_digest(clock=stopped_at(MONDAY))
    assert mailbox.to("weekly@example.org") == []

    mailbox.stop_hanging_up()
    for minutes in (5, 30, 120):
        run_digest(clock=stopped_at(MONDAY + timedelta(minutes=minutes)))
    run_each_morning(range(3, 5), mailbox)

    assert len(mailbox.to("weekly@example.org")) == 1
    assert Counter(titles_to(mailbox, "weekly@example.org")) == Counter(titles[:2])


def test_a_suppressed_weekly_reader_gets_no_monday_edition_and_the_ledger_says_why(
    app, make_post, mailbox
):
    reader("gone@example.org", posts=Rhythm.WEEKLY)
    reader("here@example.org", posts=Rhythm.WEEKLY)
    publish_every_evening(make_post, range(0, 2))
    suppress("gone@example.org", SuppressionReason.BOUNCE)
    db.session.commit()

    run_digest(clock=stopped_at(MONDAY))

    assert [a for item in mailbox.received for a in item.recipients] == ["here@example.org"]
    states = dict(
        db.session.execute(
            select(User.email, DigestDelivery.state).join(User, User.id == DigestDelivery.user_id)
        ).all()
    )
    assert states == {"gone@example.org": DeliveryState.SUPPRESSED, "here@example.org": "sent"}


class SenderDied(Exception):
    """The sending process dies with a message in hand."""


def die_before_sending(connection, message) -> None:
    raise SenderDied


def test_a_retry_after_a_crash_sends_the_same_edition_whatever_the_reader_changed_meanwhile(
    app, make_post, mailbox
):
    weekly = reader("weekly@example.org", posts=Rhythm.WEEKLY)
    titles = publish_every_evening(make_post, range(0, 3))
    with pytest.raises(SenderDied):
        run_digest(clock=stopped_at(MONDAY), deliver=die_before_sending)
    (interrupted,) = db.session.scalars(select(DigestDelivery)).all()
    assert interrupted.state == DeliveryState.SENDING
    save_rhythms(weekly, Rhythm.NEVER, Rhythm.DAILY)

    run_digest(clock=stopped_at(MONDAY + timedelta(minutes=5)), deliver=deliver_over_smtp)
    save_rhythms(weekly, Rhythm.DAILY, Rhythm.NEVER)
    run_each_morning(range(3, 5), mailbox)

    monday, tuesday = mailbox.to("weekly@example.org")
    assert monday["Message-ID"] == interrupted.message_id
    assert monday["Subject"].startswith("2 new posts — On Probation")
    assert "Post 2" in text_of(tuesday), "Monday evening's post, the next morning"
    assert Counter(titles_to(mailbox, "weekly@example.org")) == Counter(titles)


def test_two_senders_on_postgresql_share_weekly_editions_and_nobody_gets_two(
    app, make_post, mailbox
):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("senders share a run only on PostgreSQL (SQLite has one sender at a time)")
    app.config["DIGEST_BATCH_SIZE"] = 2
    weekly = [reader(f"weekly{n}@example.org", posts=Rhythm.WEEKLY).email for n in range(6)]
    daily = [reader(f"daily{n}@example.org", posts=Rhythm.DAILY).email for n in range(6)]
    publish_every_evening(make_post, range(0, 2))
    errors: list[BaseException] = []

    def sender() -> None:
        with app.app_context():
            try:
                run_digest(clock=stopped_at(MONDAY))
            except BaseException as error:  # reported by the test below
                errors.append(error)

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    got = Counter(a for item in mailbox.received for a in item.recipients)
    assert got == Counter(weekly + daily), "each reader exactly once"
    for address in weekly:
        assert Counter(titles_to(mailbox, address)) == Counter(["Post 0", "Post 1"])
    db.session.expire_all()
    assert set(db.session.scalars(select(DigestDelivery.state))) == {DeliveryState.SENT}


def test_the_digest_page_counts_the_next_run_s_daily_and_weekly_editions(
    app, client, editor, monkeypatch
):
    reader("monday@example.org", posts=Rhythm.WEEKLY, weekly_day=0)
    reader("friday@example.org", posts=Rhythm.WEEKLY, weekly_day=4)
    reader("daily@example.org", posts=Rhythm.DAILY)
    reader("mixed@example.org", posts=Rhythm.DAILY, bulletins=Rhythm.WEEKLY, weekly_day=0)
    reader("never@example.org", posts=Rhythm.NEVER)
    run_digest(clock=stopped_at(day(1)))  # Sunday's run: the next is Monday's
    stop_the_app_clock(monkeypatch, day(1).replace(hour=12))
    client.login(editor.email, TEST_PASSWORD)

    page = client.get("/admin/digest").text

    assert "2 readers get a daily edition and 2 readers get their weekly one" in page


def test_preview_on_a_day_shows_what_that_reader_gets_that_day(app, runner, make_post):
    reader("weekly@example.org", posts=Rhythm.WEEKLY)
    publish_every_evening(make_post, range(0, 3))

    monday = runner.invoke(args=["digest", "preview", "--email", "weekly@example.org",
                                 "--on", "2016-09-26"])  # fmt: skip
    tuesday = runner.invoke(args=["digest", "preview", "--email", "weekly@example.org",
                                  "--on", "2016-09-27"])  # fmt: skip
    bad_day = runner.invoke(args=["digest", "preview", "--email", "weekly@example.org",
                                  "--on", "Monday"])  # fmt: skip

    assert "Subject: 2 new posts — On Probation" in monday.output
    assert "Post 0" in monday.output
    assert "Post 1" in monday.output
    assert "Post 2" not in monday.output
    assert "Nothing for weekly@example.org in the edition of" in tuesday.output
    assert bad_day.exit_code == 2
    assert "Invalid value for '--on'" in bad_day.output
    assert db.session.scalars(select(DigestDelivery)).all() == [], "nothing recorded"


def test_a_first_edition_still_waiting_to_retry_next_morning_is_carried_by_the_next_one(
    app, make_post, mailbox
):
    reader("daily@example.org", posts=Rhythm.DAILY)
    reader("weekly@example.org", posts=Rhythm.WEEKLY)
    titles = publish_every_evening(make_post, range(0, 3))
    mailbox.hang_up_after(0)
    run_digest(clock=stopped_at(MONDAY))  # first editions wait; the server is off till Tuesday
    mailbox.stop_hanging_up()

    tuesday = run_each_morning(range(3, 4), mailbox)[3]

    assert tuesday == ["daily@example.org", "weekly@example.org"], "one email each"
    assert Counter(titles_to(mailbox, "daily@example.org")) == Counter(titles[1:])
    assert Counter(titles_to(mailbox, "weekly@example.org")) == Counter(titles[:2])
    states = db.session.execute(
        select(User.email, DigestDelivery.state)
        .join(User, User.id == DigestDelivery.user_id)
        .where(DigestDelivery.state != DeliveryState.SENT)
    ).all()
    assert states == [("daily@example.org", DeliveryState.SUPERSEDED)]


def test_the_digest_page_shows_the_editor_their_own_next_edition(
    app, client, editor, make_post, monkeypatch
):
    save_rhythms(editor, Rhythm.WEEKLY, Rhythm.NEVER, 4)  # Fridays
    publish_every_evening(make_post, range(0, 3))
    run_digest(clock=stopped_at(day(1)))  # Sunday's run; the editor's edition is Friday's
    stop_the_app_clock(monkeypatch, day(1).replace(hour=12))
    client.login(editor.email, TEST_PASSWORD)

    page = client.get("/admin/digest").text

    assert "Your edition of Friday, 30 September 2016, by your own choices" in page
    assert "Subject:</strong> 3 new posts — On Probation, Friday 30 September 2016" in page

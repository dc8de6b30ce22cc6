"""Mail cannot be aimed at a stranger: a daily cap per address, whoever asks and whatever the
kind; no address change before the account is confirmed; nothing a visitor typed in mail to
an address that has not confirmed anything."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from support.accounts import TEST_PASSWORD
from support.digests import FRIDAY_EVENING, SATURDAY, at
from support.mail import html_of, text_of

from blogapp.digest.runs import run_digest
from blogapp.extensions import db
from blogapp.mail.caps import has_had_its_share, mail_to_address_since, start_of_day
from blogapp.models import DeliveryState, QueuedMail

STRANGER = "stranger@example.org"
OTHER = "other@example.org"
#: Text an attacker would like a stranger to read, from the blog's own address.
BAIT = "URGENT verify at http://evil.example"


def same_page(response) -> str:
    return re.sub(r'name="csrf_token"[^>]*>', "", response.text)


def queued_to(address: str) -> int:
    return db.session.scalar(
        db.select(db.func.count()).select_from(QueuedMail).where(QueuedMail.recipient == address)
    )


def register(client, email: str, name: str = "Sam Probation"):
    return client.submit(
        "/auth/register",
        {
            "email": email,
            "display_name": name,
            "password": TEST_PASSWORD,
            "password_again": TEST_PASSWORD,
        },
    )


def test_a_stranger_gets_no_more_than_the_daily_cap_whoever_asks(app, make_user, mailbox):
    make_user(email=STRANGER)
    askers = [app.test_client() for _ in range(5)]
    answers = []
    for number in range(14):
        asker = askers[number % len(askers)]
        if number % 3:
            answers.append(asker.submit("/auth/reset", {"email": STRANGER}))
        else:
            answers.append(register(asker, STRANGER))

    assert len(mailbox.to(STRANGER)) == app.config["MAIL_PER_ADDRESS_PER_DAY"] == 10
    resets = [same_page(answer) for number, answer in enumerate(answers) if number % 3]
    assert len(set(resets)) == 1, "the page past the cap is the page before it"
    registrations = [answer.location for number, answer in enumerate(answers) if not number % 3]
    assert len(set(registrations)) == 1


def test_a_change_of_address_needs_a_confirmed_account(client, make_user, mailbox):
    make_user(email="throwaway@example.org", name=BAIT, confirmed=False)
    client.login("throwaway@example.org", TEST_PASSWORD)

    response = client.submit(
        "/account/email",
        {"email-email": STRANGER, "email-current_password": TEST_PASSWORD},
        page="/account",
    )

    assert "Confirm your present address first" in response.text
    assert queued_to(STRANGER) == 0
    assert mailbox.messages == []


def no_bait_in(message) -> bool:
    return BAIT not in text_of(message) and BAIT not in html_of(message)


def test_mail_to_an_unconfirmed_address_never_quotes_what_a_visitor_typed(
    app, client, make_user, mailbox
):
    register(client, "newcomer@example.org", name=BAIT)
    register(app.test_client(), "newcomer@example.org", name="Someone Else")
    app.test_client().submit("/auth/reset", {"email": "newcomer@example.org"})
    (confirmation, already_registered, reset) = mailbox.to("newcomer@example.org")
    assert "Confirm your email address" in confirmation["Subject"]
    assert "already have an account" in already_registered["Subject"]
    assert "Reset your password" in reset["Subject"]

    make_user(email="mover@example.org", name=BAIT)
    client.login("mover@example.org", TEST_PASSWORD)
    client.submit(
        "/account/email",
        {"email-email": "new-home@example.org", "email-current_password": TEST_PASSWORD},
        page="/account",
    )
    (change_of_address,) = mailbox.to("new-home@example.org")

    for message in (confirmation, already_registered, reset, change_of_address):
        assert no_bait_in(message), message["Subject"]
        assert text_of(message).splitlines()[0] == "Hello,"


# On a fake clock: the blog's day (Europe/London), digests counted but never refused.

#: Monday 15 June 2026, 23:30 UTC: already Tuesday 00:30 in London (BST).
JUST_AFTER_LONDON_MIDNIGHT = datetime(2026, 6, 15, 23, 30, tzinfo=UTC)


def queued_at(moment: datetime, address: str = STRANGER, count: int = 1) -> None:
    for _ in range(count):
        db.session.add(
            QueuedMail(
                kind="reset_password",
                recipient=address,
                envelope_from="noreply@blog.test",
                message_id="<x@blog.test>",
                data=None,
                state=DeliveryState.SENT,
                queued_at=moment,
            )
        )
    db.session.commit()


def test_the_day_is_the_blogs_day_in_london(app):
    assert start_of_day(JUST_AFTER_LONDON_MIDNIGHT) == datetime(2026, 6, 15, 23, 0, tzinfo=UTC)
    assert start_of_day(datetime(2026, 12, 15, 23, 30, tzinfo=UTC)) == datetime(
        2026, 12, 15, 0, 0, tzinfo=UTC
    ), "in winter London keeps UTC"


@pytest.mark.parametrize(
    ("minutes_before_midnight", "counted"), [(1, False), (0, True), (-29, True)]
)
def test_mail_counts_from_london_midnight(app, minutes_before_midnight, counted):
    london_midnight = datetime(2026, 6, 15, 23, 0, tzinfo=UTC)
    queued_at(london_midnight - timedelta(minutes=minutes_before_midnight))
    since = start_of_day(JUST_AFTER_LONDON_MIDNIGHT)
    assert mail_to_address_since(STRANGER, since) == int(counted)


def test_the_cap_opens_again_when_the_day_turns_in_london(app):
    queued_at(datetime(2026, 6, 15, 22, 50, tzinfo=UTC), count=10)  # 23:50 on Monday in London
    assert has_had_its_share(STRANGER, datetime(2026, 6, 15, 22, 59, tzinfo=UTC))
    assert not has_had_its_share(STRANGER, JUST_AFTER_LONDON_MIDNIGHT), "still Monday in UTC"


def test_digests_count_against_the_cap_but_are_never_refused(app, subscriber, make_post, mailbox):
    make_post("Caseloads at breaking point", published_at=FRIDAY_EVENING)
    subscriber(STRANGER)
    subscriber(OTHER)
    queued_at(SATURDAY - timedelta(hours=1), count=10)
    queued_at(SATURDAY - timedelta(hours=1), address=OTHER, count=9)
    assert has_had_its_share(STRANGER, SATURDAY)
    assert not has_had_its_share(OTHER, SATURDAY)

    run_digest(clock=at(SATURDAY))

    assert sorted(address for item in mailbox.arrived for address in item.recipients) == [
        OTHER,
        STRANGER,
    ], "a full day's count does not stop a reader's digest"
    assert has_had_its_share(OTHER, SATURDAY + timedelta(minutes=1)), "the digest counted"

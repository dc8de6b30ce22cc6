"""Mail cannot be aimed at a stranger: a cap per address on what anyone can cause by typing
it (confirmations, resets, address changes) in any 24 hours, whoever asks; no address
change before the account is confirmed; nothing a visitor typed in mail to an address that
has not confirmed anything."""

import re
from datetime import UTC, datetime, timedelta

from support.accounts import TEST_PASSWORD
from support.clock import stop_the_app_clock
from support.comments import comment, comments_of
from support.digests import FRIDAY_EVENING, SATURDAY, at
from support.mail import html_of, text_of

from blogapp.dates import utcnow
from blogapp.digest.runs import run_digest
from blogapp.extensions import db
from blogapp.mail.caps import has_had_its_share, typed_address_mail_since
from blogapp.models import DeliveryState, QueuedMail
from blogapp.subscriptions.operations import save_subscription

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

    assert len(mailbox.to(STRANGER)) == app.config["MAIL_PER_ADDRESS_PER_DAY"] == 3
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


# On the fake clock: any 24 hours; only what a typed address causes counts.

#: Monday 15 June 2026, 22:30 UTC (23:30 in London).
MONDAY_NIGHT = datetime(2026, 6, 15, 22, 30, tzinfo=UTC)


def ask_for_a_reset(app, address: str = STRANGER) -> str:
    return same_page(app.test_client().submit("/auth/reset", {"email": address}))


def queued_at(moment: datetime, address: str = STRANGER, count: int = 1, kind="reset_password"):
    for _ in range(count):
        db.session.add(
            QueuedMail(
                kind=kind,
                recipient=address,
                envelope_from="noreply@blog.test",
                message_id="<x@blog.test>",
                data=None,
                state=DeliveryState.SENT,
                queued_at=moment,
            )
        )
    db.session.commit()


def test_the_cap_counts_the_last_24_hours_not_the_calendar_day(app, make_user, monkeypatch):
    make_user(email=STRANGER)
    clock = stop_the_app_clock(monkeypatch, MONDAY_NIGHT)
    answers = [ask_for_a_reset(app) for _ in range(3)]
    assert queued_to(STRANGER) == 3

    clock.advance(timedelta(hours=2))  # Tuesday in London and in UTC
    answers.append(ask_for_a_reset(app))
    clock.advance(timedelta(hours=21, minutes=59))
    answers.append(ask_for_a_reset(app))
    assert queued_to(STRANGER) == 3, "a new calendar day does not open the cap"

    clock.advance(timedelta(minutes=2))
    answers.append(ask_for_a_reset(app))
    assert queued_to(STRANGER) == 4, "24 hours after the first, one more may go"
    assert len(set(answers)) == 1, "the form answers the same way throughout"


def test_digests_and_previews_neither_count_nor_are_refused(app, make_user, make_post, mailbox):
    save_subscription(make_user(email=STRANGER), True, True)
    queued_at(SATURDAY - timedelta(hours=1), count=3)
    queued_at(SATURDAY - timedelta(hours=1), count=5, kind="digest_preview")
    assert has_had_its_share(STRANGER, SATURDAY)
    make_post("Caseloads at breaking point", published_at=FRIDAY_EVENING)

    run_digest(clock=at(SATURDAY))

    (digest,) = mailbox.to(STRANGER)
    assert "1 new post" in digest["Subject"]


def test_reply_notices_neither_count_nor_are_refused(app, make_user, make_post, mailbox):
    stranger = make_user(email=STRANGER)
    stranger.notify_replies = True
    db.session.commit()
    queued_at(utcnow() - timedelta(hours=1), count=3)
    assert has_had_its_share(STRANGER, utcnow())
    post = make_post("Pay offer")
    stranger_client = app.test_client()
    stranger_client.login(STRANGER, TEST_PASSWORD)
    comment(stranger_client, post, "What do others think?")
    make_user(email=OTHER, name="Other Person")
    other_client = app.test_client()
    other_client.login(OTHER, TEST_PASSWORD)

    comment(other_client, post, "Vote for it.", reply_to=comments_of(post)[0].id)

    (notice,) = mailbox.to(STRANGER)
    assert notice["Subject"] == "Other Person replied to your comment on “Pay offer”"
    assert typed_address_mail_since(STRANGER, utcnow() - timedelta(days=1)) == 3

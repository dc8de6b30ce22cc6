"""Following the blog by email, changing what comes, and stopping it without logging in."""

import pytest
from flask import render_template_string
from flask_login import login_user
from sqlalchemy import select
from support.accounts import TEST_PASSWORD

from blogapp.auth.tokens import confirmation_token
from blogapp.extensions import db
from blogapp.models import User
from blogapp.subscriptions.operations import save_subscription, subscription_of
from blogapp.subscriptions.tokens import unsubscribe_token


@pytest.fixture
def reader(make_user):
    return make_user(email="reader@example.org", name="Pat Reader")


def logged_in(client, user):
    client.login(user.email, TEST_PASSWORD)
    return client


def fresh(subscription):
    db.session.expire_all()
    return subscription_of(subscription.user)


def test_the_sidebar_and_footer_invite_readers_to_follow_by_email(client):
    page = client.get("/").text
    assert "Follow by email" in page
    assert 'href="/subscribe"' in page


def test_a_visitor_sees_what_they_would_get_and_both_ways_in(client):
    response = client.get("/subscribe")

    assert response.status_code == 200
    assert "One email a day at 07:00" in response.text
    assert '<a class="button" href="/auth/register?next=/subscribe">Create an account</a>' in (
        response.text
    )
    assert 'href="/auth/login?next=/subscribe">Log in</a>' in response.text
    sent = client.submit("/subscribe", {"posts": "daily"}, page="/auth/login")
    assert sent.status_code == 302
    assert "/auth/login" in sent.headers["Location"]


def test_a_newcomer_who_registers_from_follow_by_email_comes_back_to_it(client, mailbox):
    """(The confirmation link is made here as the mail makes it: when that mail is sent
    is the mail tests' business.)"""
    client.get("/auth/register?next=/subscribe")
    registered = client.submit(
        "/auth/register?next=/subscribe",
        {
            "email": "newcomer@example.org",
            "display_name": "Newcomer",
            "password": "a long enough passphrase here",
            "password_again": "a long enough passphrase here",
        },
        page="/auth/register?next=/subscribe",
        follow_redirects=True,
    )
    assert 'href="/auth/login?next=/subscribe">log in</a> to choose' in registered.text
    newcomer = db.session.scalar(select(User).where(User.email == "newcomer@example.org"))

    confirmed = client.get(f"/auth/confirm/{confirmation_token(newcomer)}")
    assert confirmed.headers["Location"] == "/auth/login?next=/subscribe"
    logged_in = client.submit(
        "/auth/login?next=/subscribe",
        {"email": "newcomer@example.org", "password": "a long enough passphrase here"},
        page="/auth/login?next=/subscribe",
    )
    assert logged_in.headers["Location"] == "/subscribe"
    assert "Follow by email" in client.get("/subscribe").text


def test_a_reader_subscribes_to_both_then_changes_to_bulletins_then_stops(client, reader):
    logged_in(client, reader)
    page = client.get("/subscribe").text
    assert "You do not get the daily email" in page

    response = client.submit(
        "/subscribe", {"posts": "daily", "bulletins": "daily"}, follow_redirects=True
    )
    assert (
        "Saved: you will get one email a day with new posts and union bulletins." in response.text
    )
    subscription = subscription_of(reader)
    assert (subscription.active, subscription.wants_posts, subscription.wants_bulletins) == (
        True,
        True,
        True,
    )

    client.submit("/subscribe", {"posts": "never", "bulletins": "daily"})
    subscription = fresh(subscription)
    assert (subscription.wants_posts, subscription.wants_bulletins) == (False, True)
    assert "You get union bulletins at" in client.get("/subscribe").text

    response = client.submit("/subscribe/stop", page="/subscribe", follow_redirects=True)
    assert "Stopped: you will not get the daily email any more." in response.text
    subscription = fresh(subscription)
    assert not subscription.active
    assert subscription.unsubscribed_at is not None


def test_every_page_shows_the_choice_without_a_query_of_its_own(client, reader, count_queries):
    save_subscription(reader, wants_posts=False, wants_bulletins=True)
    logged_in(client, reader)

    with count_queries() as statements:
        page = client.get("/").text

    assert "You get union bulletins by email, once a day." in page
    asked_for_subscription = [s for s in statements if "subscriptions" in s]
    assert len(asked_for_subscription) == 1
    assert "FROM users LEFT OUTER JOIN subscriptions" in asked_for_subscription[0]


@pytest.mark.parametrize(
    "choice",
    [{"posts": "hourly"}, {"bulletins": ""}, {"weekly_day": "7"}, {"weekly_day": "Monday"}],
)
def test_a_choice_the_form_does_not_offer_is_refused_with_a_message(client, reader, choice):
    logged_in(client, reader)
    response = client.submit("/subscribe", {"posts": "daily", "bulletins": "daily", **choice})
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.text
    assert subscription_of(reader) is None


def test_never_for_everything_means_not_subscribed_and_the_page_says_so(client, reader):
    logged_in(client, reader)
    response = client.submit(
        "/subscribe",
        {"posts": "never", "bulletins": "never", "conversation": "never"},
        follow_redirects=True,
    )
    assert "you chose never for everything, so you are not subscribed" in response.text
    assert "You do not get the daily email at the moment" in response.text
    assert not subscription_of(reader).is_receiving
    account = client.get("/account").text
    assert "you chose never for everything, so you are not subscribed" in account


def test_a_weekly_reader_picks_the_day_and_sees_it_on_both_pages(client, reader):
    logged_in(client, reader)
    page = client.get("/subscribe").text
    assert '<option selected value="0">Monday</option>' in page

    response = client.submit(
        "/subscribe",
        {"posts": "daily", "bulletins": "weekly", "weekly_day": "4"},
        follow_redirects=True,
    )
    saved = "new posts every day and union bulletins every Friday"
    assert f"Saved: you will get {saved}." in response.text
    subscription = fresh(subscription_of(reader))
    assert (subscription.posts_rhythm, subscription.bulletins_rhythm) == ("daily", "weekly")
    assert subscription.weekly_day == 4
    assert '<option selected value="4">Friday</option>' in client.get("/subscribe").text
    assert f"You get {saved}." in client.get("/account").text


def test_an_unconfirmed_address_cannot_subscribe(client, make_user):
    unconfirmed = make_user(email="new@example.org", confirmed=False)
    logged_in(client, unconfirmed)
    response = client.get("/subscribe")
    assert response.status_code == 403
    assert "Confirm your email address first" in response.text
    assert 'name="posts"' not in response.text
    refused = client.post("/subscribe", data={"posts": "daily"})
    assert refused.status_code in (400, 403)
    assert subscription_of(unconfirmed) is None


def test_the_account_summary_shows_the_choice_with_a_link_to_change_it(app, reader):
    save_subscription(reader, True, False)
    with app.test_request_context("/auth/account"):
        login_user(reader)
        html = render_template_string('{% include "subscriptions/_account_summary.html" %}')
    assert "You get one email a day with new posts." in html
    assert 'href="/subscribe"' in html
    assert "Change what you receive" in html


@pytest.fixture
def followed(reader):
    return save_subscription(reader, True, True)


def unsubscribe_path(user) -> str:
    return f"/unsubscribe/{unsubscribe_token(user.id)}"


def test_following_the_unsubscribe_link_only_shows_a_button(app, followed):
    response = app.test_client().get(unsubscribe_path(followed.user))
    assert response.status_code == 200
    assert "Stop the daily email from On Probation to" in response.text
    assert "reader@example.org" in response.text
    assert '<button class="button" type="submit">Unsubscribe</button>' in response.text
    assert fresh(followed).active


def test_the_button_unsubscribes_without_logging_in(app, followed):
    client = app.test_client()
    path = unsubscribe_path(followed.user)
    response = client.submit(path, page=path)
    assert response.status_code == 200
    assert "reader@example.org will not get the daily email from On Probation any more." in (
        response.text
    )
    assert not fresh(followed).active


def test_one_click_unsubscribe_by_post_with_no_cookie_and_no_csrf_token(app, followed):
    client = app.test_client(use_cookies=False)
    response = client.post(unsubscribe_path(followed.user), data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not fresh(followed).active

    again = client.post(unsubscribe_path(followed.user), data={"List-Unsubscribe": "One-Click"})
    assert again.status_code == 200, "doing it twice is harmless"


def test_a_post_without_the_one_click_body_or_a_form_token_changes_nothing(app, followed):
    response = app.test_client().post(unsubscribe_path(followed.user), data={"anything": "x"})
    assert response.status_code == 400
    assert fresh(followed).active


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_token_is_refused_and_changes_nothing(app, followed, make_user, method):
    other = make_user(email="other@example.org")
    save_subscription(other, True, True)
    token = unsubscribe_token(followed.user.id)
    signature = token.split(".")[1]
    forged = unsubscribe_token(other.id).split(".")[0] + "." + signature
    for bad in (forged, token[:-2], "not-a-token"):
        response = getattr(app.test_client(), method)(
            f"/unsubscribe/{bad}", data={"List-Unsubscribe": "One-Click"}
        )
        assert response.status_code == 400
        assert "This unsubscribe link is not valid" in response.text
    assert fresh(followed).active
    assert subscription_of(other).active


def test_the_follow_by_email_page_has_one_follow_box(client, reader):
    client.login(reader.email, TEST_PASSWORD)

    page = client.get("/subscribe").text

    assert "widget--follow" not in page
    assert page.count('type="search"') == 1


def test_the_account_page_offers_the_same_choices_with_the_current_ones_selected(client, reader):
    save_subscription(reader, wants_posts=True, wants_bulletins=False)
    logged_in(client, reader)
    page = client.get("/account").text
    assert '<option selected value="daily">Every day</option>' in page
    assert '<option selected value="never">Never</option>' in page

    client.submit("/subscribe", {"posts": "weekly", "bulletins": "never", "weekly_day": "2"},
                  page="/account")  # fmt: skip

    subscription = fresh(subscription_of(reader))
    assert (subscription.posts_rhythm, subscription.weekly_day) == ("weekly", 2)
    assert "You get new posts every Wednesday." in client.get("/account").text

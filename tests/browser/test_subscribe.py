"""A reader in Chromium follows the blog by email, changes their mind, then unsubscribes."""

import pytest
from support.accounts import TEST_PASSWORD

from blogapp.extensions import db
from blogapp.subscriptions.operations import subscription_of
from blogapp.subscriptions.tokens import unsubscribe_token

pytestmark = pytest.mark.browser


def test_a_reader_follows_by_email_from_the_sidebar_and_unsubscribes_from_the_link(page, make_user):
    reader = make_user(email="pat@example.org", name="Pat")

    page.goto("/")
    page.locator(".widget--follow").get_by_role("link", name="Follow by email").click()
    ways_in = page.locator("main .button-pair")
    create = ways_in.get_by_role("link", name="Create an account").bounding_box()
    log_in = ways_in.get_by_role("link", name="Log in").bounding_box()
    assert abs(create["y"] - log_in["y"]) < 2, "side by side"
    ways_in.get_by_role("link", name="Log in").click()
    page.get_by_label("Email address").fill("pat@example.org")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()

    assert page.locator("h1").inner_text() == "Follow by email"
    assert page.get_by_label("New posts").input_value() == "daily"
    page.get_by_label("Union bulletins").select_option("never")
    page.get_by_role("button", name="Follow by email").click()
    assert "you will get one email a day with new posts." in page.locator(".flashes").inner_text()
    assert "You get new posts at pat@example.org" in page.locator("main").inner_text()
    page.goto("/")
    assert "You get new posts by email" in page.locator(".widget--follow").inner_text()
    page.goto("/subscribe")

    page.get_by_role("button", name="Stop the daily email").click()
    assert "Stopped" in page.locator(".flashes").inner_text()
    page.get_by_label("Union bulletins").select_option("weekly")
    page.get_by_role("button", name="Follow by email").click()
    db.session.expire_all()
    assert subscription_of(reader).wants_bulletins

    page.context.clear_cookies()
    page.goto(f"/unsubscribe/{unsubscribe_token(reader.id)}")
    assert "pat@example.org" in page.locator("main").inner_text()
    page.get_by_role("button", name="Unsubscribe").click()
    assert page.locator("h1").inner_text() == "Unsubscribed"
    db.session.expire_all()
    assert not subscription_of(reader).active

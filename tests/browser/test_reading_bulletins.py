"""Union bulletins in Chromium: a reader finds them, an editor adds one."""

from datetime import UTC, datetime

import pytest
from support.bulletins import add_bulletin

pytestmark = pytest.mark.browser


def test_a_reader_goes_from_the_sidebar_and_the_nav_to_a_bulletin(page, make_post):
    make_post("A post to sit beside them")
    add_bulletin(
        "Night-shift survey",
        body="<p>Please take part.</p>",
        source="Unison",
        published_at=datetime(2016, 9, 24, 21, 42, tzinfo=UTC),
        link="https://unison.example/survey",
    )

    page.goto("/")
    box = page.locator(".widget--bulletins")
    assert "Latest union bulletins" in box.text_content()
    box.get_by_role("link", name="Night-shift survey").click()
    assert page.locator("h1").inner_text() == "Night-shift survey"
    assert "From Unison at 22:42" in page.locator(".bulletin-byline").inner_text()
    original = page.get_by_role("link", name="Read the original")
    assert original.get_attribute("href") == "https://unison.example/survey"
    assert original.get_attribute("rel") == "noopener"

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Bulletins").click()
    assert page.locator("h1").inner_text() == "Union bulletins"
    assert page.locator("h2.date-header").first.text_content() == "Saturday, 24 September 2016"


def test_an_editor_adds_a_bulletin_through_the_form(page, editor):
    page.goto("/auth/login")
    page.get_by_label("Email address").fill(editor.email)
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Log in").click()

    page.goto("/admin/bulletins")
    page.get_by_role("link", name="New bulletin").click()
    page.get_by_label("Source").fill("Napo")
    page.get_by_label("Title").fill("Ballot result")
    page.get_by_label("Body").fill("Members voted to accept.\n\nThank you to everyone who voted.")
    page.get_by_label("Link").fill("https://napo.example/ballot")
    page.get_by_role("button", name="Publish bulletin").click()

    assert "Saved the bulletin “Ballot result”." in page.locator(".flashes").inner_text()
    page.get_by_role("link", name="View “Ballot result”").click()
    assert page.locator("h1").inner_text() == "Ballot result"
    assert page.locator(".bulletin-body p").count() == 2

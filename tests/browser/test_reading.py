"""A reader in Chromium: home page, a post, the archive and search."""

from datetime import UTC, datetime

import pytest

pytestmark = pytest.mark.browser


def test_reader_follows_a_post_uses_the_archive_and_searches(page, make_post, tmp_path):
    make_post(
        "Caseloads at breaking point",
        body="> Officers are carrying sixty cases.\n\nThe union says enough.",
        labels=["Caseloads"],
        published_at=datetime(2016, 9, 24, 9, 0, tzinfo=UTC),
    )
    make_post(
        "Latest From Napo 119",
        body="Pay talks resume next week.",
        published_at=datetime(2016, 9, 24, 15, 0, tzinfo=UTC),
    )

    page.goto("/")
    assert page.locator("h2.date-header").first.text_content() == "Saturday, 24 September 2016"
    page.get_by_role("link", name="Caseloads at breaking point").click()
    assert page.locator("h1").inner_text() == "Caseloads at breaking point"
    assert "Officers are carrying sixty cases." in page.locator("blockquote").inner_text()

    page.locator(".widget--archive").get_by_role("link", name="September").click()
    assert page.locator("h1").inner_text() == "Posts from September 2016"
    assert page.get_by_role("link", name="Latest From Napo 119").is_visible()

    page.get_by_label("Search words").fill("sixty cases")
    page.get_by_role("button", name="Search").first.click()
    result = page.locator(".search-result").first
    assert "Caseloads at breaking point" in result.inner_text()
    assert page.locator(".search-result mark").count() >= 1

    page.screenshot(path=str(tmp_path / "search.png"), full_page=True)
    assert (tmp_path / "search.png").stat().st_size > 0

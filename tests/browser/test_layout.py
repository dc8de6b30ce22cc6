"""The layout on the narrowest phones (320px): nothing scrolls sideways, and focus shows."""

import io
from datetime import UTC, datetime

import pytest
from PIL import Image
from support.accounts import TEST_PASSWORD
from support.bulletins import add_bulletin

from blogapp.comments.operations import post_comment
from blogapp.models import PostStatus

pytestmark = pytest.mark.browser

NARROW = {"width": 320, "height": 640}

LONG_ADDRESS = "https://www.example.org/probation/reports/2016/" + "workload-measurement-" * 6

WIDE_BODY = f"""Read the report at {LONG_ADDRESS} before the meeting.

> The inspectorate found caseloads of
> Supercalifragilisticexpialidociouslylongunbrokenwordfromareport in every region.
>
> > A quotation inside the quotation, as the union quoted the minister.

| Region | Officers | Cases | Per officer | Vacancies | Agency staff |
|--------|----------|-------|-------------|-----------|--------------|
| North West | 412 | 24,901 | 60.4 | 38 | 19 |
| London | 655 | 41,266 | 63.0 | 71 | 44 |

    a_line_of_code_that_is_much_wider_than_any_phone_screen = "and then some more of it"
"""

# Who sticks out past the right edge: those outside any scrolling box first (an
# absolutely placed element inside one can still widen the page, so list all if none).
OVERFLOWING = """() => {
  const width = window.innerWidth;
  const inScroller = (element) => {
    for (let box = element.parentElement; box && box !== document.body; box = box.parentElement) {
      if (getComputedStyle(box).overflowX !== 'visible') return true;
    }
    return false;
  };
  const past = [...document.querySelectorAll('body *')]
    .filter((element) => element.getBoundingClientRect().right > width + 0.5);
  const loose = past.filter((element) => !inScroller(element));
  return (loose.length ? loose : past).slice(0, 5)
    .map((element) => element.tagName.toLowerCase() + '.' + [...element.classList].join('.'));
}"""

FOCUS_STYLE = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  const box = element.getBoundingClientRect();
  return {
    tag: element.tagName,
    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
      && style.outlineColor !== 'rgba(0, 0, 0, 0)',
    shadow: style.boxShadow !== 'none',
    onScreen: box.top >= 0 && box.left >= 0 && box.bottom <= window.innerHeight
      && box.right <= window.innerWidth,
  };
}"""


def assert_no_sideways_scrolling(page, path: str) -> None:
    page.goto(path)
    assert page.url.endswith(path), f"{path} went to {page.url}"
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{path} scrolls sideways: {page.evaluate(OVERFLOWING)}"


def tall_png() -> dict:
    """A real PNG, much taller than wide, for Playwright's file chooser."""
    buffer = io.BytesIO()
    Image.new("RGB", (300, 900), (29, 53, 87)).save(buffer, "PNG")
    return {"mimeType": "image/png", "buffer": buffer.getvalue()}


def assert_next_link_shows_focus(page) -> dict:
    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUS_STYLE)
    assert focused["tag"] == "A"
    assert focused["outline"] or focused["shadow"], focused
    assert focused["onScreen"], focused
    return focused


def test_reading_pages_fit_a_320px_screen(page, make_post, make_user):
    post = make_post(
        "Workload measurement: what the inspectorate found in every single region",
        body=WIDE_BODY,
        labels=["Caseloads", "Inspectorate", "Workload measurement tool"],
        published_at=datetime(2016, 9, 24, 9, 0, tzinfo=UTC),
    )
    reader = make_user(name="Dave (PSO, fourteen years in the job)")
    first = post_comment(post, reader, f"The full table is here: {LONG_ADDRESS}", anonymous=False)
    post_comment(post, reader, "Same in our office.", anonymous=True, answering=first)
    add_bulletin(title="Pay offer: members asked to vote", link=LONG_ADDRESS)
    page.set_viewport_size(NARROW)

    post_path = "/{year}/{month:02d}/{slug}".format(**post.url_values)
    for path in ("/", post_path, "/bulletins/", "/search?q=inspectorate"):
        assert_no_sideways_scrolling(page, path)


def test_editor_pages_fit_a_320px_screen(page, make_post, editor):
    for number in range(3):
        make_post(
            f"Latest From Napo {number}: pay, caseloads and the workload tool", labels=["Napo"]
        )
    make_post("Approved premises: notes for a post", status=PostStatus.DRAFT)
    page.set_viewport_size(NARROW)
    page.goto("/auth/login")
    page.get_by_label("Email address").fill(editor.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    assert "Welcome back" in page.locator(".flashes").inner_text()
    page.goto("/admin/uploads")
    page.get_by_label("Image", exact=True).set_input_files(
        {"name": "a-very-tall-scan-of-the-inspectorate-report.png", **tall_png()}
    )
    page.get_by_role("button", name="Upload image").click()
    assert page.locator(".upload__markdown").count() == 1

    for path in (
        "/admin/",
        "/admin/posts",
        "/admin/posts/new",
        "/admin/uploads",
        "/admin/comments",
    ):
        assert_no_sideways_scrolling(page, path)


def test_keyboard_focus_is_visible_from_the_first_tab(page, make_post):
    make_post("Caseloads at breaking point")
    page.set_viewport_size(NARROW)
    page.goto("/")

    skip_link = assert_next_link_shows_focus(page)
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    assert skip_link["shadow"]
    assert_next_link_shows_focus(page)
    assert page.evaluate("document.activeElement.closest('.site-title') !== null")

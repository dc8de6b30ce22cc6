"""Every page, as a visitor and as an administrator, and every account mail fit a 390 px phone
(an iPhone 12 to 15): nothing scrolls sideways. Each is kept as a screenshot in the test's
artefacts (BLOGAPP_ARTEFACTS, or the test's own temporary folder)."""

import os
import re
from pathlib import Path

import css_inline
import pytest
from flask import render_template
from support.browser import signed_in_tab
from support.bulletins import add_bulletin
from support.security import ADMIN, VISITOR, Cast
from support.security_routes import page_paths

from blogapp.bulletins.operations import add_feed
from browser.test_layout import OVERFLOWING

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
UNBROKEN = "NationalAssociationOfProbationOfficersNorthWestBranchBulletinsAndNotices"
LONG_LINK = "http://127.0.0.1:5000/auth/confirm/" + "eyJ1c2VyIjo0MiwiZW1haWwiOiJx" * 6
ACCOUNT_MAILS = ("confirm_email", "change_email", "reset_password", "already_registered")
WIDER_THAN_THE_SCREEN = "() => [document.documentElement.scrollWidth, window.innerWidth]"
#: Files and feeds are not pages a phone lays out.
NOT_PAGES = re.compile(r"^/(static|uploads)/|\.(atom|xml|txt)$|^/healthz$")


@pytest.fixture
def artefacts(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("BLOGAPP_ARTEFACTS") or tmp_path) / "phone-390"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def shot_name(path: str, role: str) -> str:
    return f"{role}{re.sub(r'[^a-z0-9]+', '-', path.lower()).strip('-')[:80] or '-home'}.png"


def test_every_page_fits_a_390px_phone(browser, live_server, app, mailbox, artefacts):
    cast = Cast(app)
    add_feed(f"{UNBROKEN} feed", f"https://napo.example/{UNBROKEN}/{UNBROKEN}.rss")
    add_bulletin(title=f"{UNBROKEN} says pay talks resume", source=UNBROKEN[:100])
    failures, checked = [], 0
    for role in (VISITOR, ADMIN):
        tab = signed_in_tab(browser, live_server, cast, role, PHONE)
        for path in page_paths(cast):
            if NOT_PAGES.search(path):
                continue
            tab.goto(path)
            tab.screenshot(path=str(artefacts / shot_name(path, role)), full_page=True)
            checked += 1
            page_width, screen = tab.evaluate(WIDER_THAN_THE_SCREEN)
            if page_width > screen:
                wide = tab.evaluate(OVERFLOWING)
                failures.append(f"{path} as {role} is {page_width}px wide: {wide}")
        tab.context.close()

    assert checked > 50
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("template", ACCOUNT_MAILS)
def test_account_mails_fit_a_390px_phone(browser, app, artefacts, template):
    context = {"user": {"display_name": "Pat"}, "link": LONG_LINK, "hours": 48}
    with app.test_request_context():
        html = css_inline.inline(render_template(f"email/{template}.html", **context))
    tab = browser.new_page(viewport=PHONE)
    tab.set_content(html)
    tab.screenshot(path=str(artefacts / f"mail-{template}.png"), full_page=True)
    page_width, screen = tab.evaluate(WIDER_THAN_THE_SCREEN)
    tab.close()

    assert page_width <= screen, f"{template} is {page_width}px wide on a {screen}px phone"

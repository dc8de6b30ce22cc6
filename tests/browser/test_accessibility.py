"""axe-core finds nothing wrong on any page with a form, as a visitor and an administrator
(who also has every reader's pages) see it, before a form is sent and after it comes back
with errors."""

import pytest
from support.accessibility import accessibility_violations
from support.browser import signed_in_tab
from support.security import ADMIN, VISITOR, Cast
from support.security_routes import page_paths

pytestmark = pytest.mark.browser

#: Forms whose fields a person types in (the search box is a form, but has nothing to refuse).
TYPED_FORM = (
    "main form:has(input[type=text], input[type=email], input[type=password], "
    "input[type=url], input[type=number], input[type=file], textarea)"
)
#: Pages whose form is not sent blank: sending it would sign the reader out or stop mail.
NOT_SENT = ("/auth/logout", "/unsubscribe/")


def send_blank(tab) -> bool:
    """Empty the typed fields of the page's first typed form and send it; False if none."""
    form = tab.locator(TYPED_FORM).first
    if not form.count():
        return False
    for field in form.locator("input[type=text], input[type=email], textarea").all():
        if field.is_visible() and field.is_editable():
            field.fill("")
    form.locator("button[type=submit], input[type=submit], button:not([type])").first.click()
    tab.wait_for_load_state()
    return True


def test_every_form_page_passes_axe_before_and_after_errors(browser, live_server, app, mailbox):
    cast = Cast(app)
    failures, pages_checked, sent = [], 0, 0
    for role in (VISITOR, ADMIN):
        tab, seen = signed_in_tab(browser, live_server, cast, role), set()
        for path in page_paths(cast):
            response = tab.goto(path)
            if response is None or "html" not in response.headers.get("content-type", ""):
                continue
            landed = tab.url.split("?")[0]
            if landed in seen or not tab.locator("main form").count():
                continue
            seen.add(landed)
            pages_checked += 1
            failures += [f"{path} as {role}: {found}" for found in accessibility_violations(tab)]
            if path.startswith(NOT_SENT) or not send_blank(tab):
                continue
            sent += 1
            failures += [
                f"{path} as {role}, sent blank: {found}" for found in accessibility_violations(tab)
            ]
        tab.context.close()

    assert pages_checked >= 20
    assert sent >= 10
    assert not failures, "\n".join(failures)

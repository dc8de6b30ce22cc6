"""Every request that changes something needs the CSRF token of the form it came from.

Driven by the app's URL map: each rule taking POST (or PUT, PATCH, DELETE) is sent by
someone with the right to act, exactly as their form would send it but without the token,
with a wrong one, or with another session's; each is answered with the styled 400 page
and changes nothing. The RFC 8058 one-click unsubscribe and the mail providers' signed
webhooks are the documented exemptions.
"""

from pathlib import Path

import pytest
from flask import Flask
from support.importing import database_snapshot
from support.security import (
    CHANGING_METHODS,
    VISITOR,
    Cast,
    changing_rules,
    is_login_redirect,
    text_of,
)
from support.security_routes import ATTEMPTS, CHANGES_WHO_IS_SIGNED_IN, form_data
from support.security_targets import thread_stop_link, unsubscribe_link

from blogapp.errors import CSRF_TEXT
from blogapp.extensions import csrf

#: A mail client unsubscribing from a List-Unsubscribe-Post header has no cookie and no
#: form: RFC 8058 says the POST carries only ``List-Unsubscribe=One-Click`` (the digest's
#: unsubscribe link, and the stop link of thread mail).
#: Mail providers' webhooks are machine calls proved by their signature or secret.
DOCUMENTED_EXEMPTIONS = {
    "subscriptions.unsubscribe_now",
    "following.stop_now",
    "mail_webhooks.mailgun_webhook",
    "mail_webhooks.postmark_webhook",
    "mail_webhooks.ses_webhook",
}


def exempt_endpoints(app: Flask) -> set[str]:
    """Endpoints whose view (or blueprint) CSRFProtect was told to skip."""
    exempt_blueprints = {blueprint.name for blueprint in csrf._exempt_blueprints}
    return {
        endpoint
        for endpoint, view in app.view_functions.items()
        if f"{view.__module__}.{view.__name__}" in csrf._exempt_views
        or endpoint.partition(".")[0] in exempt_blueprints
    }


def files_under(folder: str) -> set[Path]:
    return set(Path(folder).rglob("*"))


def still_the_same_person(cast: Cast, role: str) -> bool:
    """A refused log-in leaves a visitor a visitor; a refused log-out leaves them in."""
    response = cast.clients[role].get("/account")
    return is_login_redirect(response) if role == VISITOR else response.status_code == 200


def bad_token(cast: Cast, kind: str) -> str | None:
    if kind == "missing":
        return None
    if kind == "wrong":
        return "IjEyMzQ1Njc4OTAi.not-a-token.at-all"
    return cast.app.test_client().csrf_token("/auth/login")


def test_the_one_click_unsubscribe_and_the_webhooks_are_the_only_exemptions(app):
    assert exempt_endpoints(app) == DOCUMENTED_EXEMPTIONS
    assert app.config["WTF_CSRF_ENABLED"]
    assert set(app.config.get("WTF_CSRF_METHODS", CHANGING_METHODS)) >= CHANGING_METHODS


def test_every_change_names_someone_allowed_to_make_it(app):
    changing = {rule.endpoint for rule, _ in changing_rules(app)}

    assert len(changing) >= 30
    assert sorted(changing - ATTEMPTS.keys()) == [], "add these to ATTEMPTS"
    assert sorted(ATTEMPTS.keys() - changing) == []


def test_each_change_goes_through_with_its_token(app, mailbox):
    """The forms the next test sends are right: with the token, each is accepted."""
    cast = Cast(app)
    problems = []
    for rule, method in changing_rules(app):
        attempt = ATTEMPTS[rule.endpoint]
        target = attempt.target(cast)
        form = {**form_data(attempt.data, cast), **target.form}
        form["csrf_token"] = cast.token(attempt.role)
        path = cast.path(rule, target)
        response = cast.clients[attempt.role].open(path, method=method, data=form)
        response.close()
        if response.status_code not in (200, 302, 303):
            problems.append(f"{method} {rule.endpoint} as {attempt.role}: {response.status}")
        if rule.endpoint in CHANGES_WHO_IS_SIGNED_IN:
            cast.recast(attempt.role)

    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("kind", ["missing", "wrong", "from another session"])
def test_no_change_is_made_without_the_forms_token(app, mailbox, kind):
    cast = Cast(app)
    problems = []
    for rule, method in changing_rules(app):
        attempt = ATTEMPTS[rule.endpoint]
        target = attempt.target(cast)
        form = {**form_data(attempt.data, cast), **target.form}
        token = bad_token(cast, kind)
        if token is not None:
            form["csrf_token"] = token
        cast.token(attempt.role)  # the session holds a token, as after opening the form
        before = database_snapshot(), files_under(app.config["UPLOAD_FOLDER"])

        path = cast.path(rule, target)
        response = cast.clients[attempt.role].open(path, method=method, data=form)

        where = f"{method} {rule.endpoint} as {attempt.role} ({kind} token)"
        page = text_of(response)
        if response.status_code != 400 or CSRF_TEXT not in page:
            problems.append(f"{where}: {response.status}, not the CSRF page")
        if "<title>" not in page or "site-nav" not in page:
            problems.append(f"{where}: not a styled page")
        if (database_snapshot(), files_under(app.config["UPLOAD_FOLDER"])) != before:
            problems.append(f"{where}: changed something")
        if not still_the_same_person(cast, attempt.role):
            problems.append(f"{where}: logged someone in or out")

    assert mailbox.messages == []
    assert not problems, "\n".join(problems)


def test_one_click_unsubscribing_needs_the_one_click_field_or_the_token(app, mailbox):
    cast = Cast(app)
    target = unsubscribe_link(cast)
    path = f"/unsubscribe/{target.values['token']}"
    before = database_snapshot()

    refused = cast.app.test_client().post(path, data={"List-Unsubscribe": "Yes please"})

    assert refused.status_code == 400
    assert CSRF_TEXT in refused.text
    assert database_snapshot() == before
    one_click = cast.app.test_client().post(path, data={"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 200
    assert database_snapshot() != before


def test_one_click_thread_stop_needs_the_one_click_field_or_the_token(app, mailbox):
    cast = Cast(app)
    path = f"/threads/stop/{thread_stop_link(cast).values['token']}"
    before = database_snapshot()

    refused = cast.app.test_client().post(path, data={"List-Unsubscribe": "Yes please"})

    assert refused.status_code == 400
    assert CSRF_TEXT in refused.text
    assert database_snapshot() == before
    one_click = cast.app.test_client().post(path, data={"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 200
    assert database_snapshot() != before

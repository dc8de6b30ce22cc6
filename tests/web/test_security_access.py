"""Nobody reaches another person's things, or the editors' things, by changing a URL.

Driven by the app's URL map and the ACCESS table (tests/support/security_routes.py):
every route with arguments, called on each kind of thing it can name, by a visitor, two
readers (A acting on what B owns), an editor and an administrator, with every method it
takes and a valid CSRF token (so the token is never what refuses them).
"""

import pytest
from support.importing import database_snapshot
from support.security import (
    NEWCOMER,
    READER_A,
    ROLES,
    VISITOR,
    Cast,
    is_login_redirect,
    methods_of,
    rule_for,
    rules_of,
    send,
    text_of,
)
from support.security_routes import ACCESS, ATTEMPTS, Case, form_data
from support.security_targets import nothing
from werkzeug.routing import Rule
from werkzeug.test import TestResponse

BLUEPRINTS = sorted({endpoint.partition(".")[0] for endpoint in ACCESS})


def is_refusal(response: TestResponse, case: Case, role: str) -> bool:
    return response.status_code in case.refusals or (
        role == VISITOR and is_login_redirect(response)
    )


def is_let_in(response: TestResponse, case: Case) -> bool:
    status = response.status_code
    return (status < 400 or status in case.also_ok) and not is_login_redirect(response)


def refusals_problems(cast: Cast, rule: Rule, case: Case, mailbox) -> list[str]:
    """Everyone not allowed, on one thing: each refused, none of them changing anything."""
    refused_roles = [role for role in ROLES if role not in case.allowed]
    if not refused_roles:
        return []
    target = case.target(cast)
    requests = [
        (role, method, form_data(case.data, cast))
        for role in refused_roles
        for method in methods_of(rule)
    ]
    mail_before = len(mailbox.messages)  # sends what earlier requests queued
    before = database_snapshot()
    problems = []
    for role, method, data in requests:
        response = send(cast, role, rule, method, target, data)
        where = f"{method} {rule.endpoint} ({case.target.__name__}) as {role}"
        if not is_refusal(response, case, role):
            problems.append(f"{where}: not refused ({response.status})")
        if target.secret and target.secret in text_of(response):
            problems.append(f"{where}: shows {target.secret!r}")
    if database_snapshot() != before:
        problems.append(f"{rule.endpoint} ({case.target.__name__}): refused requests changed data")
    if len(mailbox.messages) != mail_before:
        problems.append(f"{rule.endpoint} ({case.target.__name__}): refused requests sent mail")
    return problems


def allowed_problems(cast: Cast, rule: Rule, case: Case) -> list[str]:
    """Everyone allowed, each on a thing of their own (what one does may use it up)."""
    shown_to = case.allowed if case.shown_to is None else case.shown_to
    problems = []
    for role in sorted(case.allowed):
        target = case.target(cast)
        data = form_data(case.data, cast)
        for method in methods_of(rule):
            response = send(cast, role, rule, method, target, data)
            where = f"{method} {rule.endpoint} ({case.target.__name__}) as {role}"
            if not is_let_in(response, case):
                problems.append(f"{where}: refused ({response.status})")
            if target.secret and role not in shown_to and target.secret in text_of(response):
                problems.append(f"{where}: shows {target.secret!r}")
    return problems


def test_every_route_with_arguments_is_classified(app):
    with_arguments = {rule.endpoint for rule in rules_of(app) if rule.arguments}

    assert len(with_arguments) >= 35
    unclassified = sorted(with_arguments - ACCESS.keys())
    assert unclassified == [], "say who may use these in ACCESS (tests/support/security_routes.py)"
    assert sorted(ACCESS.keys() - with_arguments) == []


@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_nobody_reaches_what_is_not_theirs(app, mailbox, blueprint):
    cast = Cast(app)
    problems: list[str] = []
    checked = 0
    for endpoint, cases in ACCESS.items():
        if endpoint.partition(".")[0] != blueprint:
            continue
        rule = rule_for(app, endpoint)
        for case in cases:
            problems += refusals_problems(cast, rule, case, mailbox)
            problems += allowed_problems(cast, rule, case)
            checked += 1

    assert checked
    assert not problems, "\n".join(problems)


def test_every_editor_page_refuses_visitors_and_readers(app, mailbox):
    cast = Cast(app)
    editor_rules = [rule for rule in rules_of(app) if rule.endpoint.startswith("admin.")]
    assert len(editor_rules) >= 30
    problems = []
    for rule in editor_rules:
        cases = ACCESS.get(rule.endpoint)
        target = (cases[0].target if cases else nothing)(cast)
        attempt = ATTEMPTS.get(rule.endpoint)
        requests = [
            (role, method, form_data(attempt.data, cast) if attempt else {})
            for role in (VISITOR, READER_A, NEWCOMER)
            for method in methods_of(rule)
        ]
        snapshot = database_snapshot()
        for role, method, data in requests:
            response = send(cast, role, rule, method, target, data)
            if role == VISITOR:
                expected = is_login_redirect(response)
            else:
                expected = response.status_code == 403
            if not expected:
                problems.append(f"{method} {rule.endpoint} as {role}: {response.status}")
        if database_snapshot() != snapshot:
            problems.append(f"{rule.endpoint}: a refused request changed data")

    assert mailbox.messages == []
    assert not problems, "\n".join(problems)

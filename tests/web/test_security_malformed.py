"""Nothing a visitor sends can raise a 500: malformed ids, pages, paths and forms, on every
route the URL map lists, as a visitor and as an administrator."""

import re
from itertools import product
from urllib.parse import quote

import pytest
from support.importing import database_snapshot
from support.security import (
    ADMIN,
    VISITOR,
    Cast,
    changing_rules,
    methods_of,
    reading_rules,
    rules_of,
)
from support.security_routes import ACCESS, ATTEMPTS, CHANGES_WHO_IS_SIGNED_IN, form_data
from werkzeug.routing import Rule

from blogapp.typed_text import CONTROL_CHARACTERS_MESSAGE

ARGUMENT = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
#: What goes where a number should: negative, zero, past 32 and 64 bits, not ASCII
#: digits ("²" and "١" pass str.isdigit), not whole numbers.
BAD_NUMBERS = [
    "-1", "0", "2147483648", "9223372036854775808", "99999999999999999999999999",
    "1e3", "0x10", "²", "١", "%C2%B2", "%EF%BC%91", " 1",
]  # fmt: skip
#: The edges of each fixed-width number, tried in every combination: years and months
#: no date holds ("/0000/", "/9999/12/") and the first and last that one may.
EDGES = {4: ["0000", "0001", "9999"], 2: ["00", "01", "12", "99"]}
#: What goes where words should: invalid UTF-8, NUL, dot segments, very long, letters and
#: symbols outside ASCII.
BAD_WORDS = [
    "%ff%fe", "%00", "%C0%AE%C0%AE", "..%2f..%2fsecret_key", "a" * 3000, "%E2%80%AE",
    "caf\u00e9", "\u2603", "\U0001f600", "\u0661\u0662",
]  # fmt: skip
#: Query parameters the views read, each given the same bad value.
QUERY_NAMES = ("page", "q", "show", "status", "showComment", "next")
QUERIES = ["-1", "0", "9223372036854775808", "9" * 30, "²", "%C2%B2", "%ff%fe", "%00"]
LONG_QUERY = "x" * 100_000
#: Form fields the views parse as numbers or choices, sent on every form.
FORM_CHOICES = ("reply_to", "comment", "action", "role", "banned", "open", "show", "series_number")
FORM_VALUES = ["²", "99999999999999999999", "\x00\x1b"]
#: Sent in every typed field at once.
LONG_VALUE = "x" * 30_000


@pytest.fixture
def app_config(app_config: dict) -> dict:
    """Answer errors with the 500 page, as a server does, so every failure is listed."""
    return {**app_config, "PROPAGATE_EXCEPTIONS": False}


def fixed_digits(argument: str) -> int | None:
    """How many digits an ``int(fixed_digits=N)`` argument takes (None: any number)."""
    digits = re.search(r"fixed_digits=(\d)", argument)
    return int(digits.group(1)) if digits else None


def with_arguments(
    rule: Rule, number: str | None = None, word: str | None = None, fixed: tuple[str, ...] = ()
) -> str:
    """The rule's path with its numbers and words replaced (None: by ones that fit the
    rule but name nothing there is); ``fixed`` gives its fixed-width numbers in turn."""
    given = iter(fixed)

    def replace(match: re.Match) -> str:
        if match.group(1) != "int":
            return word or "no-such-thing"
        width = fixed_digits(match.group(0))
        if fixed and width:
            return next(given)
        return number or {4: "2016", 2: "09"}.get(width or 0, "987654")

    return ARGUMENT.sub(replace, rule.rule)


def edge_paths(rule: Rule) -> list[str]:
    """The rule's path with every combination of its fixed-width numbers' edges."""
    widths = [fixed_digits(match.group(0)) for match in ARGUMENT.finditer(rule.rule)]
    edges = [EDGES[width] for width in widths if width]
    if not edges:
        return []
    return [with_arguments(rule, fixed=combination) for combination in product(*edges)]


def malformed_paths(rule: Rule) -> list[str]:
    """The rule's path with bad numbers (its words fine), the edges of its fixed-width
    numbers, then bad words (its numbers fine)."""
    with_bad_numbers = [with_arguments(rule, number=number) for number in BAD_NUMBERS]
    with_bad_words = [with_arguments(rule, word=quote(word, safe="%")) for word in BAD_WORDS]
    return sorted(set(with_bad_numbers + edge_paths(rule) + with_bad_words))


def senders(cast: Cast, rule: Rule, method: str) -> list[tuple[str, dict | None]]:
    """Who sends the request, and the form: a visitor and an administrator read; a change
    is sent by someone allowed to make it, with its form and token."""
    if method == "GET":
        return [(VISITOR, None), (ADMIN, None)]
    attempt = ATTEMPTS[rule.endpoint]
    data = {**form_data(attempt.data, cast), "csrf_token": cast.token(attempt.role)}
    return [(attempt.role, data)]


def test_malformed_addresses_are_never_a_500(app, mailbox):
    cast = Cast(app)
    rules = [rule for rule in rules_of(app) if rule.arguments]
    assert len(rules) >= 35
    failures, sent = [], 0
    for rule in rules:
        for path in malformed_paths(rule):
            for method in methods_of(rule):
                for role, data in senders(cast, rule, method):
                    response = cast.clients[role].open(path, method=method, data=data)
                    response.close()
                    sent += 1
                    if response.status_code >= 500:
                        failures.append(f"{method} {path[:100]} as {role}: {response.status}")

    assert sent >= 500
    assert not failures, "\n".join(failures)


def test_malformed_queries_are_never_a_500(app):
    cast = Cast(app)
    failures = []
    for rule in reading_rules(app):
        cases = [case for case in ACCESS.get(rule.endpoint, []) if ADMIN in case.allowed]
        if rule.arguments and not cases:
            continue
        path = cast.path(rule, cases[0].target(cast)) if cases else rule.rule
        for value in [*QUERIES, LONG_QUERY]:
            query = "&".join(f"{name}={value}" for name in QUERY_NAMES)
            response = cast.clients[ADMIN].get(f"{path}?{query}")
            response.close()
            if response.status_code >= 500:
                failures.append(f"{path}?{query[:80]}: {response.status}")

    assert not failures, "\n".join(failures)


def malformed_fields(form: dict[str, object]) -> list[dict[str, str]]:
    """What to change in the form: each bad value in each field typed in, one at a time,
    and in every field read as a number or a choice; then a very long value everywhere."""
    typed = [name for name, field in form.items() if isinstance(field, str)]
    typed = [name for name in typed if name not in FORM_CHOICES]
    return [
        *({name: value} for value in FORM_VALUES for name in typed),
        *(dict.fromkeys(FORM_CHOICES, value) for value in FORM_VALUES),
        dict.fromkeys([*typed, *FORM_CHOICES], LONG_VALUE),
    ]


def test_malformed_forms_are_never_a_500(app, mailbox):
    cast = Cast(app)
    failures, sent = [], 0
    for rule, method in changing_rules(app):
        attempt = ATTEMPTS[rule.endpoint]
        for changes in malformed_fields(form_data(attempt.data, cast)):
            target = attempt.target(cast)
            data = {**form_data(attempt.data, cast), **target.form, **changes}
            data["csrf_token"] = cast.token(attempt.role)
            response = cast.clients[attempt.role].open(
                cast.path(rule, target), method=method, data=data
            )
            sent += 1
            if response.status_code >= 500:
                sample = {name: value[:20] for name, value in changes.items()}
                failures.append(f"{method} {rule.endpoint} {sample}: {response.status}")
            if rule.endpoint in CHANGES_WHO_IS_SIGNED_IN:
                cast.recast(attempt.role)

    assert sent >= 200
    assert not failures, "\n".join(failures)


def test_forms_in_invalid_utf8_are_never_a_500(app, mailbox):
    cast = Cast(app)
    failures = []
    for rule, method in changing_rules(app):
        attempt = ATTEMPTS[rule.endpoint]
        target = attempt.target(cast)
        names = [*form_data(attempt.data, cast), *target.form, *FORM_CHOICES]
        body = "&".join(f"{name}=%ff%fe%c0%af" for name in names)
        body += f"&csrf_token={cast.token(attempt.role)}"
        response = cast.clients[attempt.role].open(
            cast.path(rule, target),
            method=method,
            data=body.encode(),
            content_type="application/x-www-form-urlencoded",
        )
        if response.status_code >= 500:
            failures.append(f"{method} {rule.endpoint}: {response.status}")
        if rule.endpoint in CHANGES_WHO_IS_SIGNED_IN:
            cast.recast(attempt.role)

    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    ("path", "form"),
    [
        ("/admin/posts/new", {"action": "draft", "title": "Pay\x00talks", "body": "Body."}),
        ("/admin/bulletins/new", {"source": "Napo", "title": "Pay\x00talks", "body": "News."}),
        ("/admin/feeds", {"name": "Napo\x1b", "url": "https://napo.example/feed"}),
    ],
)
def test_control_characters_in_an_editors_form_are_refused_with_a_message(app, path, form):
    cast = Cast(app)
    before = database_snapshot()

    response = cast.clients[ADMIN].post(path, data={**form, "csrf_token": cast.token(ADMIN)})

    assert response.status_code == 422
    assert CONTROL_CHARACTERS_MESSAGE in response.text
    assert database_snapshot() == before

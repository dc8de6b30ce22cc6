"""No redirect leaves the site, whatever ``next`` (or Referer, or any look-alike) says.

Driven by the app's URL map: every rule and method is used by someone allowed to (the
tables in tests/support/security_routes.py), with a redirect target in every parameter
name such views use, in the query and in the form, and a Referer from another site. Every
Location must resolve, as a browser would resolve it, to this site.
"""

import html
import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

from support.security import (
    CHANGING_METHODS,
    EDITOR,
    VISITOR,
    Cast,
    Target,
    methods_of,
    path_for,
    rules_of,
)
from support.security_routes import ACCESS, ATTEMPTS, CHANGES_WHO_IS_SIGNED_IN, form_data
from werkzeug.routing import Rule
from werkzeug.test import TestResponse

SITE_HOSTS = {"localhost", "blog.test"}
#: Names redirect targets go by in web apps; the blog uses ``next``.
TARGET_NAMES = ("next", "return_to", "redirect", "redirect_to", "url", "back", "came_from")
ELSEWHERE = "https://evil.example/a-page"
HOSTILE_TARGETS = [
    "https://evil.example",
    "http://evil.example/",
    "//evil.example",
    "///evil.example",
    "////evil.example/",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "/\\/evil.example",
    "http:evil.example",
    "https:evil.example",
    "https:/\\evil.example",
    "https:\\\\evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(document.domain)//",
    "data:text/html,<script>alert(1)</script>",
    "%2F%2Fevil.example",
    "/%2F/evil.example",
    " //evil.example",
    "\t//evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "\x00//evil.example",
    "/\x0c/evil.example",
    "\u3000//evil.example",
    "\uff0f\uff0fevil.example",
    "//blog.test@evil.example",
    "https://blog.test@evil.example/",
    "https://evil.example\\@blog.test",
    "/..//evil.example",
    "/\\..\\evil.example",
]
ON_SITE_MARKER = "/a-path-on-this-site?from=next"
#: The views that send people on to a ``next`` path of this site: after logging in (or
#: opening the log-in page when already logged in), and after asking for a new link.
FOLLOWS_NEXT = {("auth.login", "GET"), ("auth.login", "POST"), ("auth.resend_confirmation", "POST")}


def as_a_browser_resolves(location: str, base: str = "http://blog.test/a/page") -> str:
    """WHATWG URL parsing, as far as it matters here: tabs and newlines dropped, control
    characters and spaces trimmed, backslashes read as slashes; then resolved."""
    cleaned = re.sub(r"[\t\n\r]", "", location).strip("".join(map(chr, range(33))))
    return urljoin(base, cleaned.replace("\\", "/"))


def stays_on_site(location: str) -> bool:
    resolved = urlsplit(as_a_browser_resolves(location))
    return resolved.scheme in ("http", "https") and resolved.hostname in SITE_HOSTS


def next_in_login_form(page: str) -> str:
    """Where the log-in form will send the reader once they are in."""
    action = html.unescape(re.search(r'<form method="post" action="([^"]*)"', page).group(1))
    return parse_qs(urlsplit(action).query).get("next", ["/"])[0]


def every_request(app, cast: Cast) -> Iterator[tuple[str, Rule, str, Target, dict]]:
    """Every rule and method, used by someone allowed to: (role, rule, method, target, form)."""
    for rule in rules_of(app):
        for method in methods_of(rule):
            if method in CHANGING_METHODS:
                attempt = ATTEMPTS[rule.endpoint]
                target = attempt.target(cast)
                yield attempt.role, rule, method, target, form_data(attempt.data, cast)
                continue
            for role in (VISITOR, EDITOR):
                cases = [case for case in ACCESS.get(rule.endpoint, []) if role in case.allowed]
                if rule.arguments and not cases:
                    continue
                target = cases[0].target(cast) if cases else Target({})
                yield role, rule, method, target, {}


def send_with_target(cast: Cast, role, rule, method, target, form, redirect_to) -> TestResponse:
    """The request, with ``redirect_to`` under every name in the query and the form."""
    planted = dict.fromkeys(TARGET_NAMES, redirect_to)
    path = f"{path_for(cast.app, rule, target.values)}?{urlencode(planted)}"
    client = cast.clients[role]
    headers = {"Referer": ELSEWHERE}
    if method == "GET":
        response = client.get(path, headers=headers)
    else:
        data = {**form, **target.form, **planted, "csrf_token": cast.token(role)}
        response = client.open(path, method=method, data=data, headers=headers)
    response.close()
    if rule.endpoint in CHANGES_WHO_IS_SIGNED_IN:
        cast.recast(role)
    return response


def sweep(cast: Cast, redirect_to: str) -> dict[tuple[str, str], str]:
    """Where every redirect went: (endpoint, method) -> Location."""
    locations = {}
    for role, rule, method, target, form in every_request(cast.app, cast):
        response = send_with_target(cast, role, rule, method, target, form, redirect_to)
        assert response.status_code < 500, f"{method} {rule.endpoint}: {response.status}"
        if 300 <= response.status_code < 400:
            locations[rule.endpoint, method] = response.headers["Location"]
    return locations


def test_the_check_reads_locations_as_a_browser_would():
    on_site = ["/", "/2016/09/a-post#c12", "http://blog.test/x", "/%2F/evil.example",
               "/..//evil.example", "\uff0f\uff0fevil.example", "/\x0c/evil.example"]  # fmt: skip
    off_site = ["//evil.example", "/\\evil.example", "\\\\evil.example", " //evil.example",
                "/\t/evil.example", "\x00//evil.example", "https:/\\evil.example",
                "javascript:alert(1)", "//blog.test@evil.example",
                "https://evil.example\\@blog.test"]  # fmt: skip

    assert [location for location in on_site if not stays_on_site(location)] == []
    assert [location for location in off_site if stays_on_site(location)] == []


def test_only_the_known_views_follow_next_and_none_follows_the_referer(app, mailbox):
    locations = sweep(Cast(app), ON_SITE_MARKER)

    following = {key for key, location in locations.items() if location == ON_SITE_MARKER}
    assert following == FOLLOWS_NEXT
    assert len(locations) >= 40
    assert all(stays_on_site(location) for location in locations.values()), locations


def test_no_redirect_anywhere_leaves_the_site(app, mailbox):
    locations = sweep(Cast(app), "//evil.example")

    assert len(locations) >= 40
    assert {key: where for key, where in locations.items() if not stays_on_site(where)} == {}


def test_the_views_that_follow_next_refuse_every_hostile_target(app, mailbox):
    cast = Cast(app)
    problems, redirects = [], 0
    for role, rule, method, target, form in every_request(app, cast):
        if (rule.endpoint, method) not in FOLLOWS_NEXT:
            continue
        for redirect_to in HOSTILE_TARGETS:
            response = send_with_target(cast, role, rule, method, target, form, redirect_to)
            if 300 <= response.status_code < 400:
                redirects += 1
                location = response.headers["Location"]
                if not stays_on_site(location):
                    problems.append(f"{method} {rule.endpoint} {redirect_to!r} -> {location!r}")

    assert redirects >= len(FOLLOWS_NEXT) * len(HOSTILE_TARGETS)
    assert not problems, "\n".join(problems)


def test_the_log_in_page_never_carries_a_hostile_target_on(client):
    carried = [
        target
        for target in HOSTILE_TARGETS
        if not stays_on_site(
            next_in_login_form(client.get("/auth/login", query_string={"next": target}).text)
        )
    ]

    assert carried == []

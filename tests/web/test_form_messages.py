"""Form messages are the blog's own, saying what to do, never WTForms' stock English."""

import re
from pathlib import Path

import flask_wtf
import wtforms
from support.security import Cast, changing_rules
from support.security_routes import ATTEMPTS, CHANGES_WHO_IS_SIGNED_IN, form_data

from blogapp.forms import BLOG_VOICE

GETTEXT = re.compile(r"""gettext\(\s*(?:\n\s*)?"([^"]+)"(?:,\s*"([^"]+)")?""")
#: What each typed field is given, one at a time: nothing, too much, and not a number.
ODD_VALUES = ["", "x" * 30_000, "three"]


def stock_messages() -> set[str]:
    """Every message WTForms and Flask-WTF say in English when a form names none."""
    found = set()
    for package in (wtforms, flask_wtf):
        for source in Path(package.__file__).parent.rglob("*.py"):
            for match in GETTEXT.finditer(source.read_text()):
                found.update(message for message in match.groups() if message)
    return found - {"Choices cannot be None.", "Invalid field name '%s'."}


def as_pattern(message: str) -> re.Pattern:
    """The message as a page shows it, whatever numbers were put into it."""
    return re.compile(re.sub(r"%\\\(\w+\\\)[ds]", ".+?", re.escape(message)))


def test_every_stock_message_has_the_blogs_words():
    missing = sorted(stock_messages() - BLOG_VOICE.keys())

    assert len(stock_messages()) > 30
    assert missing == []


def test_no_form_answers_with_a_stock_message(app, mailbox):
    cast = Cast(app)
    stock = [as_pattern(message) for message in stock_messages()]
    failures, sent = [], 0
    for rule, method in changing_rules(app):
        attempt = ATTEMPTS[rule.endpoint]
        form = form_data(attempt.data, cast)
        typed = [name for name, value in form.items() if isinstance(value, str)]
        for name in typed:
            for value in ODD_VALUES:
                target = attempt.target(cast)
                data = {**form_data(attempt.data, cast), **target.form, name: value}
                data["csrf_token"] = cast.token(attempt.role)
                response = cast.clients[attempt.role].open(
                    cast.path(rule, target), method=method, data=data
                )
                response.close()
                sent += 1
                if rule.endpoint in CHANGES_WHO_IS_SIGNED_IN:
                    cast.recast(attempt.role)
                said = [pattern.pattern for pattern in stock if pattern.search(response.text)]
                if said:
                    failures.append(f"{rule.endpoint} with {name}={value[:10]!r}: {said}")

    assert sent > 50
    assert not failures, "\n".join(failures)

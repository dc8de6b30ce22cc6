"""Password and display-name rules, typed-text checks, and the signed tokens' purposes."""

import pytest
from flask import Flask

from blogapp.auth.rules import common_passwords, display_name_problem, password_problem
from blogapp.auth.tokens import Purpose, TokenInvalid, make_token, read_token
from blogapp.typed_text import has_control_characters, is_blank


def test_the_common_password_list_is_the_shipped_one():
    passwords = common_passwords()
    assert len(passwords) == 30_000
    assert {"123456", "password", "qwertyuiop", "1q2w3e4r5t"} <= passwords
    assert not any(word.startswith("#") for word in passwords)


@pytest.mark.parametrize(
    ("password", "fragment"),
    [
        ("short", "at least 10"),
        ("x" * 201, "at most 200"),
        ("QWERTYUIOP", "most common"),
        ("1212121212", "most common"),
        ("me@example.org", "email address"),
    ],
)
def test_passwords_that_will_not_do(password, fragment):
    assert fragment in password_problem(password, "Me@Example.org")


@pytest.mark.parametrize(
    "password", ["correct horse battery staple", "Probation officers 2016!", "ünïcödé pässwörd"]
)
def test_passwords_that_will_do(password):
    assert password_problem(password, "me@example.org") is None


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("", "Please give the name"),
        ("\u200b\u3000", "Please give the name"),
        ("x" * 81, "at most 80"),
        ("Bad\x1bName", "control characters"),
        ("Two\nLines", "one line"),
        ("anonymous", "how the blog shows other people"),
    ],
)
def test_display_names_that_will_not_do(name, fragment):
    assert fragment in display_name_problem(name)


def test_typed_text_checks():
    assert has_control_characters("a\x00b")
    assert has_control_characters("a\x85b")
    assert not has_control_characters("line one\r\nline two\tend")
    assert is_blank(" \n\u200b\ufeff")
    assert not is_blank(" x ")


def test_a_token_made_for_one_purpose_is_refused_for_another():
    app = Flask(__name__)
    app.config["SECRET_KEY"] = "unit-test-secret-key-long-enough"
    with app.app_context():
        token = make_token(Purpose.CONFIRM_EMAIL, {"user": 1, "email": "a@example.org"})
        assert read_token(Purpose.CONFIRM_EMAIL, token)["user"] == 1
        with pytest.raises(TokenInvalid):
            read_token(Purpose.RESET_PASSWORD, token)
        with pytest.raises(TokenInvalid):
            read_token(Purpose.CONFIRM_EMAIL, make_token(Purpose.CONFIRM_EMAIL, {"no": "user"}))

"""Redirect targets, absolute links, and the numbers and names addresses may hold."""

import pytest
from flask import Flask, render_template_string, url_for
from werkzeug.exceptions import NotFound

from blogapp.typed_text import whole_number
from blogapp.urls import (
    BUILT_PATHS_KEPT,
    absolutise_links,
    is_safe_redirect,
    register_cached_url_for,
    register_url_converters,
)


@pytest.mark.parametrize("target", ["/", "/2016/09/post", "/search?q=a&page=2", "/admin/#x"])
def test_paths_on_this_site_are_safe(target):
    assert is_safe_redirect(target)


@pytest.mark.parametrize(
    "target",
    [None, "", "https://evil.example", "//evil.example", "/\\evil.example", "\\\\evil",
     "javascript:alert(1)", "/path\r\nSet-Cookie: x", "evil.example/path", "http:/x"],
)  # fmt: skip
def test_anything_else_is_not(target):
    assert not is_safe_redirect(target)


def test_root_relative_links_are_made_absolute_on_the_site_url():
    app = Flask("urls")
    app.config["SITE_URL"] = "https://blog.example/"
    with app.app_context():
        html = absolutise_links(
            '<a href="/2016/09/x">x</a><img src="/uploads/a.png"><a href="//cdn">c</a>'
        )

    assert html == (
        '<a href="https://blog.example/2016/09/x">x</a>'
        '<img src="https://blog.example/uploads/a.png"><a href="//cdn">c</a>'
    )


@pytest.mark.parametrize(
    ("text", "number"),
    [("1", 1), ("0042", 42), ("2147483647", 2147483647), ("2147483648", None), ("²", None),
     ("١", None), ("-1", None), ("1e3", None), (" 1", None), ("", None), ("9" * 40, None)],
)  # fmt: skip
def test_whole_numbers_are_ascii_digits_no_larger_than_an_id(text, number):
    assert whole_number(text) == number


def test_addresses_with_ids_too_large_or_control_characters_match_no_route():
    app = Flask("urls")
    register_url_converters(app)
    app.add_url_rule("/comments/<int:comment_id>", "comment")
    app.add_url_rule("/label/<slug>", "label")
    urls = app.url_map.bind("blog.test")

    assert urls.match("/comments/2147483647") == ("comment", {"comment_id": 2147483647})
    assert urls.match("/label/caf\u00e9") == ("label", {"slug": "caf\u00e9"})
    for path in ("/comments/2147483648", "/comments/\u0661", "/label/a\x00b", "/label/a\x1bb"):
        with pytest.raises(NotFound):
            urls.match(path)


def app_with_links() -> Flask:
    app = Flask("links")
    app.config["SERVER_NAME"] = "blog.example"
    app.add_url_rule("/<int:year>/<slug>", "post", lambda year, slug: "")
    register_cached_url_for(app)
    return app


def test_templates_link_the_same_as_url_for_and_remember_what_they_built():
    app = app_with_links()
    with app.test_request_context("/"):
        first = render_template_string("{{ url_for('post', year=2016, slug='a b') }}")
        again = render_template_string("{{ url_for('post', year=2016, slug='a b') }}")
        expected = url_for("post", year=2016, slug="a b")

    assert first == again == expected == "/2016/a%20b"
    assert len(app.extensions["built_paths"]) == 1


def test_a_remembered_path_keeps_to_the_script_root_it_was_built_under():
    app = app_with_links()
    link = "{{ url_for('post', year=2016, slug='x') }}"
    with app.test_request_context("/", base_url="http://blog.example/blog"):
        mounted = render_template_string(link)
    with app.test_request_context("/"):
        at_root = render_template_string(link)

    assert (mounted, at_root) == ("/blog/2016/x", "/2016/x")


@pytest.mark.parametrize(
    "link",
    ["{{ url_for('post', year=2016, slug='x', _external=True) }}",
     "{{ url_for('post', year=2016, slug='x', _anchor='comments') }}",
     "{{ url_for('post', year=2016, slug='x', tags=['a']) }}"],
)  # fmt: skip
def test_links_with_options_or_unhashable_values_are_built_every_time(link):
    app = app_with_links()
    with app.test_request_context("/"):
        assert render_template_string(link).startswith(("/2016/x", "http://blog.example/2016/x"))

    assert app.extensions["built_paths"] == {}


def test_the_remembered_paths_are_forgotten_once_there_are_too_many():
    app = app_with_links()
    app.extensions["built_paths"].update(
        {("", "post", frozenset({n})): "/" for n in range(BUILT_PATHS_KEPT)}
    )
    with app.test_request_context("/"):
        render_template_string("{{ url_for('post', year=2016, slug='x') }}")

    assert list(app.extensions["built_paths"].values()) == ["/2016/x"]

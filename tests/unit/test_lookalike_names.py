"""Names that pass for another: case, spaces, accents, invisible marks and look-alike letters."""

import pytest

from blogapp.auth.names import blog_word_problem, names_clash
from blogapp.auth.rules import display_name_problem

CYRILLIC_A = "\u0430"
CYRILLIC_I = "\u0456"
CYRILLIC_JE = "\u0408"


@pytest.mark.parametrize(
    "name",
    [
        "Jim",
        "JIM ",
        "  jim",
        "J i m",
        "Jím",
        "J\u0131m",  # dotless i
        f"J{CYRILLIC_I}m",
        f"{CYRILLIC_JE}im",
        "J\u200bim",  # a zero-width space
        "Ｊｉｍ",  # fullwidth
        "Jirn",  # r and n side by side pass for m
    ],
)
def test_names_that_pass_for_jim(name):
    assert names_clash(name, "Jim")


@pytest.mark.parametrize("name", ["J1m", "Jimmy", "Tim", "Jin", "Jem", "Kim"])
def test_names_a_reader_tells_from_jim(name):
    assert not names_clash(name, "Jim")


def test_a_cyrillic_a_is_no_disguise():
    assert f"J{CYRILLIC_A}mes" != "James"
    assert names_clash(f"J{CYRILLIC_A}mes", "James")
    assert names_clash(f"J{CYRILLIC_A}n", "Jan")
    assert not names_clash("Jon", "Jan")


def test_greek_capitals_pass_for_latin_ones():
    assert names_clash("\u0395d \u0399tor", "Ed Itor")


@pytest.mark.parametrize(
    "name",
    ["Anonymous", "anonymous", "An0nymous", "ANONYM0US", "Deleted user", "deleteduser",
     "Editor", "EDITOR", "Édítor", f"Ed{CYRILLIC_I}tor", "Ｅｄｉｔｏｒ", "Ed itor"],
)  # fmt: skip
def test_the_blogs_own_words_are_reserved(name):
    assert blog_word_problem(name) is not None
    assert "how the blog shows other people" in display_name_problem(name)


@pytest.mark.parametrize("name", ["Editorial Team", "Anon", "Ed", "Deleted"])
def test_names_that_only_share_a_part_are_allowed(name):
    assert blog_word_problem(name) is None


@pytest.mark.parametrize("mark", ["\u202e", "\u202d", "\u2066", "\u2067", "\u2068", "\u2069"])
def test_names_cannot_turn_the_text_around_them(mark):
    assert "reverses the text around it" in display_name_problem(f"Jim{mark}moc.elpmaxe")


def test_control_characters_in_names_are_refused_with_a_message():
    for control in ("\x00", "\x1b", "\x7f", "\t", "\n"):
        assert "without control characters" in display_name_problem(f"Jim{control}Smith")

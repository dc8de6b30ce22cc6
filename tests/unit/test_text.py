"""Turning typed text into safe HTML."""

import pytest

from blogapp.text import (
    excerpt_of,
    html_to_text,
    render_comment_text,
    render_post_body,
    slugify,
)


def test_markdown_is_rendered_and_split_at_the_read_more_break():
    body = render_post_body("Intro *here*.\n\n<!--more-->\n\n> Quoted at length.")

    assert (
        body.html
        == "<p>Intro <em>here</em>.</p>\n\n<blockquote>\n<p>Quoted at length.</p>\n</blockquote>\n"
    )
    assert body.summary_html == "<p>Intro <em>here</em>.</p>\n"
    assert body.text == "Intro here.\nQuoted at length."
    assert body.excerpt == "Intro here."


def test_a_body_without_a_break_has_no_summary():
    assert render_post_body("Just this.").summary_html is None


def test_bloggers_read_more_anchor_is_a_break_too():
    from blogapp.text import render_post_html

    body = render_post_html("<p>Top</p><a name='more'></a><p>Rest</p>")

    assert body.summary_html == "<p>Top</p>"
    assert "Rest" in body.html


def test_comment_text_keeps_paragraphs_and_line_breaks_and_escapes_everything():
    html = render_comment_text("First line\nsecond <b>line</b>\n\n\nNew paragraph & more")

    assert html == (
        "<p>First line<br>\nsecond &lt;b&gt;line&lt;/b&gt;</p>\n<p>New paragraph &amp; more</p>\n"
    )


def test_comment_links_are_clickable_with_nofollow_ugc_noopener():
    html = render_comment_text("See https://example.org/report?a=1&b=2. Or www.napo.org.uk!")

    assert (
        '<a href="https://example.org/report?a=1&amp;b=2" rel="nofollow ugc noopener">'
        "https://example.org/report?a=1&amp;b=2</a>." in html
    )
    assert (
        '<a href="http://www.napo.org.uk" rel="nofollow ugc noopener">www.napo.org.uk</a>!' in html
    )


@pytest.mark.parametrize(
    "hostile",
    ['javascript:alert(1)', '"><script>alert(1)</script>', "https://x.org/\"onmouseover=alert(1)",
     "<img src=x onerror=alert(1)>"],
)  # fmt: skip
def test_comment_text_never_produces_markup_from_input(hostile):
    html = render_comment_text(hostile)

    assert "<script" not in html
    assert "<img" not in html
    assert 'href="javascript' not in html
    assert "onmouseover=" not in html or "&quot;" in html or "rel=" in html


def test_html_to_text_breaks_at_block_ends():
    assert html_to_text("<p>One</p><p>Two &amp; three</p><ul><li>a</li><li>b</li></ul>") == (
        "One\nTwo & three\na\nb"
    )


def test_excerpts_cut_at_a_word():
    assert excerpt_of("word " * 100, limit=22) == "word word word word…"
    assert excerpt_of("short text") == "short text"


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("MPs raise the alarm!", "mps-raise-the-alarm"),
        ("Latest From Napo 119", "latest-from-napo-119"),
        ("Café société", "cafe-societe"),
        ("!!!", "post"),
        ("  spaces  everywhere ", "spaces-everywhere"),
    ],
)
def test_slugs(title, slug):
    assert slugify(title) == slug


def test_markdown_table_alignment_survives_as_the_align_attribute():
    body = render_post_body("| Area | Hours |\n|:---|---:|\n| North | 1,200 |")

    assert '<th align="left">Area</th>' in body.html
    assert '<td align="right">1,200</td>' in body.html

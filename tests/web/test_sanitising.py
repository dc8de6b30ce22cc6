"""Whatever a post body holds, scripts and frames never reach a reader's page."""

import feedparser
import pytest

from blogapp.dates import utcnow

HOSTILE_BODIES = [
    "<script>alert('x')</script>Text",
    '<img src="x.png" onerror="alert(1)">',
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<iframe src="https://evil.example/"></iframe>',
    '<p onclick="alert(1)" style="color:red">styled</p>',
    "<svg><script>alert(1)</script></svg>",
    '<object data="x.swf"></object><embed src="x.swf">',
    '<form action="https://evil.example"><input name="q"></form>',
    "<style>body{display:none}</style>",
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
]
FORBIDDEN = ["<script", " onerror=", " onclick=", 'href="javascript', "<iframe", " style=",
             "<object", "<embed", "<form", "<style", "<meta", 'href="data:', "<svg"]  # fmt: skip


@pytest.mark.parametrize("body", HOSTILE_BODIES)
def test_hostile_markup_in_a_post_never_reaches_the_page(client, make_post, body):
    make_post("Hostile", body=f"Before.\n\n{body}\n\nAfter.")

    pages = [client.get(url).text for url in ("/", f"/{utcnow():%Y/%m}/hostile")]
    bodies = [page[page.index('class="post-body"') : page.index("After.")] for page in pages]
    feed = feedparser.parse(client.get("/feeds/posts.atom").data)
    bodies.append(feed.entries[0].content[0].value)
    for body_html in bodies:
        for forbidden in FORBIDDEN:
            assert forbidden not in body_html.lower()


def test_allowed_markup_survives(client, make_post):
    make_post(
        "Allowed",
        body=(
            "## A heading\n\n> A quote with **bold** and [a link](https://example.org/report).\n\n"
            "- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n![Chart](/uploads/chart.png)\n\n"
            "`code`\n\n---\n"
        ),
    )

    page = client.get(f"/{utcnow():%Y/%m}/allowed").text

    assert "<h2>A heading</h2>" in page
    assert "<blockquote>" in page
    assert '<a href="https://example.org/report" rel="noopener">a link</a>' in page
    assert "<li>one</li>" in page
    assert "<table>" in page
    assert '<img src="/uploads/chart.png" alt="Chart">' in page
    assert "<code>code</code>" in page
    assert "<hr>" in page

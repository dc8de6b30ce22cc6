"""Turning feed entries into bulletins: ids, times, titles and bodies."""

import io
from datetime import UTC, datetime

import feedparser
from support.feeds import atom, atom_entry, rss, rss_item

from blogapp.bulletins.ingest import (
    PollResult,
    entry_body,
    entry_guid,
    entry_link,
    entry_published_at,
    entry_title,
)
from blogapp.bulletins.operations import render_bulletin_body

NOW = datetime(2016, 9, 24, 12, 0, tzinfo=UTC)


def entries(document: str) -> list[feedparser.FeedParserDict]:
    return feedparser.parse(io.BytesIO(document.encode())).entries


def only_entry(item: str) -> feedparser.FeedParserDict:
    [entry] = entries(rss(item))
    return entry


def test_an_item_is_known_by_its_guid_else_its_link():
    assert entry_guid(only_entry(rss_item("a", guid="g-1", link="https://x.example/1"))) == "g-1"
    assert (
        entry_guid(only_entry(rss_item("b", link="https://x.example/2"))) == "https://x.example/2"
    )
    assert entry_guid(only_entry(rss_item("c"))) is None


def test_a_guid_too_long_to_store_becomes_its_digest():
    guid = entry_guid(only_entry(rss_item("a", guid="x" * 1500)))
    assert guid.startswith("sha256:")
    assert len(guid) == len("sha256:") + 64


def test_times_are_utc_and_never_later_than_now():
    dated = only_entry(rss_item("a", guid="1", pub_date="Sat, 24 Sep 2016 09:30:00 +0100"))
    future = only_entry(rss_item("b", guid="2", pub_date="Fri, 01 Jan 2100 00:00:00 +0000"))
    undated = only_entry(rss_item("c", guid="3"))
    nonsense = only_entry(rss_item("d", guid="4", pub_date="the day after tomorrow"))

    assert entry_published_at(dated, NOW) == datetime(2016, 9, 24, 8, 30, tzinfo=UTC)
    assert entry_published_at(future, NOW) == NOW
    assert entry_published_at(undated, NOW) == NOW
    assert entry_published_at(nonsense, NOW) == NOW


def test_an_atom_entry_without_published_uses_updated():
    [entry] = entries(atom(atom_entry("a", "urn:1", updated="2016-09-20T12:00:00Z")))
    assert entry_published_at(entry, NOW) == datetime(2016, 9, 20, 12, 0, tzinfo=UTC)


def test_titles_are_text_on_one_line():
    assert entry_title(only_entry(rss_item("Pay <b>rise</b>\n  agreed", guid="1"))) == (
        "Pay rise agreed"
    )
    assert entry_title(only_entry(rss_item("", guid="2"))) == "Untitled bulletin"
    assert len(entry_title(only_entry(rss_item("w " * 400, guid="3")))) <= 300


def test_the_full_content_wins_over_the_summary_and_plain_text_is_escaped():
    full = only_entry(rss_item("a", guid="1", description="Short", content="<p>Full</p>"))
    [plain] = entries(
        atom(atom_entry("b", "urn:b", content="1 < 2 & <b>not bold</b>", content_type="text"))
    )

    assert entry_body(full) == "<p>Full</p>"
    assert entry_body(plain) == "<p>1 &lt; 2 &amp; &lt;b&gt;not bold&lt;/b&gt;</p>\n"


def test_only_web_links_are_kept():
    assert (
        entry_link(only_entry(rss_item("a", link="https://x.example/1"))) == "https://x.example/1"
    )
    assert entry_link(only_entry(rss_item("b", link="javascript:alert(1)"))) is None


def test_an_editors_body_is_html_or_plain_text():
    assert render_bulletin_body("<p>Already <em>HTML</em></p>").html == (
        "<p>Already <em>HTML</em></p>"
    )
    assert render_bulletin_body("One\n\nTwo < three").html == "<p>One</p>\n<p>Two &lt; three</p>\n"


def test_poll_results_read_well():
    assert PollResult("Napo", new_items=1).summary() == "Napo: 1 new item"
    assert PollResult("Napo", new_items=0).summary() == "Napo: no new items"
    assert PollResult("Napo", not_modified=True).summary() == "Napo: not modified"
    assert PollResult("Napo", error="HTTP 500.").summary() == "Napo: error: HTTP 500."

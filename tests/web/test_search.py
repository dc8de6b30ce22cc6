"""Full-text search over posts (FTS5 on SQLite, text search on PostgreSQL)."""

import re
from datetime import timedelta

import pytest

from blogapp.caching.fragments import worker_copies, worker_item_copies
from blogapp.dates import utcnow
from blogapp.models import PostStatus


def result_titles(html: str) -> list[str]:
    titles = re.findall(r'<h2 class="search-result__title"><a href="[^"]+">(.*?)</a></h2>', html)
    return [re.sub(r"</?mark>", "", title) for title in titles]


def test_search_finds_posts_by_words_in_the_body(client, make_post):
    make_post("Inspection report", body="The inspectors found caseloads unmanageable.")
    make_post("Pay news", body="Nothing about that here.")

    page = client.get("/search?q=caseloads").text

    assert result_titles(page) == ["Inspection report"]
    assert "1 result for “caseloads”" in page


def test_title_matches_rank_above_body_matches(client, make_post):
    make_post("A post that mentions it", body="Unpaid work appears once in this body.")
    make_post("Unpaid work in crisis", body="A post about something.")

    page = client.get("/search?q=unpaid+work").text

    assert result_titles(page) == ["Unpaid work in crisis", "A post that mentions it"]


def test_snippets_highlight_the_words_and_escape_the_text(client, make_post):
    make_post("Markup", body="Someone typed `<script>alert(1)</script>` near the word caseloads.")

    page = client.get("/search?q=caseloads").text

    assert "<mark>caseloads</mark>" in page
    assert "<script>alert(1)</script>" not in page
    assert "alert(1)" in page


def test_the_last_word_matches_as_a_prefix_and_stems_match(client, make_post):
    make_post("Probation matters", body="Officers are inspected every year.")

    assert result_titles(client.get("/search?q=probat").text) == ["Probation matters"]
    assert result_titles(client.get("/search?q=inspecting+officer").text) == ["Probation matters"]


def test_drafts_and_scheduled_posts_are_not_found(client, make_post):
    make_post("Secret draft about caseloads", status=PostStatus.DRAFT)
    make_post(
        "Embargoed caseloads",
        status=PostStatus.SCHEDULED,
        published_at=utcnow() + timedelta(hours=2),
    )

    page = client.get("/search?q=caseloads").text

    assert result_titles(page) == []
    assert "Nothing matched “caseloads”" in page


def test_an_empty_query_gets_a_friendly_page(client):
    response = client.get("/search")

    assert response.status_code == 200
    assert "Type a few words to search every post and union bulletin on the blog." in response.text


@pytest.mark.parametrize(
    "query",
    ['"', "AND", "OR NOT", "*", "NEAR(", "-", "'; DROP TABLE posts; --", "(((", "x" * 5000,
     "ünïcödé", "😀", "a:b", "title:caseloads", "%00", "\\"],
)  # fmt: skip
def test_silly_queries_get_a_page_never_an_error(client, make_post, query):
    make_post("Caseloads", body="Caseloads again.")

    response = client.get("/search", query_string={"q": query})

    assert response.status_code == 200


def test_search_results_are_paged(app, client, make_post):
    app.config["SEARCH_RESULTS_PER_PAGE"] = 3
    for number in range(7):
        make_post(f"Caseloads report {number}", published_at=utcnow() - timedelta(hours=number))

    first = client.get("/search?q=caseloads").text
    third = client.get("/search?q=caseloads&page=3").text

    assert len(result_titles(first)) == 3
    assert "7 results for “caseloads”, page 1 of 3" in first
    assert 'href="/search?q=caseloads&amp;page=2">More results' in first
    assert len(result_titles(third)) == 1
    assert client.get("/search?q=caseloads&page=4").status_code == 404
    assert client.get("/search?q=caseloads&page=zero").status_code == 404


def test_readers_searching_for_the_same_words_share_the_results_until_the_content_changes(
    app, client, make_post, count_queries
):
    app.config["PAGE_CACHE_ENABLED"] = False
    make_post("Caseloads rising", body="About caseloads.")
    client.get("/search?q=caseloads")

    with count_queries() as same_words:
        page = client.get("/search?q=CASELOADS!").text
    make_post("Caseloads falling", body="About caseloads.")
    after_a_new_post = client.get("/search?q=caseloads").text

    assert [s for s in same_words if "MATCH" in s or "@@" in s] == []
    assert result_titles(page) == ["Caseloads rising"]
    assert "for “CASELOADS!”" in page
    assert sorted(result_titles(after_a_new_post)) == ["Caseloads falling", "Caseloads rising"]


def test_a_worker_that_never_ran_a_search_finds_its_results_in_the_shared_cache(
    app, client, make_post, count_queries
):
    app.config["PAGE_CACHE_ENABLED"] = False
    make_post("Caseloads rising", body="About caseloads.")
    client.get("/search?q=caseloads")
    for copies in (worker_copies, worker_item_copies):
        copies.copies.clear()

    with count_queries() as other_worker:
        page = client.get("/search?q=caseloads").text

    assert [s for s in other_worker if "MATCH" in s or "@@" in s] == []
    assert result_titles(page) == ["Caseloads rising"]


def test_the_search_page_has_one_search_box(client):
    page = client.get("/search?q=caseloads").text

    assert page.count('type="search"') == 1
    assert page.count("widget--follow") == 1

"""Search finds posts and union bulletins together, ranked, highlighted and paged."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from support.bulletins import add_bulletin

from blogapp.blog.search import search_statements
from blogapp.bulletins.operations import BulletinFields, remove_bulletin, update_bulletin
from blogapp.dates import utcnow
from blogapp.extensions import db

PER_PAGE = 3


@pytest.fixture
def app_config(app_config: dict) -> dict:
    return {**app_config, "SEARCH_RESULTS_PER_PAGE": PER_PAGE}


def results(page: str) -> list[tuple[str, str]]:
    """(kind, title text) of each result, in order."""
    found = re.findall(
        r'class="search-result__title"><a href="[^"]+">(.*?)</a></h2>\s*'
        r'<p class="search-result__meta"><span class="search-result__kind">([^<]+)</span>',
        page,
    )
    return [(kind, re.sub(r"</?mark>", "", title)) for title, kind in found]


def test_a_word_finds_a_post_and_a_bulletin_ranked_together(client, make_post):
    make_post(
        "Caseloads keep rising",
        body="Officers say the workload is now impossible to manage.",
        published_at=datetime(2016, 9, 20, 9, 0, tzinfo=UTC),
    )
    add_bulletin(
        "Workload measurement tool reviewed",
        body="<p>The pilot's findings are in.</p>",
        source="Napo",
        published_at=datetime(2016, 9, 19, 9, 0, tzinfo=UTC),
    )
    add_bulletin("Nothing relevant", body="<p>About pensions.</p>", source="Unison")

    response = client.get("/search?q=workload")

    assert response.status_code == 200
    page = response.text
    assert "2 results for “workload”" in page
    # The word in a title weighs more than in a body: the older bulletin comes first.
    assert results(page) == [
        ("Napo bulletin", "Workload measurement tool reviewed"),
        ("Post", "Caseloads keep rising"),
    ]
    assert "<mark>Workload</mark> measurement tool reviewed" in page
    assert "the <mark>workload</mark> is now impossible" in page
    assert 'class="search-result search-result--bulletin"' in page
    assert re.search(r'href="/bulletins/\d+-workload-measurement-tool-reviewed"', page)


def test_the_ranking_follows_the_match_not_the_kind(client, make_post):
    make_post("Workload crisis in the north", body="Every team is short.")
    add_bulletin("Branch meeting", body="<p>We will discuss workload and pay.</p>")

    assert results(client.get("/search?q=workload").text) == [
        ("Post", "Workload crisis in the north"),
        ("Napo bulletin", "Branch meeting"),
    ]


def test_results_are_paged_across_posts_and_bulletins(client, make_post):
    for number in range(2):
        make_post(f"Ballot post {number}", body="A ballot is coming.")
    for number in range(2):
        add_bulletin(f"Ballot bulletin {number}", body="<p>Vote in the ballot.</p>")

    first = client.get("/search?q=ballot").text
    second = client.get("/search?q=ballot&page=2").text

    assert "4 results for “ballot”, page 1 of 2" in first
    assert len(results(first)) == PER_PAGE
    assert len(results(second)) == 1
    assert {title for _, title in results(first) + results(second)} == {
        "Ballot post 0",
        "Ballot post 1",
        "Ballot bulletin 0",
        "Ballot bulletin 1",
    }
    assert 'href="/search?q=ballot&amp;page=2"' in first
    assert client.get("/search?q=ballot&page=3").status_code == 404


def test_search_leaves_out_bulletins_still_to_come_and_removed_ones(client):
    add_bulletin("Strike ballot result", published_at=utcnow() + timedelta(hours=1))
    gone = add_bulletin("Strike called off")
    remove_bulletin(gone)

    assert "Nothing matched “strike”" in client.get("/search?q=strike").text


def test_an_edited_bulletin_is_found_by_its_new_words(client):
    bulletin = add_bulletin("Draft title", body="<p>Nothing yet.</p>")
    update_bulletin(bulletin, BulletinFields("Napo", "Pensions update", "<p>Final text.</p>"))

    assert results(client.get("/search?q=pensions").text) == [("Napo bulletin", "Pensions update")]
    assert "Nothing matched" in client.get("/search?q=draft").text


def test_snippets_of_bulletins_are_escaped(client):
    add_bulletin("Escaping check", body="<p>Then &lt;b&gt;alert(1)&lt;/b&gt; came.</p>")

    page = client.get("/search?q=alert").text

    assert "1 result for “alert”" in page
    assert "<b>" not in page  # SQLite's snippet escapes the text; PostgreSQL's drops tags
    assert "<mark>alert</mark>(1)" in page


def test_the_search_page_query_count_does_not_grow_with_its_hits(client, make_post, count_queries):
    make_post("Caseload one", body="About caseload.")
    add_bulletin("Caseload bulletin one")
    with count_queries() as few:
        client.get("/search?q=caseload")
    make_post("Caseload two", body="About caseload.")
    add_bulletin("Caseload bulletin two")
    with count_queries() as many:
        client.get("/search?q=caseload")
    assert len(many) == len(few)


def test_postgres_ranks_both_kinds_with_their_stored_vectors_gin_indexes(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the stored search vectors are PostgreSQL's")
    statement = search_statements("postgresql").ranked_page.params(
        terms="workload", now=utcnow(), limit=10, offset=0
    )
    sql = str(statement.compile(db.engine, compile_kwargs={"literal_binds": True}))
    db.session.execute(text("SET LOCAL enable_seqscan = off"))
    plan = "\n".join(db.session.scalars(text(f"EXPLAIN {sql}")))
    db.session.rollback()
    assert "Index Scan on ix_posts_search" in plan
    assert "Index Scan on ix_bulletins_search" in plan

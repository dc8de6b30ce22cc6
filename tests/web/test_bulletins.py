"""Union bulletins as readers see them: the list by day, one bulletin, the sidebar, the feed."""

import re
from datetime import UTC, datetime, timedelta

import feedparser
import pytest
from support.bulletins import add_bulletin

from blogapp.dates import utcnow

PER_PAGE = 3


@pytest.fixture
def app_config(app_config: dict) -> dict:
    return {**app_config, "POSTS_PER_PAGE": PER_PAGE}


def day(hour: int, minute: int = 0, date: int = 24) -> datetime:
    return datetime(2016, 9, date, hour, minute, tzinfo=UTC)


def main_part(page: str) -> str:
    """The page without its sidebar (which lists the newest bulletins too)."""
    return page[page.index("<main") : page.index("</main>")]


def test_the_list_groups_bulletins_under_london_day_headings(client):
    add_bulletin("Ballot opens", source="Napo", published_at=day(9))
    add_bulletin("Night-shift survey", source="Unison", published_at=day(21, 42))
    add_bulletin("Late bulletin", source="Napo", published_at=day(23, 30))

    page = main_part(client.get("/bulletins/").text)

    headings = re.findall(r'<h2 class="date-header"[^>]*><time[^>]*>([^<]+)</time>', page)
    assert headings == ["Sunday, 25 September 2016", "Saturday, 24 September 2016"]
    order = [page.index(title) for title in ("Late bulletin", "Night-shift survey", "Ballot opens")]
    assert order == sorted(order)
    assert "From Unison at" in page
    assert ">22:42</time>" in page  # 21:42 UTC is 22:42 in London in September
    assert ">00:30</time>" in page


def test_the_list_is_paged_and_a_page_past_the_end_is_missing(client):
    for number in range(PER_PAGE + 1):
        add_bulletin(f"Bulletin {number}", published_at=day(9 + number))

    first = main_part(client.get("/bulletins/").text)
    second = main_part(client.get("/bulletins/?page=2").text)

    assert "Bulletin 3" in first
    assert "Bulletin 0" not in first
    assert 'href="/bulletins/?page=2"' in first
    assert "Older bulletins" in first
    assert "Bulletin 0" in second
    assert "Bulletin 3" not in second
    assert "Union bulletins, page 2" in second
    canonical = '<link rel="canonical" href="http://blog.test/bulletins/{}">'
    assert canonical.format("") in client.get("/bulletins/").text
    assert canonical.format("?page=2") in client.get("/bulletins/?page=2").text
    for bad in ("?page=3", "?page=0", "?page=-1", "?page=two"):
        assert client.get(f"/bulletins/{bad}").status_code == 404


def test_an_empty_list_says_so(client):
    response = client.get("/bulletins/")
    assert response.status_code == 200
    assert "No union bulletins have been published here yet." in response.text
    assert client.get("/bulletins/?page=2").status_code == 404


def test_a_bulletin_given_a_time_to_come_appears_only_then(client):
    later = add_bulletin("Not yet", published_at=utcnow() + timedelta(hours=2))

    assert "Not yet" not in client.get("/bulletins/").text
    assert client.get(f"/bulletins/{later.id}-{later.slug}").status_code == 404


def test_a_bulletin_page_shows_source_title_time_body_and_the_original(client):
    bulletin = add_bulletin(
        "Pay offer: vote by Friday",
        body="<p>The offer is <strong>now with members</strong>.</p>",
        source="Napo",
        published_at=day(21, 42),
        link="https://napo.example/news/pay",
    )

    response = client.get(f"/bulletins/{bulletin.id}-pay-offer-vote-by-friday")

    assert response.status_code == 200
    page = response.text
    assert "<title>Pay offer: vote by Friday | Napo bulletin | On Probation</title>" in page
    assert '<meta name="description" content="The offer is now with members.">' in page
    assert '<h1 class="bulletin-title" id="bulletin-title">Pay offer: vote by Friday</h1>' in page
    assert "Saturday, 24 September 2016" in page
    assert "From Napo at" in page
    assert ">22:42</time>" in page
    assert "<strong>now with members</strong>" in page
    assert '<a href="https://napo.example/news/pay" rel="noopener">Read the original' in page
    canonical = f"http://blog.test/bulletins/{bulletin.id}-pay-offer-vote-by-friday"
    assert f'<link rel="canonical" href="{canonical}">' in page
    assert '<meta property="og:title" content="Pay offer: vote by Friday">' in page
    assert f'<meta property="og:url" content="{canonical}">' in page
    assert '<meta property="article:section" content="Napo">' in page


def test_a_bulletin_without_a_link_has_no_read_the_original(client):
    bulletin = add_bulletin("Typed from an email", link=None)
    page = client.get(f"/bulletins/{bulletin.id}-{bulletin.slug}").text
    assert "Read the original" not in page


def test_a_wrong_or_missing_slug_redirects_permanently_to_the_right_address(client):
    bulletin = add_bulletin("Facilities time renewed")
    right = f"/bulletins/{bulletin.id}-facilities-time-renewed"

    for wrong in (f"/bulletins/{bulletin.id}-old-title", f"/bulletins/{bulletin.id}"):
        response = client.get(wrong)
        assert response.status_code == 301
        assert response.headers["Location"] == right
    assert client.get(right).status_code == 200


def test_a_missing_bulletin_is_a_styled_404(client):
    response = client.get("/bulletins/999-nothing-here")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert client.get("/bulletins/999").status_code == 404


def test_bulletin_pages_link_to_newer_and_older_bulletins(client):
    older = add_bulletin("First one", published_at=day(9))
    middle = add_bulletin("Second one", published_at=day(10))
    newer = add_bulletin("Third one", published_at=day(11))

    page = client.get(f"/bulletins/{middle.id}-{middle.slug}").text

    assert f'href="/bulletins/{newer.id}-{newer.slug}">‹ Newer bulletin' in page
    assert f'href="/bulletins/{older.id}-{older.slug}">Older bulletin ›' in page


def test_titles_and_bodies_are_escaped_and_sanitised(client):
    bulletin = add_bulletin(
        'Pay <script>alert("t")</script> & conditions',
        body=(
            '<p onclick="alert(1)">Read this</p><script>alert("b")</script>'
            '<iframe src="https://evil.example/"></iframe><img src="x" onerror="alert(2)">'
            '<a href="javascript:alert(3)">link</a><style>body{display:none}</style>'
        ),
    )

    for url in (f"/bulletins/{bulletin.id}-{bulletin.slug}", "/bulletins/", "/"):
        page = client.get(url).text
        assert "<script>alert" not in page
        assert "&lt;script&gt;alert(&#34;t&#34;)&lt;/script&gt; &amp; conditions" in page
        if url != "/":
            assert "Read this" in page
            for forbidden in ("onclick", "onerror", "<iframe", "javascript:", "<style"):
                assert forbidden not in page


def test_the_main_navigation_links_to_the_bulletins(client):
    page = client.get("/").text
    assert '<li><a href="/bulletins/">Bulletins</a></li>' in page
    assert (
        '<link rel="alternate" type="application/atom+xml" title="On Probation: union bulletins" '
        'href="/feeds/bulletins.atom">' in page
    )


def test_the_sidebar_shows_the_five_newest_bulletins_with_source_and_date(client):
    for number in range(6):
        add_bulletin(f"Bulletin number {number}", source="Unison", published_at=day(9 + number))

    page = client.get("/").text

    box = page[page.index("Latest union bulletins") : page.index("All union bulletins")]
    assert [f"Bulletin number {n}" for n in (5, 4, 3, 2, 1)] == re.findall(
        r"Bulletin number \d", box
    )
    assert "Unison · " in box
    assert "24 September 2016" in box


def test_the_sidebar_box_is_absent_when_there_are_no_bulletins(client):
    assert "Latest union bulletins" not in client.get("/").text


def bulletin_queries(statements: list[str]) -> list[str]:
    return [sql for sql in statements if re.search(r"\bFROM bulletins\b", sql)]


def test_the_sidebar_box_costs_one_query_however_many_bulletins(client, count_queries):
    add_bulletin("Only one")
    with count_queries() as few:
        client.get("/")
    for number in range(12):
        add_bulletin(f"Another {number}")
    with count_queries() as many:
        client.get("/")

    assert len(many) == len(few)
    assert len(bulletin_queries(many)) == 1


def test_pages_without_the_sidebar_do_not_query_bulletins(client, editor, count_queries):
    add_bulletin("Some bulletin")
    client.login(editor.email, "correct horse battery staple")
    with count_queries() as statements:
        response = client.get("/admin/feeds")
    assert response.status_code == 200
    assert bulletin_queries(statements) == []


def test_the_list_page_query_count_does_not_grow_with_its_bulletins(client, count_queries):
    add_bulletin("One", published_at=day(9))
    with count_queries() as few:
        client.get("/bulletins/")
    for number in range(PER_PAGE):
        add_bulletin(f"More {number}", published_at=day(10 + number))
    with count_queries() as many:
        client.get("/bulletins/")
    assert len(many) == len(few)


def test_the_atom_feed_carries_the_newest_bulletins(client):
    add_bulletin("Older news", body="<p>First.</p>", source="Unison", published_at=day(9))
    newest = add_bulletin(
        "Newest news", body="<p>Second <em>one</em>.</p>", source="Napo", published_at=day(10)
    )
    add_bulletin("Still to come", published_at=utcnow() + timedelta(days=1))

    response = client.get("/feeds/bulletins.atom")

    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.data)
    assert not feed.bozo
    assert feed.feed.title == "On Probation: union bulletins"
    assert [entry.title for entry in feed.entries] == ["Newest news", "Older news"]
    first = feed.entries[0]
    assert first.link == f"http://blog.test/bulletins/{newest.id}-newest-news"
    assert first.author == "Napo"
    assert "<em>one</em>" in first.content[0].value
    assert first.published_parsed[:5] == (2016, 9, 24, 10, 0)


def test_the_sitemap_lists_the_bulletins_page_and_each_bulletin(client):
    shown = add_bulletin("In the sitemap")
    add_bulletin("Not yet", published_at=utcnow() + timedelta(days=1))

    sitemap = client.get("/sitemap.xml").text

    assert "<loc>http://blog.test/bulletins/</loc>" in sitemap
    assert f"<loc>http://blog.test/bulletins/{shown.id}-in-the-sitemap</loc>" in sitemap
    assert "not-yet" not in sitemap

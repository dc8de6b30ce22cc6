"""Reading the blog as an anonymous visitor: home, posts, archive, labels, series."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from blogapp.dates import utcnow
from blogapp.models import PostStatus


def headings(html: str) -> list[str]:
    return re.findall(r'<h2 class="date-header"[^>]*><time[^>]*>([^<]+)</time>', html)


def post_titles(html: str) -> list[str]:
    return re.findall(r'<h3 class="post-title"[^>]*><a href="[^"]+">([^<]+)</a>', html)


def test_home_lists_newest_first_under_day_headings(client, make_post):
    make_post("Older news", published_at=datetime(2016, 9, 23, 10, 0, tzinfo=UTC))
    make_post("Morning news", published_at=datetime(2016, 9, 24, 8, 0, tzinfo=UTC))
    make_post("Evening news", published_at=datetime(2016, 9, 24, 18, 0, tzinfo=UTC))

    page = client.get("/").text

    assert headings(page) == ["Saturday, 24 September 2016", "Friday, 23 September 2016"]
    assert post_titles(page) == ["Evening news", "Morning news", "Older news"]


def test_home_shows_labels_time_author_and_comment_count(client, make_post, editor):
    make_post(
        "Caseloads",
        labels=["Napo", "Caseloads"],
        author=editor,
        published_at=datetime(2016, 9, 24, 21, 42, tzinfo=UTC),
    )

    page = client.get("/").text

    assert 'href="/label/napo" rel="tag">Napo</a>' in page
    assert 'href="/label/caseloads" rel="tag">Caseloads</a>' in page
    assert "Posted by Ed Itor at" in page
    assert ">22:42</time>" in page
    assert 'href="/2016/09/caseloads#comments">No comments</a>' in page


def test_read_more_break_shows_the_summary_on_the_home_page_and_everything_on_the_post(
    client, make_post
):
    make_post("Long report", body="The summary.\n\n<!--more-->\n\nThe rest of it.")

    home = client.get("/").text
    post = client.get(f"/{utcnow():%Y/%m}/long-report").text

    assert "The summary." in home
    assert "The rest of it." not in home
    assert "Read more" in home
    assert "The summary." in post
    assert "The rest of it." in post


def test_a_post_late_on_a_summer_evening_is_under_the_next_days_heading(client, make_post):
    make_post("Late summer post", published_at=datetime(2016, 6, 24, 23, 30, tzinfo=UTC))

    page = client.get("/").text

    assert headings(page) == ["Saturday, 25 June 2016"]
    assert ">00:30</time>" in page


def test_a_post_late_on_a_winter_evening_is_under_the_same_days_heading(client, make_post):
    make_post("Late winter post", published_at=datetime(2016, 12, 23, 23, 30, tzinfo=UTC))

    page = client.get("/").text

    assert headings(page) == ["Friday, 23 December 2016"]
    assert ">23:30</time>" in page


def test_summer_post_url_and_archive_follow_the_local_month(client, make_post):
    make_post("Start of September", published_at=datetime(2016, 8, 31, 23, 30, tzinfo=UTC))

    assert client.get("/2016/09/start-of-september").status_code == 200
    assert client.get("/2016/08/start-of-september").status_code == 404
    assert "Start of September" in client.get("/2016/09/").text


@pytest.fixture
def app_config(app_config):
    return {**app_config, "POSTS_PER_PAGE": 5}


def test_paging_older_and_newer_posts(client, make_post):
    for number in range(12):
        make_post(f"Post {number:02}", published_at=utcnow() - timedelta(hours=number))

    first = client.get("/")
    second = client.get("/?page=2")
    third = client.get("/?page=3")

    assert post_titles(first.text) == [f"Post {n:02}" for n in range(5)]
    assert 'href="/?page=2">Older posts' in first.text
    assert "‹ Newer posts" not in first.text
    assert post_titles(second.text) == [f"Post {n:02}" for n in range(5, 10)]
    assert 'href="/">‹ Newer posts' in second.text
    assert post_titles(third.text) == ["Post 10", "Post 11"]
    assert "Older posts ›" not in third.text


@pytest.mark.parametrize("page", ["4", "0", "-1", "abc", "1.5", ""])
def test_pages_out_of_range_or_not_numbers_are_404(client, make_post, page):
    for number in range(12):
        make_post(f"Post {number}")

    response = client.get(f"/?page={page}")

    assert response.status_code == 404
    assert "Page not found" in response.text


def test_an_empty_blog_has_a_friendly_home_page(client):
    response = client.get("/")

    assert response.status_code == 200
    assert "Nothing has been published here yet." in response.text


def test_post_page_has_title_day_body_labels_and_an_empty_comment_thread(client, make_post):
    make_post(
        "MPs raise the alarm",
        body="> The service is in crisis.\n\nWe agree.",
        labels=["Parliament"],
        published_at=datetime(2016, 9, 24, 9, 0, tzinfo=UTC),
    )

    response = client.get("/2016/09/mps-raise-the-alarm")

    assert response.status_code == 200
    page = response.text
    assert '<h1 class="post-title" id="post-title">MPs raise the alarm</h1>' in page
    assert "Saturday, 24 September 2016" in page
    assert "<blockquote>\n<p>The service is in crisis.</p>\n</blockquote>" in page
    assert 'href="/label/parliament" rel="tag">Parliament</a>' in page
    assert '<h2 id="comments-heading">Comments</h2>' in page
    assert page.count("No comments") == 1, "said once, under the heading"
    assert "No comments yet." in page


def test_post_page_links_older_and_newer_posts(client, make_post):
    make_post("First", published_at=datetime(2016, 9, 1, 9, 0, tzinfo=UTC))
    make_post("Second", published_at=datetime(2016, 9, 2, 9, 0, tzinfo=UTC))
    make_post("Third", published_at=datetime(2016, 9, 3, 9, 0, tzinfo=UTC))

    page = client.get("/2016/09/second").text

    assert re.search(r'href="/2016/09/third">‹ Newer post', page)
    assert re.search(r'href="/2016/09/first">Older post ›', page)


def test_series_navigation_follows_the_numbers(client, make_post):
    for number in (117, 118, 119):
        make_post(
            f"Latest From Napo {number}",
            series="Latest From Napo",
            number=number,
            published_at=datetime(2016, 9, number - 110, 9, 0, tzinfo=UTC),
        )
    make_post("Something else", published_at=datetime(2016, 9, 8, 12, 0, tzinfo=UTC))

    page = client.get("/2016/09/latest-from-napo-118").text

    assert "‹ Previous in Latest From Napo: Latest From Napo 117" in page
    assert "Next in Latest From Napo: Latest From Napo 119 ›" in page
    series_page = client.get("/series/latest-from-napo").text
    assert post_titles(series_page) == [
        "Latest From Napo 119",
        "Latest From Napo 118",
        "Latest From Napo 117",
    ]


@pytest.mark.parametrize(
    "url",
    [
        "/2016/09/no-such-post",
        "/2016/13/",
        "/2016/00/",
        "/2016/9/first",
        "/16/09/first",
        "/2015/",
        "/2016/08/",
        "/label/no-such-label",
        "/series/no-such-series",
        "/2016/09/first/extra",
    ],
)
def test_bad_dates_slugs_and_names_are_404(client, make_post, url):
    make_post("First", published_at=datetime(2016, 9, 1, 9, 0, tzinfo=UTC))

    response = client.get(url)

    assert response.status_code == 404
    assert "Page not found" in response.text


def test_drafts_and_scheduled_posts_are_not_shown(client, make_post):
    make_post("A draft", status=PostStatus.DRAFT)
    make_post(
        "Tomorrow's news",
        status=PostStatus.SCHEDULED,
        published_at=utcnow() + timedelta(days=1),
    )
    make_post("Out now")

    home = client.get("/").text

    assert post_titles(home) == ["Out now"]
    tomorrow = utcnow() + timedelta(days=1)
    assert client.get(f"/{tomorrow:%Y/%m}/tomorrows-news").status_code == 404


def test_a_scheduled_post_appears_when_its_time_comes(client, make_post):
    post = make_post(
        "Embargoed report",
        status=PostStatus.SCHEDULED,
        published_at=utcnow() + timedelta(minutes=5),
    )
    assert "Embargoed report" not in client.get("/").text

    from blogapp.extensions import db

    post.published_at = utcnow() - timedelta(minutes=1)
    db.session.commit()

    assert "Embargoed report" in client.get("/").text


def test_archive_year_and_month_pages(client, make_post):
    make_post("June post", published_at=datetime(2016, 6, 10, 9, 0, tzinfo=UTC))
    make_post("September post", published_at=datetime(2016, 9, 10, 9, 0, tzinfo=UTC))
    make_post("Last year", published_at=datetime(2015, 12, 10, 9, 0, tzinfo=UTC))

    year = client.get("/2016/").text
    month = client.get("/2016/09/").text

    assert post_titles(year) == ["September post", "June post"]
    assert "<h1>Posts from 2016</h1>" in year
    assert post_titles(month) == ["September post"]
    assert "<h1>Posts from September 2016</h1>" in month


@pytest.mark.parametrize(
    "path", ["/0000/", "/9999/", "/0000/01/", "/9999/12/", "/2016/00/", "/2016/13/", "/0000/01/x"]
)
def test_archive_addresses_no_date_holds_or_with_nothing_in_them_are_not_found(
    client, make_post, path
):
    make_post("September post", published_at=datetime(2016, 9, 10, 9, 0, tzinfo=UTC))

    response = client.get(path)

    assert response.status_code == 404
    assert "There is no page at this address" in response.text


def test_sidebar_archive_counts_years_and_months_newest_first(client, make_post):
    for day in (1, 2, 3):
        make_post(f"September {day}", published_at=datetime(2016, 9, day, 9, 0, tzinfo=UTC))
    make_post("June", published_at=datetime(2016, 6, 1, 9, 0, tzinfo=UTC))
    make_post("Older", published_at=datetime(2015, 1, 1, 9, 0, tzinfo=UTC))

    page = client.get("/").text
    archive = page[page.index("Blog archive") :]

    years = re.findall(r'<summary>(\d{4}) <span class="count">\((\d+)\)', archive)
    months = re.findall(r'href="/(\d{4}/\d\d)/">\w+</a> <span class="count">\((\d+)\)', archive)
    assert years == [("2016", "4"), ("2015", "1")]
    assert 'href="/2016/">All of 2016</a>' in archive
    assert months == [("2016/09", "3"), ("2016/06", "1"), ("2015/01", "1")]


def test_label_page_lists_only_its_posts_and_pages(client, make_post):
    make_post("About Napo", labels=["Napo"])
    make_post("About pay", labels=["Pay"])

    page = client.get("/label/napo").text

    assert post_titles(page) == ["About Napo"]
    assert "Posts labelled “Napo”" in page
    assert client.get("/label/napo?page=2").status_code == 404


def test_pages_have_their_own_title_and_description(client, make_post):
    make_post(
        "MPs raise the alarm",
        body="Probation officers told MPs about caseloads.",
        published_at=datetime(2016, 9, 24, 9, 0, tzinfo=UTC),
    )

    home = client.get("/").text
    post = client.get("/2016/09/mps-raise-the-alarm").text
    archive = client.get("/2016/09/").text

    assert "<title>On Probation</title>" in home
    assert "<title>MPs raise the alarm | On Probation</title>" in post
    assert (
        '<meta name="description" content="Probation officers told MPs about caseloads.">' in post
    )
    assert "<title>Posts from September 2016 | On Probation</title>" in archive


def test_post_pages_carry_open_graph_tags(client, make_post):
    make_post("MPs raise the alarm", published_at=datetime(2016, 9, 24, 9, 0, tzinfo=UTC))

    page = client.get("/2016/09/mps-raise-the-alarm").text

    assert '<meta property="og:type" content="article">' in page
    assert '<meta property="og:title" content="MPs raise the alarm">' in page
    assert '<meta property="og:url" content="http://blog.test/2016/09/mps-raise-the-alarm">' in page
    assert '<link rel="canonical" href="http://blog.test/2016/09/mps-raise-the-alarm">' in page


def test_every_page_links_the_posts_feed_and_a_skip_link(client, make_post):
    make_post("Anything")

    page = client.get("/").text

    assert '<link rel="alternate" type="application/atom+xml"' in page
    assert 'href="/feeds/posts.atom"' in page
    assert '<a class="skip-link" href="#content">' in page
    assert '<main id="content"' in page

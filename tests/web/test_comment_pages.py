"""Long threads in pages: boundaries, numbers, replies with their parent, links to a comment."""

from datetime import UTC, datetime

import feedparser
import pytest
from support.accounts import TEST_PASSWORD
from support.comments import comment, comments_of, path_of
from support.threads import bulk_comments, numbered

from blogapp import changes
from blogapp.extensions import db
from blogapp.models import Comment

START = datetime(2014, 6, 19, 20, 0, tzinfo=UTC)
PER_PAGE = 3


@pytest.fixture
def long_thread(app, make_post):
    """Eight top-level comments (pages of three: 3, 3, 2), each with one reply."""
    app.config["COMMENTS_PER_PAGE"] = PER_PAGE
    post = make_post("Omnishambles Update 52")
    return post, bulk_comments(post, 8, START, replies_to_each=1)


def test_pages_hold_their_share_of_top_level_comments_with_their_replies(client, long_thread):
    post, ids = long_thread
    pages = [client.get(path_of(post) + query) for query in ("", "?page=2", "?page=3")]

    assert [response.status_code for response in pages] == [200, 200, 200]
    numbers = [list(numbered(page.text).values()) for page in pages]
    assert numbers[0] == ["1", "1.1", "2", "2.1", "3", "3.1"]
    assert numbers[1] == ["4", "4.1", "5", "5.1", "6", "6.1"]
    assert numbers[2] == ["7", "7.1", "8", "8.1"]
    assert f'id="c{ids[3]}"' in pages[1].text
    assert f'id="c{ids[3]}"' not in pages[0].text


def test_the_links_lead_to_older_and_newer_comments(client, long_thread):
    post, _ = long_thread
    first, middle, last = (client.get(path_of(post) + q).text for q in ("", "?page=2", "?page=3"))

    assert "Older comments" not in first
    assert f'href="{path_of(post)}?page=2#comments"' in first
    assert f'href="{path_of(post)}#comments">‹ Older comments' in middle
    assert f'href="{path_of(post)}?page=3#comments">Newer comments ›' in middle
    assert "Newer comments" not in last
    assert "Page 3 of 3" in last


def test_a_short_thread_has_no_page_links(client, make_post):
    post = make_post("Quiet")
    bulk_comments(post, 2, START)
    page = client.get(path_of(post)).text
    assert "Pages of comments" not in page
    assert list(numbered(page).values()) == ["1", "2"]


@pytest.mark.parametrize("page", ["4", "0", "-1", "two", "9" * 30, "2.5"])
def test_a_page_that_is_not_there_is_a_styled_404(client, long_thread, page):
    post, _ = long_thread
    response = client.get(f"{path_of(post)}?page={page}", follow_redirects=True)
    assert response.status_code == 404
    assert "Page not found" in response.text


def test_numbers_are_those_of_the_whole_thread_for_a_logged_in_reader_too(
    app, client, long_thread, make_user
):
    post, ids = long_thread
    reader = make_user(email="reader@example.org")
    client.login(reader.email, TEST_PASSWORD)
    comment(client, post, "Answering comment 5", reply_to=ids[4], page=f"/comments/{ids[4]}/reply")

    page = numbered(client.get(path_of(post) + "?page=2").text)

    assert list(page.values()) == ["4", "4.1", "5", "5.1", "5.2", "6", "6.1"]


def test_after_replying_the_writer_lands_on_the_page_of_the_thread(client, long_thread, make_user):
    post, ids = long_thread
    reader = make_user(email="reader@example.org")
    client.login(reader.email, TEST_PASSWORD)

    response = comment(client, post, "On page two", reply_to=ids[4])
    reply = comments_of(post)[-1]

    assert response.location == f"{path_of(post)}?page=2#c{reply.id}"
    assert f'id="c{reply.id}"' in client.get(response.location).text


def test_a_comment_link_opens_the_page_that_holds_it(client, long_thread):
    post, ids = long_thread
    reply = db.session.scalar(db.select(Comment).where(Comment.parent_id == ids[6]))

    for comment_id in (ids[6], reply.id):
        response = client.get(f"/comments/{comment_id}")
        assert response.status_code == 302
        assert response.location == f"{path_of(post)}?page=3#c{comment_id}"
    assert client.get(f"/comments/{ids[0]}").location == f"{path_of(post)}#c{ids[0]}"
    assert client.get("/comments/999999").status_code == 404


def test_the_permalink_on_a_later_page_names_its_page(client, long_thread):
    post, ids = long_thread
    page = client.get(path_of(post) + "?page=3").text
    assert f'class="comment-permalink" href="?page=3#c{ids[6]}"' in page


def test_show_comment_with_blogger_s_time_opens_the_page_that_holds_it(client, long_thread):
    post, ids = long_thread
    seventh = db.session.get(Comment, ids[6])
    milliseconds = int(seventh.created_at.timestamp() * 1000)

    response = client.get(f"{path_of(post)}?showComment={milliseconds}")

    assert response.status_code in (301, 302)
    location = client.get(response.location).location if response.status_code == 301 else None
    assert (location or response.location) == f"{path_of(post)}?page=3#c{ids[6]}"


@pytest.mark.parametrize("shown", ["1403203020001", "soon", "9" * 30, ""])
def test_show_comment_naming_nothing_opens_the_post(client, long_thread, shown):
    post, _ = long_thread
    response = client.get(f"{path_of(post)}?showComment={shown}", follow_redirects=True)
    assert response.status_code == 200
    assert response.request.path == path_of(post)
    assert "showComment" not in response.request.query_string.decode()


def queries_for(client, count_queries, urls) -> dict[str, int]:
    """Each page's queries, rendered from nothing: the whole site's cache is ended first, so
    two counts compare the same work (a new comment ends only its own post's pieces)."""
    changes.announce(frozenset({changes.SITE}))
    counts = {}
    for url in urls:
        with count_queries() as statements:
            assert client.get(url).status_code == 200, url
        counts[url] = len(statements)
    return counts


@pytest.mark.parametrize("logged_in", [False, True])
def test_pages_of_a_thread_do_not_query_more_as_it_grows(
    app, count_queries, make_post, make_user, logged_in
):
    app.config["COMMENTS_PER_PAGE"] = PER_PAGE
    reader = make_user(email="reader@example.org")
    client = app.test_client()
    if logged_in:
        client.login(reader.email, TEST_PASSWORD)
    short, busy = make_post("Short"), make_post("Busy")
    bulk_comments(short, 2, START)
    bulk_comments(busy, 7, START, user_id=reader.id)
    small = queries_for(client, count_queries, [path_of(short), path_of(busy) + "?page=3"])

    bulk_comments(short, 150, START, replies_to_each=2)
    bulk_comments(busy, 150, START, replies_to_each=2, user_id=reader.id)
    large = queries_for(client, count_queries, [path_of(short), path_of(busy) + "?page=3"])

    assert large == small
    assert 0 < min(small.values()) <= max(small.values()) <= 12


def test_show_comment_with_a_blogger_comment_id_opens_its_page(client, long_thread):
    post, ids = long_thread
    imported = db.session.get(Comment, ids[5])
    imported.legacy_id = "tag:blogger.com,1999:blog-7362846510938475621.post-9020"
    db.session.commit()

    response = client.get(f"{path_of(post)}?showComment=9020")

    assert response.location == f"{path_of(post)}?page=2#c{ids[5]}"


def test_the_comment_feeds_link_each_comment_on_the_page_that_holds_it(client, long_thread):
    post, ids = long_thread
    feeds = [
        client.get(path) for path in ("/feeds/comments.atom", f"{path_of(post)}/comments.atom")
    ]

    for feed in feeds:
        links = {entry.link for entry in feedparser.parse(feed.data).entries}
        assert f"http://blog.test{path_of(post)}#c{ids[0]}" in links
        assert f"http://blog.test{path_of(post)}?page=2#c{ids[3]}" in links
        assert f"http://blog.test{path_of(post)}?page=3#c{ids[-1]}" in links

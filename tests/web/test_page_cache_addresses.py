"""Which addresses the page cache keeps: only the query arguments a page reads, written one
way; anything else is sent on to the clean address and never stored. The file cache is
bounded."""

import pytest
from flask_caching.backends import FileSystemCache
from support.accounts import TEST_PASSWORD

from blogapp.caching import cache
from blogapp.caching.files import BoundedFileCache
from blogapp.caching.generations import SITE, generation_key


@pytest.fixture
def files(app) -> FileSystemCache:
    return app.extensions["cache"][cache]


def stored_entries(files: FileSystemCache) -> int:
    """The entries in the file cache's folder (its own listing leaves out its count file)."""
    return sum(1 for _ in files._list_dir())


def test_made_up_arguments_are_sent_to_the_clean_address_and_never_stored(client, make_post, files):
    make_post("Flooded")
    assert "Flooded" in client.get("/").text
    before = stored_entries(files)

    answers = [client.get(f"/?q=flood{number}") for number in range(30)]

    assert {answer.status_code for answer in answers} == {301}
    assert {answer.headers["Location"] for answer in answers} == {"/"}
    assert stored_entries(files) == before
    assert "Flooded" in client.get("/?q=flood1", follow_redirects=True).text


@pytest.mark.parametrize(
    ("address", "clean"),
    [
        ("/?utm_source=mail", "/"),
        ("/?page=1", "/"),
        ("/?page=02", "/?page=2"),
        ("/?page=2&page=3", "/?page=2"),
        ("/bulletins/?fbclid=abc", "/bulletins/"),
        ("/feeds/posts.atom?page=2", "/feeds/posts.atom"),
        ("/search?q=pay%20%20rise&ref=x", "/search?q=pay+rise"),
        ("/search?page=2&q=pay+rise", "/search?q=pay+rise&page=2"),
        ("/search?q=+", "/search"),
    ],
)
def test_each_page_is_kept_under_one_address(client, make_post, address, clean):
    make_post("Pay rise agreed", body="The pay rise was agreed.")

    response = client.get(address)

    assert response.status_code == 301
    assert response.headers["Location"] == clean


def test_a_search_is_kept_with_its_words(client, make_post, count_queries):
    make_post("Pay rise agreed", body="The pay rise was agreed.")
    first = client.get("/search?q=pay+rise")

    with count_queries() as statements:
        second = client.get("/search?q=pay+rise")

    assert first.status_code == 200
    assert "1 result for “pay rise”" in second.text
    assert statements == []


def test_logged_in_readers_get_the_page_they_asked_for(client, make_post, editor):
    make_post("Flooded")
    client.login(editor.email, TEST_PASSWORD)

    response = client.get("/?utm_source=mail")

    assert response.status_code == 200
    assert "Flooded" in response.text


def test_pages_not_marked_cacheable_are_neither_stored_nor_redirected(client, files):
    client.get("/auth/login")
    before = stored_entries(files)

    response = client.get("/auth/login?next=/account")

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert stored_entries(files) == before


def site_generation_key(app) -> str:
    return generation_key(app, SITE)


def test_a_full_file_cache_keeps_its_bound_and_the_generation(app, client, make_post):
    files = BoundedFileCache(app.config["CACHE_DIR"], threshold=10, default_timeout=3600)
    app.extensions["cache"][cache] = files
    make_post("Pay rise agreed", body="The pay rise was agreed.")
    client.get("/")
    generation = files.get(site_generation_key(app))

    for number in range(40):
        assert client.get(f"/search?q=pay+{number}").status_code == 200

    assert stored_entries(files) <= 10
    assert files.get(site_generation_key(app)) == generation
    assert "Pay rise agreed" in client.get("/").text


def test_a_full_file_cache_is_pruned_in_one_pass_to_nine_tenths(tmp_path):
    files = BoundedFileCache(str(tmp_path), threshold=20, default_timeout=3600)
    files.set("generation", "kept", timeout=0)
    for number in range(19):
        files.set(f"page {number}", number, timeout=3600 + number)

    assert stored_entries(files) == 20

    files.set("one more page", 20)

    assert stored_entries(files) == 18 + 1
    assert files.get("generation") == "kept"
    assert files.get("page 0") is None
    assert files.get("page 18") == 18

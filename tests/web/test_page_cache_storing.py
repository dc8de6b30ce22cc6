"""What storing a page costs: a page already in the shared cache is not stored again, and a
page a worker just stored is served from its memory."""

import pytest

from blogapp.caching import cache
from blogapp.caching.pages import recent_pages, recent_scopes


class CountingBackend:
    """The app's shared cache, counting what is written to it and which pages are read."""

    def __init__(self, backend) -> None:
        self.backend = backend
        self.writes: list[str] = []
        self.page_reads: list[str] = []

    def __getattr__(self, name: str):
        return getattr(self.backend, name)

    def get(self, key):
        if key.startswith("page:"):
            self.page_reads.append(key)
        return self.backend.get(key)

    def set_many(self, mapping, timeout=None):
        self.writes.extend(mapping)
        return self.backend.set_many(mapping, timeout)


@pytest.fixture
def counting(app) -> CountingBackend:
    counting = CountingBackend(app.extensions["cache"][cache])
    app.extensions["cache"][cache] = counting
    return counting


def forget_what_this_worker_holds() -> None:
    recent_pages.copies.clear()
    recent_scopes.copies.clear()


def test_a_page_stored_by_another_worker_is_not_stored_again(app, client, make_post, counting):
    make_post("A post")
    client.get("/")
    stored = len(counting.writes)
    assert stored
    forget_what_this_worker_holds()
    page_scopes = next(key for key in counting.writes if key.startswith("page-scopes:"))
    counting.backend.delete(page_scopes)

    again = client.get("/")

    assert again.status_code == 200
    assert len(counting.writes) == stored, "the page was already there"


def test_a_page_a_worker_just_stored_is_served_from_its_memory(client, make_post, counting):
    make_post("A post")
    first = client.get("/")

    second = client.get("/")

    assert second.data == first.data
    assert counting.page_reads == []


def test_each_anonymous_page_says_whether_it_came_from_the_cache(app, client, make_post):
    make_post("A post")

    first, second = client.get("/"), client.get("/")
    with_session = app.test_client()
    with_session.set_cookie("session", "unreadable")

    assert first.headers["X-Page-Cache"] == "miss"
    assert second.headers["X-Page-Cache"] == "hit"
    assert with_session.get("/").headers["X-Page-Cache"] == "hit"

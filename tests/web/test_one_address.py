"""Every page has one address: listings of many things end in a slash ("/2016/09/",
"/bulletins/"), everything else does not ("/label/napo", "/search"); the other form of any
page answers 301 to it, keeping the query, so caches and search engines see one address."""

from urllib.parse import urlsplit

import pytest
from support.security import ADMIN, VISITOR, Cast
from support.security_routes import page_paths

#: Files are served as named: a slash after one is not another address of a page.
FILES = ("/static/", "/uploads/")


def other_form(path: str) -> str:
    return path[:-1] if path.endswith("/") else f"{path}/"


def where(response) -> str:
    moved = urlsplit(response.location)
    return f"{moved.path}?{moved.query}" if moved.query else moved.path


def test_the_other_form_of_every_page_moves_permanently_to_its_one_address(app):
    cast = Cast(app)
    failures, checked = [], 0
    for role in (VISITOR, ADMIN):
        for path in page_paths(cast):
            if path == "/" or path.startswith(FILES):
                continue
            response = cast.clients[role].get(other_form(path))
            response.close()
            checked += 1
            if response.status_code != 301 or where(response) != path:
                failures.append(
                    f"{other_form(path)} as {role}: {response.status} {where(response)}"
                )

    assert checked > 60
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    ("asked", "moved_to"),
    [
        ("/search/?q=caseloads&page=2", "/search?q=caseloads&page=2"),
        ("/2016?page=2", "/2016/?page=2"),
        ("/bulletins?page=3", "/bulletins/?page=3"),
        ("/admin/feeds/", "/admin/feeds"),
    ],
)
def test_the_query_goes_along(client, asked, moved_to):
    response = client.get(asked)

    assert response.status_code == 301
    assert where(response) == moved_to


def test_a_form_sent_to_the_other_form_is_never_turned_into_a_get(client):
    assert client.post("/2016").status_code != 301
    assert client.post("/auth/login/").status_code != 301


@pytest.mark.parametrize(
    "path", ["/2016/13/", "/0000/", "/label/", "/nothing-here/", "/2016/09/x/y/"]
)
def test_an_address_of_no_page_is_not_found_without_going_round_in_circles(client, path):
    response = client.get(path, follow_redirects=True)

    assert response.status_code == 404
    assert len(response.history) <= 1

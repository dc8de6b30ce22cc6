"""Editors add, edit and remove bulletins under /admin/bulletins."""

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from support.bulletins import add_bulletin

from blogapp.dates import utcnow
from blogapp.extensions import db
from blogapp.models import Bulletin, Role

PASSWORD = "correct horse battery staple"


@pytest.fixture
def as_editor(client, editor):
    client.login(editor.email, PASSWORD)
    return client


def bulletin_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Bulletin))


def only_bulletin() -> Bulletin:
    db.session.expire_all()
    return db.session.scalars(select(Bulletin)).one()


def valid_form(**changes: str) -> dict[str, str]:
    return {
        "source": "Napo",
        "title": "Pay offer: vote by Friday",
        "body": "<p>The offer is <strong>now with members</strong>.</p>",
        "link": "https://napo.example/news/pay",
        "published_at": "",
        **changes,
    }


def test_the_new_bulletin_form_has_the_fields_editors_expect(as_editor):
    page = as_editor.get("/admin/bulletins/new").text
    for label in ("Source", "Title", "Body", "Link", "Published at"):
        assert f">{label}</label>" in page
    assert "HTML, as the union published it" in page
    assert "London time. Leave empty to publish it now" in page


def test_an_editor_publishes_a_bulletin(as_editor):
    before = utcnow()
    response = as_editor.submit("/admin/bulletins/new", valid_form())

    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/bulletins"
    bulletin = only_bulletin()
    assert bulletin.source == "Napo"
    assert bulletin.title == "Pay offer: vote by Friday"
    assert bulletin.original_url == "https://napo.example/news/pay"
    assert bulletin.guid is None
    assert bulletin.published_at >= before
    listing = as_editor.get("/admin/bulletins").text
    assert "Saved the bulletin “Pay offer: vote by Friday”." in listing
    assert "Pay offer: vote by Friday" in listing
    page = as_editor.get(f"/bulletins/{bulletin.id}-{bulletin.slug}").text
    assert "<strong>now with members</strong>" in page


def test_the_published_time_is_read_as_london_time(as_editor):
    as_editor.submit("/admin/bulletins/new", valid_form(published_at="2016-09-24T22:42"))
    assert only_bulletin().published_at == datetime(2016, 9, 24, 21, 42, tzinfo=UTC)


def test_a_plain_text_body_becomes_paragraphs(as_editor):
    body = "First paragraph,\nsecond line.\n\nSee https://napo.example/a & more."
    as_editor.submit("/admin/bulletins/new", valid_form(body=body))
    assert only_bulletin().body_html == (
        "<p>First paragraph,<br>\nsecond line.</p>\n"
        '<p>See <a href="https://napo.example/a" rel="noopener">https://napo.example/a</a>'
        " &amp; more.</p>\n"
    )


def test_a_body_is_sanitised_with_the_post_allowlist(as_editor):
    body = (
        '<p onclick="x()">Kept <a href="javascript:alert(1)">bad</a></p>'
        "<script>alert(1)</script><iframe src='https://evil.example'></iframe>"
        "<blockquote><p>Quoted</p></blockquote>"
    )
    as_editor.submit("/admin/bulletins/new", valid_form(body=body))
    stored = only_bulletin().body_html
    assert "<blockquote><p>Quoted</p></blockquote>" in stored
    for forbidden in ("onclick", "<script", "<iframe", "javascript:"):
        assert forbidden not in stored


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": "  "}, "Give the bulletin a title."),
        ({"source": ""}, "Say which union it is from."),
        ({"body": ""}, "The bulletin needs a body."),
        ({"link": "javascript:alert(1)"}, "Enter a web address starting with http:// or https://."),
        ({"link": "ftp://napo.example/file"}, "Enter a web address starting with"),
        ({"published_at": "next Tuesday"}, "Give a date and time, such as"),
        ({"title": "x" * 301}, "longer than the 300 characters this box takes"),
    ],
)
def test_a_bad_form_is_shown_again_with_its_error_and_saves_nothing(as_editor, changes, message):
    response = as_editor.submit("/admin/bulletins/new", valid_form(**changes))
    assert response.status_code == 422
    assert message in response.text
    assert "Please correct the problem below." in response.text
    assert bulletin_count() == 0


def test_a_form_without_its_csrf_token_is_refused(as_editor):
    response = as_editor.post("/admin/bulletins/new", data=valid_form())
    assert response.status_code == 400
    assert "The form had expired" in response.text
    assert bulletin_count() == 0


def test_an_editor_edits_a_bulletin_and_its_old_address_redirects(as_editor):
    bulletin = add_bulletin("Old title", published_at=datetime(2016, 9, 24, 9, 0, tzinfo=UTC))
    old_address = f"/bulletins/{bulletin.id}-old-title"
    form_page = as_editor.get(f"/admin/bulletins/{bulletin.id}/edit").text
    assert 'value="Old title"' in form_page
    assert 'value="2016-09-24T10:00"' in form_page
    assert "Leave empty to keep 24 September 2016 at 10:00." in form_page

    response = as_editor.submit(
        f"/admin/bulletins/{bulletin.id}/edit", valid_form(title="New title", link="")
    )

    assert response.status_code == 302
    edited = only_bulletin()
    assert edited.title == "New title"
    assert edited.original_url is None
    assert edited.published_at == datetime(2016, 9, 24, 9, 0, tzinfo=UTC)
    moved = as_editor.get(old_address)
    assert moved.status_code == 301
    assert moved.headers["Location"] == f"/bulletins/{bulletin.id}-new-title"


def test_an_editor_removes_a_bulletin_after_confirming(as_editor):
    bulletin = add_bulletin("To be removed")
    address = f"/bulletins/{bulletin.id}-{bulletin.slug}"

    confirm = as_editor.get(f"/admin/bulletins/{bulletin.id}/remove")
    assert "Remove “To be removed”?" in confirm.text
    assert bulletin_count() == 1

    response = as_editor.submit(f"/admin/bulletins/{bulletin.id}/remove")

    assert response.status_code == 302
    assert "Removed the bulletin “To be removed”." in as_editor.get("/admin/bulletins").text
    assert bulletin_count() == 0
    assert as_editor.get(address).status_code == 404


def test_editing_or_removing_a_missing_bulletin_is_a_404(as_editor):
    assert as_editor.get("/admin/bulletins/999/edit").status_code == 404
    assert as_editor.get("/admin/bulletins/999/remove").status_code == 404


def test_the_editors_list_is_paged_and_shows_bulletins_still_to_come(as_editor):
    for number in range(26):
        add_bulletin(f"Listed {number}", published_at=datetime(2016, 9, 1, tzinfo=UTC))
    add_bulletin("Later on", published_at=datetime(2099, 1, 1, tzinfo=UTC))

    first = as_editor.get("/admin/bulletins").text
    second = as_editor.get("/admin/bulletins?page=2").text

    assert "27 bulletins, newest first" in first
    assert "Later on" in first
    assert "scheduled" in first
    assert len(re.findall(r"/edit\">Listed \d+</a>", second)) == 2
    assert as_editor.get("/admin/bulletins?page=3").status_code == 404


def test_the_editor_navigation_links_to_bulletins_and_feeds(as_editor):
    page = as_editor.get("/admin/bulletins").text
    assert '<a href="/admin/bulletins" aria-current="page">Bulletins</a>' in page
    assert '<a href="/admin/feeds">Union feeds</a>' in page


@pytest.mark.parametrize(
    "path", ["/admin/bulletins", "/admin/bulletins/new", "/admin/bulletins/1/edit"]
)
def test_visitors_are_sent_to_log_in(client, path):
    add_bulletin()
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")


def test_readers_may_not_add_edit_or_remove_bulletins(client, make_user):
    bulletin = add_bulletin("Stays put")
    reader = make_user(role=Role.READER)
    client.login(reader.email, PASSWORD)

    assert client.get("/admin/bulletins").status_code == 403
    assert client.get("/admin/bulletins/new").status_code == 403
    assert client.submit("/admin/bulletins/new", valid_form(), page="/").status_code == 403
    edit = client.submit(f"/admin/bulletins/{bulletin.id}/edit", valid_form(), page="/")
    assert edit.status_code == 403
    remove = client.submit(f"/admin/bulletins/{bulletin.id}/remove", page="/")
    assert remove.status_code == 403
    assert only_bulletin().title == "Stays put"

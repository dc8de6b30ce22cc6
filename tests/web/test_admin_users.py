"""The editors' user list: search, paging, roles (administrators only) and bans."""

import pytest
from support.accounts import TEST_PASSWORD
from support.comments import comment, comments_of, path_of

from blogapp.extensions import db
from blogapp.models import Role, User


def fresh(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


@pytest.fixture
def admin(make_user):
    return make_user(email="admin@example.org", name="Ada Admin", role=Role.ADMIN)


def logged_in(app, user: User):
    browser = app.test_client()
    browser.login(user.email, TEST_PASSWORD)
    return browser


def test_editors_find_accounts_by_address_or_name_page_by_page(app, editor):
    db.session.add_all(
        User(email=f"member{number:02d}@example.org", display_name=f"Member {number:02d}")
        for number in range(60)
    )
    db.session.add(User(email="pat@union.example", display_name="Pat 100%_Solidarity"))
    db.session.commit()
    browser = logged_in(app, editor)
    first_page = browser.get("/admin/users")
    assert first_page.status_code == 200
    assert first_page.text.count('<tr id="user-') == 50
    assert 'rel="next"' in first_page.text
    assert browser.get("/admin/users?page=2").text.count('<tr id="user-') == 12
    by_address = browser.get("/admin/users?q=UNION.example").text
    assert "Pat 100%_Solidarity" in by_address
    assert "Member 01" not in by_address
    assert "Pat 100%_Solidarity" in browser.get("/admin/users?q=100%25_S").text
    assert "No account matches" in browser.get("/admin/users?q=%25%25nobody").text
    assert browser.get("/admin/users?q=%00").status_code == 200


def test_readers_cannot_see_the_user_list(app, make_user):
    reader = make_user(email="reader@example.org")
    assert logged_in(app, reader).get("/admin/users").status_code == 403
    assert app.test_client().get("/admin/users").status_code == 302


def test_only_administrators_change_roles(app, admin, editor, make_user):
    reader = make_user(email="promote@example.org")
    by_editor = logged_in(app, editor)
    assert "<select" not in by_editor.get("/admin/users").text
    refused = by_editor.submit(
        f"/admin/users/{reader.id}/role", {"role": "admin"}, page="/admin/users"
    )
    assert refused.status_code == 403
    assert fresh(reader).role == Role.READER

    by_admin = logged_in(app, admin)
    done = by_admin.submit(
        f"/admin/users/{reader.id}/role", {"role": "editor"}, page="/admin/users"
    )
    assert done.status_code == 302
    assert fresh(reader).role == Role.EDITOR
    own = by_admin.submit(f"/admin/users/{admin.id}/role", {"role": "reader"}, page="/admin/users")
    assert own.status_code == 403
    assert fresh(admin).role == Role.ADMIN
    bad = by_admin.submit(f"/admin/users/{reader.id}/role", {"role": "king"}, page="/admin/users")
    assert bad.status_code == 400


def test_a_banned_reader_is_logged_out_and_kept_out(app, editor, make_user, make_post):
    post = make_post("Caseloads")
    reader = make_user(email="troll@example.org", name="Troll")
    reader_browser = logged_in(app, reader)
    assert "Log out" in reader_browser.get("/").text

    by_editor = logged_in(app, editor)
    response = by_editor.submit(
        f"/admin/users/{reader.id}/ban", {"banned": "1"}, page="/admin/users"
    )
    assert response.status_code == 302
    assert fresh(reader).banned

    page = reader_browser.get(path_of(post)).text
    assert "Log out" not in page
    assert "Log in to comment" in page
    assert reader_browser.login("troll@example.org", TEST_PASSWORD).status_code == 422
    refused = reader_browser.submit(f"/comments/on/{post.id}", {"body": "Hi"}, page="/auth/login")
    assert refused.status_code == 403
    assert comments_of(post) == []

    by_editor.submit(f"/admin/users/{reader.id}/ban", {"banned": "0"}, page="/admin/users")
    assert reader_browser.login("troll@example.org", TEST_PASSWORD).status_code == 302
    comment(reader_browser, post, "I am back.")
    assert len(comments_of(post)) == 1


def test_editors_cannot_ban_editors_and_nobody_bans_themselves(app, admin, editor, make_user):
    other_editor = make_user(email="other-editor@example.org", role=Role.EDITOR)
    by_editor = logged_in(app, editor)
    for target in (other_editor, admin, editor):
        response = by_editor.submit(
            f"/admin/users/{target.id}/ban", {"banned": "1"}, page="/admin/users"
        )
        assert response.status_code == 403
        assert not fresh(target).banned
    by_admin = logged_in(app, admin)
    by_admin.submit(f"/admin/users/{other_editor.id}/ban", {"banned": "1"}, page="/admin/users")
    assert fresh(other_editor).banned

"""Who is speaking in a thread: editors wear a badge and their names are theirs alone; names
and comments cannot turn the text around them; Anonymous stays anonymous."""

import pytest
from support.accounts import TEST_PASSWORD
from support.comments import comment, comments_of, path_of

from blogapp.extensions import db
from blogapp.models import Role, User

CYRILLIC_JE = "\u0408"
RIGHT_TO_LEFT_OVERRIDE = "\u202e"
BADGE = '<span class="badge badge--editor">Editor</span>'


@pytest.fixture
def jim(make_user):
    return make_user(email="jim@example.org", name="Jim", role=Role.EDITOR)


@pytest.fixture
def post(make_post):
    return make_post("Caseloads")


def register(client, name: str, number: int = 1):
    return client.submit(
        "/auth/register",
        {"email": f"new{number}@example.org", "display_name": name,
         "password": TEST_PASSWORD, "password_again": TEST_PASSWORD},
    )  # fmt: skip


@pytest.mark.parametrize("name", ["Jim", "JIM ", "Jím", f"{CYRILLIC_JE}im", "J i m", "Editor"])
def test_a_reader_cannot_register_as_an_editor_or_the_editor(client, jim, mailbox, name):
    refused = register(client, name)
    assert refused.status_code == 422
    assert "please choose another name" in refused.text
    assert db.session.scalar(db.select(User).where(User.email == "new1@example.org")) is None


def test_a_name_a_reader_tells_apart_is_allowed(client, jim, mailbox):
    assert register(client, "J1m").status_code == 302


def test_a_reader_cannot_rename_to_an_editors_name(client, jim, make_user):
    reader = make_user(email="reader@example.org", name="Pat Reader")
    client.login(reader.email, TEST_PASSWORD)
    refused = client.submit("/account/profile", {"profile-display_name": "jim"}, page="/account")
    assert refused.status_code == 422
    assert "looks like the name of one of the blog" in refused.text
    db.session.expire_all()
    assert db.session.get(User, reader.id).display_name == "Pat Reader"


def test_an_editor_keeps_and_respells_their_own_name(client, jim):
    client.login(jim.email, TEST_PASSWORD)
    kept = client.submit("/account/profile", {"profile-display_name": "JIM"}, page="/account")
    assert kept.status_code == 302


def test_editors_comments_wear_a_badge_but_not_when_anonymous(app, client, jim, post, make_user):
    client.login(jim.email, TEST_PASSWORD)
    comment(client, post, "From the editor.")
    comment(client, post, "Quietly.", anonymous=True)
    reader = make_user(email="reader@example.org", name="Pat Reader")
    reader_client = app.test_client()
    reader_client.login(reader.email, TEST_PASSWORD)
    comment(reader_client, post, "From a reader.")

    page = app.test_client().get(path_of(post)).text
    assert page.count(BADGE) == 1
    assert f'<bdi class="comment-author">Jim</bdi> {BADGE}' in page
    assert '<bdi class="comment-author">Anonymous</bdi>\n' in page
    assert '<bdi class="comment-author">Pat Reader</bdi>\n' in page


def test_a_reader_made_editor_wears_the_badge_at_once(app, client, post, make_user, jim):
    reader = make_user(email="reader@example.org", name="Pat Reader")
    client.login(reader.email, TEST_PASSWORD)
    comment(client, post, "Soon an editor.")
    visitor = app.test_client()
    assert BADGE not in visitor.get(path_of(post)).text
    admin = make_user(email="admin@example.org", name="Ada Min", role=Role.ADMIN)
    admin_client = app.test_client()
    admin_client.login(admin.email, TEST_PASSWORD)
    made = admin_client.submit(
        f"/admin/users/{reader.id}/role", {"role": "editor"}, page="/admin/users"
    )
    assert made.status_code == 302
    assert BADGE in visitor.get(path_of(post)).text


def test_names_and_comments_are_isolated_from_the_text_around_them(client, make_user, post):
    reader = make_user(email="reader@example.org", name="\u05e9\u05dc\u05d5\u05dd Pat")
    client.login(reader.email, TEST_PASSWORD)
    comment(client, post, "\u0645\u0631\u062d\u0628\u0627 123")
    page = client.get(path_of(post)).text
    assert '<bdi class="comment-author">\u05e9\u05dc\u05d5\u05dd Pat</bdi>' in page
    assert '<div class="comment-body" dir="auto">' in page
    assert "Logged in as <bdi>\u05e9\u05dc\u05d5\u05dd Pat</bdi>." in page


def test_a_comment_that_reverses_the_text_is_refused_with_a_message(client, make_user, post):
    reader = make_user(email="reader@example.org", name="Pat Reader")
    client.login(reader.email, TEST_PASSWORD)
    refused = comment(client, post, f"Nice {RIGHT_TO_LEFT_OVERRIDE}txt.exe")
    assert refused.status_code == 422
    assert "reverses the text around it" in refused.text
    control = comment(client, post, "Bell \x07 here")
    assert control.status_code == 422
    assert "control characters" in control.text
    assert comments_of(post) == []
    assert comment(client, post, "Tab\tand\r\nline breaks are fine.").status_code == 302


def test_a_name_that_reverses_the_text_is_refused_on_registering(client, mailbox):
    refused = register(client, f"Pat{RIGHT_TO_LEFT_OVERRIDE}gnp.exe")
    assert refused.status_code == 422
    assert "reverses the text around it" in refused.text


def test_editors_lists_isolate_names(app, client, editor, make_user):
    make_user(email="reader@example.org", name="\u05e9\u05dc\u05d5\u05dd Pat")
    client.login(editor.email, TEST_PASSWORD)
    users = client.get("/admin/users").text
    assert '<td data-label="Name"><bdi>\u05e9\u05dc\u05d5\u05dd Pat</bdi></td>' in users

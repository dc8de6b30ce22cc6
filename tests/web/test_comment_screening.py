"""What holds a comment for an editor: sent by a script (too fast, or the hidden box filled),
too many links, a word or domain on the block list, or an account not yet trusted."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from support.accounts import TEST_PASSWORD
from support.clock import stop_the_app_clock
from support.comments import comment, comments_of, path_of

from blogapp.models import CommentState

HELD = "held for review"


@pytest.fixture
def app_config(app_config: dict) -> dict:
    return {**app_config, "COMMENT_MIN_SECONDS": 3}


@pytest.fixture
def clock(monkeypatch):
    return stop_the_app_clock(monkeypatch, datetime(2026, 12, 7, 21, 40, tzinfo=UTC))


@pytest.fixture
def post(make_post):
    return make_post("Caseloads")


@pytest.fixture
def writer(client, make_user):
    user = make_user(email="writer@example.org", name="Wren Writer")
    client.login(user.email, TEST_PASSWORD)
    return user


def read_then_send(client, clock, post, seconds, **fields):
    """Open the post, spend ``seconds`` on the form, then send it as the browser would."""
    hidden = client.form_fields(path_of(post))
    clock.advance(timedelta(seconds=seconds))
    data = {**hidden, "body": "A thought about caseloads.", "anonymous": "", **fields}
    return client.post(f"/comments/on/{post.id}", data=data, follow_redirects=True)


def states(post):
    return [c.state for c in comments_of(post)]


def test_a_person_taking_their_time_is_published(client, clock, writer, post):
    page = read_then_send(client, clock, post, 40)
    assert states(post) == [CommentState.VISIBLE]
    assert HELD not in page.text


def test_a_form_sent_faster_than_a_person_types_is_held_not_dropped(client, clock, writer, post):
    page = read_then_send(client, clock, post, 1)
    assert page.status_code == 200
    assert states(post) == [CommentState.PENDING]
    assert f"Your comment is {HELD}" in page.text
    assert "Awaiting approval" in page.text
    assert "A thought about caseloads." in page.text


def test_a_form_without_its_time_or_with_a_forged_one_is_held(client, clock, writer, post):
    read_then_send(client, clock, post, 60, form_shown_at="")
    read_then_send(client, clock, post, 60, form_shown_at="1700000000.0")
    assert states(post) == [CommentState.PENDING, CommentState.PENDING]


def test_the_box_people_never_see_is_off_screen_unlabelled_and_out_of_reach(client, writer, post):
    page = client.get(path_of(post)).text
    assert '<div class="form-trap" aria-hidden="true">' in page
    trap = page.split('<div class="form-trap" aria-hidden="true">', 1)[1].split("</div>", 1)[0]
    assert 'name="website"' in trap
    assert 'tabindex="-1"' in trap
    assert 'autocomplete="off"' in trap
    assert 'type="text"' in trap


def test_a_form_with_the_hidden_box_filled_is_held(client, clock, writer, post):
    page = read_then_send(client, clock, post, 60, website="http://cheap.example")
    assert states(post) == [CommentState.PENDING]
    assert HELD in page.text


def test_more_links_than_allowed_hold_a_comment(client, clock, writer, post):
    two = "See https://one.example/a and www.two.example/b."
    three = two + " And http://three.example/c."
    read_then_send(client, clock, post, 30, body=two)
    read_then_send(client, clock, post, 30, body=three)
    assert states(post) == [CommentState.VISIBLE, CommentState.PENDING]


@pytest.fixture
def block_list(editor_client):
    saved = editor_client.submit(
        "/admin/settings",
        {"hold_first_comments": "0", "blocked_terms": "Viagra\n  \nspam.example\ncheap pills"},
    )
    assert saved.status_code == 302


@pytest.mark.parametrize(
    ("body", "held"),
    [
        ("Buy VIAGRA here", True),
        ("viagra.", True),
        ("No viagraless nonsense", False),
        ("Get cheap  pills", False),
        ("Get Cheap Pills now", True),
    ],
)
def test_a_blocked_word_holds_a_comment_as_a_whole_word(
    client, clock, writer, post, block_list, body, held
):
    read_then_send(client, clock, post, 30, body=body)
    assert states(post) == [CommentState.PENDING if held else CommentState.VISIBLE]


@pytest.mark.parametrize(
    ("body", "held"),
    [
        ("See https://spam.example/offer", True),
        ("See https://www.SPAM.example/offer", True),
        ("Visit deals.spam.example today", True),
        ("See https://notspam.example/offer", False),
        ("See https://spam.example.org/offer", False),
        ("Write to me@spam.exampled.org", False),
    ],
)
def test_a_blocked_domain_holds_a_comment_with_its_subdomains(
    client, clock, writer, post, block_list, body, held
):
    read_then_send(client, clock, post, 30, body=body)
    assert states(post) == [CommentState.PENDING if held else CommentState.VISIBLE]


def test_the_block_list_is_kept_and_shown_to_editors(editor_client, block_list):
    page = editor_client.get("/admin/settings").text
    assert "Viagra\nspam.example\ncheap pills</textarea>" in page


def test_editors_comments_are_never_held(client, clock, editor, post, block_list):
    client.login(editor.email, TEST_PASSWORD)
    read_then_send(client, clock, post, 0, body="Viagra at https://spam.example/a b c d")
    assert states(post) == [CommentState.VISIBLE]


class TestTrustedAfter:
    @pytest.fixture
    def app_config(self, app_config: dict) -> dict:
        return {**app_config, "TRUSTED_AFTER": 2, "COMMENT_MIN_SECONDS": 0}

    def test_the_admin_says_how_many_approvals_make_a_reader_trusted(self, editor_client):
        page = editor_client.get("/admin/settings").text
        assert re.search(r'<input[^>]*name="hold_first_comments"[^>]*value="2"', page)
        assert "Until you save a number here it is 2 (TRUSTED_AFTER" in page

    def test_a_reader_is_trusted_after_that_many_approved(
        self, client, writer, post, editor_client
    ):
        comment(client, post, "One.")
        comment(client, post, "Two.")
        assert states(post) == [CommentState.PENDING] * 2
        ids = [str(c.id) for c in comments_of(post)]
        approved = editor_client.submit(
            "/admin/comments",
            {"show": "held", "action": "approve", "comment": ids},
            page="/admin/comments",
        )
        assert approved.status_code == 302
        comment(client, post, "Three.")
        assert states(post) == [CommentState.VISIBLE] * 3

    def test_the_editors_number_wins_over_the_setting(self, client, writer, post, editor_client):
        editor_client.submit("/admin/settings", {"hold_first_comments": "0"})
        comment(client, post, "One.")
        assert states(post) == [CommentState.VISIBLE]


def register_form(client):
    return client.form_fields("/auth/register")


def registration(number: int) -> dict:
    return {
        "email": f"new{number}@example.org",
        "display_name": f"New Reader {number}",
        "password": TEST_PASSWORD,
        "password_again": TEST_PASSWORD,
    }


def test_a_registration_sent_too_fast_is_asked_for_again(client, clock, mailbox):
    hidden = register_form(client)
    refused = client.post("/auth/register", data={**hidden, **registration(1)})
    assert refused.status_code == 422
    assert "Please check what you typed and send it again" in refused.text
    assert 'value="new1@example.org"' in refused.text
    assert mailbox.to("new1@example.org") == []
    clock.advance(timedelta(seconds=5))
    again = client.post("/auth/register", data={**hidden, **registration(1)})
    assert again.status_code == 302
    assert len(mailbox.to("new1@example.org")) == 1


def test_a_registration_with_the_hidden_box_filled_is_refused(client, clock, mailbox):
    hidden = register_form(client)
    clock.advance(timedelta(seconds=30))
    data = {**hidden, **registration(2), "website": "https://bot.example"}
    refused = client.post("/auth/register", data=data)
    assert refused.status_code == 422
    assert "send it again" in refused.text
    assert mailbox.to("new2@example.org") == []


def test_a_report_sent_too_fast_is_asked_for_again(app, client, clock, writer, post, make_user):
    read_then_send(client, clock, post, 30, body="Reported soon.")
    (shown,) = comments_of(post)
    make_user(email="reporter@example.org")
    reporter = app.test_client()
    reporter.login("reporter@example.org", TEST_PASSWORD)
    url = f"/comments/{shown.id}/report"
    hidden = reporter.form_fields(url)
    refused = reporter.post(url, data={**hidden, "reason": "Spam"})
    assert refused.status_code == 422
    assert "send it again" in refused.text
    clock.advance(timedelta(seconds=10))
    assert reporter.post(url, data={**hidden, "reason": "Spam"}).status_code == 302


def test_the_moderation_queue_says_why_each_comment_was_held(
    client, clock, writer, post, block_list, editor_client
):
    read_then_send(client, clock, post, 1, body="Too quick to be typed.")
    read_then_send(client, clock, post, 30, body="Buy VIAGRA here")

    queue = editor_client.get("/admin/comments?show=held").text

    assert "Why it was held: sent faster than a person types." in queue
    assert re.search(r"Why it was held: the word “(?i:viagra)”, on the block list\.", queue)

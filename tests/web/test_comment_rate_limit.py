"""The comment rate limit counts only comments that were taken; reaching it keeps the text."""

import re

import pytest
from support.accounts import TEST_PASSWORD
from support.comments import comment, comments_of, path_of


@pytest.fixture
def app_config(app_config: dict) -> dict:
    return {**app_config, "RATELIMIT_ENABLED": True, "COMMENT_LIMIT": "2 per minute"}


@pytest.fixture
def post(make_post):
    return make_post("Caseloads")


@pytest.fixture
def writer(client, make_user):
    user = make_user(email="writer@example.org", name="Wren Writer")
    client.login(user.email, TEST_PASSWORD)
    return user


def test_forms_sent_back_for_correcting_do_not_use_up_the_limit(client, writer, post):
    for _ in range(3):
        assert comment(client, post, "   ").status_code == 422
    assert comment(client, post, "x" * 5000).status_code == 422
    assert comment(client, post, "First.").status_code == 302
    assert comment(client, post, "Second.").status_code == 302
    assert comment(client, post, "Third.").status_code == 429
    assert [c.body for c in comments_of(post)] == ["First.", "Second."]


def test_an_expired_form_does_not_use_up_the_limit(client, writer, post):
    for _ in range(3):
        expired = client.post(f"/comments/on/{post.id}", data={"body": "Hi", "csrf_token": "old"})
        assert expired.status_code == 400
    assert comment(client, post, "First.").status_code == 302
    assert comment(client, post, "Second.").status_code == 302
    assert comment(client, post, "Third.").status_code == 429


def test_the_limit_page_keeps_the_text_and_says_when_to_try_again(client, writer, post):
    comment(client, post, "First.")
    comment(client, post, "Second.")
    typed = "A long answer about caseloads & <weighting>,\r\nwritten with care."
    refused = comment(client, post, typed)
    assert refused.status_code == 429
    assert "Retry-After" in refused.headers
    page = refused.text
    assert "You have posted several comments in a short time" in page
    assert re.search(r"You can post this one at \d\d:\d\d \(in \d+ seconds\)", page)
    assert "Nothing has been posted." in page
    textarea = re.search(r'<textarea[^>]*name="body"[^>]*>(.*?)</textarea>', page, re.S)
    assert textarea is not None
    assert "caseloads &amp; &lt;weighting&gt;" in textarea.group(1)
    assert "written with care." in textarea.group(1)
    assert 'id="comment-form"' in page
    assert len(comments_of(post)) == 2


def test_a_reply_that_reaches_the_limit_stays_a_reply(client, writer, post):
    comment(client, post, "First.")
    first = comments_of(post)[0]
    comment(client, post, "Second.")
    refused = comment(client, post, "My reply.", reply_to=first.id)
    assert refused.status_code == 429
    assert f'name="reply_to" type="hidden" value="{first.id}"' in refused.text
    assert "Your reply" in refused.text
    assert path_of(post) in refused.text

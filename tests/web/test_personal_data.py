"""A reader downloads what the blog keeps about them, with their password again."""

import json

import pytest
from support.accounts import TEST_PASSWORD

from blogapp.comments.operations import post_comment
from blogapp.subscriptions.operations import save_subscription


@pytest.fixture
def reader(make_user):
    return make_user("reader@example.org", "Rita Reader")


@pytest.fixture
def reader_history(app, reader, make_user, make_post, mailbox):
    post = make_post("A busy thread")
    other = make_user("other@example.org", "Otto Other")
    post_comment(post, reader, "Said under my name.", False)
    post_comment(post, reader, "Said as nobody.", True)
    post_comment(post, other, "Not Rita's words.", False)
    save_subscription(reader, False, True)
    return post


def download(client, password: str):
    return client.submit("/account/data", {"data-current_password": password}, page="/account")


def test_a_reader_downloads_their_comments_subscription_and_mail(
    app, client, reader, reader_history
):
    client.submit("/auth/reset", {"email": reader.email})
    client.login(reader.email, TEST_PASSWORD)
    response = download(client, TEST_PASSWORD)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="my-data.json"'
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.data)
    assert data["account"]["email"] == "reader@example.org"
    texts = {(comment["text"], comment["as_anonymous"]) for comment in data["comments"]}
    assert texts == {("Said under my name.", False), ("Said as nobody.", True)}
    post = reader_history
    page = f"http://blog.test/{post.published_year}/{post.published_month:02d}/{post.slug}#c"
    assert all(comment["address"].startswith(page) for comment in data["comments"])
    assert [mail["kind"] for mail in data["mail_sent_to_you"]] == ["reset_password"]
    assert data["subscription"]["union_bulletins"] == "daily"
    assert data["subscription"]["new_posts"] == "never"
    assert "Not Rita's words." not in response.text


def test_a_wrong_password_gives_the_page_again_and_no_file(app, client, reader, reader_history):
    client.login(reader.email, TEST_PASSWORD)
    response = download(client, "not my password")
    assert response.status_code == 422
    assert "That is not your current password." in response.text
    assert "Content-Disposition" not in response.headers


def test_visitors_are_sent_to_log_in(app, client):
    response = client.post("/account/data")
    assert response.status_code in (302, 400)

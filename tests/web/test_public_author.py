"""A comment posted as Anonymous says "Anonymous" wherever the public reads it; only the
editors' moderation page names the account behind it."""

import re
from pathlib import Path

import pytest
from support.accounts import TEST_PASSWORD
from support.comments import comment, comments_of, path_of, thread_of
from support.mail import html_of, text_of

from blogapp.extensions import db
from blogapp.models import Comment, CommentState

SECRET = "Secret Sam"
TEMPLATES = Path(__file__).parents[2] / "blogapp" / "templates"


@pytest.fixture
def anonymous_thread(app, make_user, make_post, mailbox):
    """A signed question, Secret Sam's anonymous reply to it, and an imported "Anonymous"."""
    post = make_post("Caseloads")
    asker = make_user(email="asker@example.org", name="Asker")
    asker.notify_replies = True
    make_user(email="sam@example.org", name=SECRET)
    db.session.commit()
    asker_client = app.test_client()
    asker_client.login("asker@example.org", TEST_PASSWORD)
    comment(asker_client, post, "Who else has forty cases?")
    question = comments_of(post)[0]
    sam = app.test_client()
    sam.login("sam@example.org", TEST_PASSWORD)
    comment(sam, post, "I do, and I am not saying who I am.", anonymous=True, reply_to=question.id)
    db.session.add(
        Comment(
            post=post,
            author_name="Anonymous",
            body="Imported from Blogger.",
            body_html="<p>Imported from Blogger.</p>",
            state=CommentState.VISIBLE,
        )
    )
    db.session.commit()
    answer = comments_of(post)[1]
    return post, answer, asker_client, sam


def test_the_post_page_shows_anonymous_to_everyone_including_the_writer(client, anonymous_thread):
    post, _, asker_client, sam = anonymous_thread
    expected = [("1", "Asker"), ("1.1", "Anonymous"), ("2", "Anonymous")]
    assert thread_of(client, post) == expected
    assert thread_of(asker_client, post) == expected
    assert thread_of(sam, post) == expected
    assert SECRET not in client.get(path_of(post)).text
    assert SECRET not in asker_client.get(path_of(post)).text


def test_the_comment_feeds_name_anonymous(client, anonymous_thread):
    post = anonymous_thread[0]
    for feed in ("/feeds/comments.atom", f"{path_of(post)}/comments.atom"):
        xml = client.get(feed).text
        assert "<name>Anonymous</name>" in xml
        assert "Anonymous on “Caseloads”" in xml
        assert SECRET not in xml


def test_the_reply_and_report_pages_name_anonymous(anonymous_thread):
    _, answer, asker_client, _ = anonymous_thread
    reply_page = asker_client.get(f"/comments/{answer.id}/reply").text
    assert "Reply to <bdi>Anonymous</bdi>" in reply_page
    report_page = asker_client.get(f"/comments/{answer.id}/report").text
    assert '<bdi class="comment-author">Anonymous</bdi>' in report_page
    assert SECRET not in reply_page + report_page


def test_the_reply_notice_names_anonymous(anonymous_thread, mailbox):
    (message,) = mailbox.to("asker@example.org")
    assert message["Subject"] == "Anonymous replied to your comment on “Caseloads”"
    assert "Anonymous replied" in text_of(message)
    assert "<strong><bdi>Anonymous</bdi></strong>" in html_of(message)
    assert SECRET not in message.as_string()


def test_editors_see_who_wrote_it_on_the_moderation_page(client, anonymous_thread, editor):
    _, answer, asker_client, _ = anonymous_thread
    asker_client.submit(f"/comments/{answer.id}/report", {"reason": "Rude."})
    client.login(editor.email, TEST_PASSWORD)
    page = client.get("/admin/comments?show=reported").text
    assert f"{SECRET} &lt;sam@example.org&gt;" in page
    assert "shown as Anonymous" in page


def test_templates_name_a_comment_s_author_only_through_public_author():
    naming = re.compile(r"shown_name|account_name|(?<!post)\.author_name|\.user\.display_name")
    offending = [
        f"{path.relative_to(TEMPLATES)}: {match.group()}"
        for path in TEMPLATES.rglob("*")
        if path.is_file() and path.parent.name != "admin"
        for match in naming.finditer(path.read_text())
    ]
    assert offending == []

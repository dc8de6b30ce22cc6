"""Atom feeds of comments, site-wide and per post: public names only, shown comments only."""

import feedparser
from support.accounts import TEST_PASSWORD
from support.comments import comment, comments_of, path_of

from blogapp.blog.operations import unpublish_post
from blogapp.comments.operations import post_comment, remove_comment
from blogapp.extensions import db
from blogapp.models import CommentState


def test_the_comment_feeds_carry_shown_comments_under_their_public_names(
    client, make_user, make_post
):
    post, other_post = make_post("Caseloads"), make_post("Pay talks")
    unpublished = make_post("Withdrawn")
    writer = make_user(name="Named Writer")
    post_comment(post, writer, "Signed comment.", anonymous=False)
    post_comment(post, writer, "Anonymous comment.", anonymous=True)
    removed = post_comment(post, writer, "Removed comment.", anonymous=False)
    remove_comment(removed, writer)
    held = post_comment(other_post, writer, "Held comment.", anonymous=False)
    held.state = CommentState.PENDING
    post_comment(other_post, writer, "On the other post.", anonymous=False)
    db.session.commit()
    post_comment(unpublished, writer, "On a post made draft again.", anonymous=False)
    withdrawn_feed = f"{path_of(unpublished)}/comments.atom"
    unpublish_post(unpublished)

    site_feed = client.get("/feeds/comments.atom")
    assert site_feed.mimetype == "application/atom+xml"
    entries = feedparser.parse(site_feed.data).entries
    assert [entry.author for entry in entries] == ["Named Writer", "Anonymous", "Named Writer"]
    bodies = " ".join(entry.content[0].value for entry in entries)
    assert "Removed comment." not in bodies
    assert "Held comment." not in bodies
    assert "draft again" not in bodies
    assert entries[1].title == "Anonymous on “Caseloads”"
    assert entries[1].link.startswith(f"http://blog.test{path_of(post)}#c")

    post_feed = feedparser.parse(client.get(f"{path_of(post)}/comments.atom").data)
    assert post_feed.feed.title == "Comments on “Caseloads”"
    assert [entry.author for entry in post_feed.entries] == ["Anonymous", "Named Writer"]
    assert client.get(withdrawn_feed).status_code == 404


def test_the_post_page_links_its_comment_feed(client, make_user, make_post):
    post = make_post("Caseloads")
    make_user(email="reader@example.org")
    client.login("reader@example.org", TEST_PASSWORD)
    comment(client, post, "Hello.")
    assert len(comments_of(post)) == 1
    page = client.get(path_of(post)).text
    feed_link = (
        '<link rel="alternate" type="application/atom+xml" title="Comments on Caseloads" '
        f'href="{path_of(post)}/comments.atom">'
    )
    assert feed_link in page

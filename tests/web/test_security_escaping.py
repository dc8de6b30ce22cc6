"""Whatever people type is shown as text: no page, feed or email runs any of it.

A script payload goes into every field a reader or an editor can type that is shown
anywhere, each through its real form; then a visitor, a reader and an administrator
crawl every page they can reach by following links (plus pages only mail links to, and
error pages that echo what was asked for), and nothing in any page, feed, email or mail
preview would run.
"""

import io
from urllib.parse import quote

import pytest
from support.active_content import active_content_in, active_content_in_mail, crawl
from support.exports import CLASSIC_HEAD, TAIL, classic_comment, classic_post
from support.feed_server import feed_server
from support.feeds import rss, rss_item
from support.security import (
    ADMIN,
    CLOSED_PORT_URL,
    READER_A,
    READER_B,
    VISITOR,
    Cast,
    png_bytes,
    reading_rules,
    sign_in,
)

from blogapp.auth.tokens import confirmation_token, email_change_token, reset_token
from blogapp.extensions import db
from blogapp.following.tokens import mute_token, stop_token
from blogapp.mail.catcher import outbox_folder, save_to_outbox
from blogapp.models import Bulletin, BulletinFeed, Comment, Post
from blogapp.subscriptions.tokens import unsubscribe_token


def payload(field: str) -> str:
    """A script that would run if ``field`` were shown unescaped, marked with its name."""
    return f'"><script>alert(xss_{field})</script><img src=x onerror=alert(xss_{field})>'


def shown(field: str) -> str:
    """The part of a payload that survives escaping (and sanitising), to find it shown."""
    return f"xss_{field}"


SCRIPT_LINKS = (
    ' [a link](javascript:alert(1)) <a href="javascript:alert(1)">x</a>'
    ' <a href=" JaVa&#x09;ScRiPt:alert(1)">y</a>'
)
#: A file name can hold no "/"; browsers send its '"' as %22 (the HTML form-data rules).
FILE_NAME = "%22><img src=x onerror=alert(xss_file_name)><b onmouseover=alert(1)>.png"
#: Where each field is typed, by someone allowed to type it.
FIELDS = [
    "post_title", "post_body", "label", "series", "bulletin_source", "bulletin_title",
    "bulletin_body", "bulletin_link", "feed_name", "feed_url", "file_name", "import_title",
    "import_label", "import_author", "import_comment", "name", "comment", "b_name",
    "reply", "reason", "held_comment", "newcomer", "search", "users_search", "feed_item_title",
    "feed_item_body",
]  # fmt: skip


def blogger_export() -> bytes:
    post = classic_post(
        7,
        payload("import_title"),
        f"<p>{payload('import_body')}</p>",
        "2016-09-24T10:00:00.000Z",
        path="/2016/09/imported.html",
        labels=(payload("import_label"),),
    )
    comment = classic_comment(
        8,
        7,
        f"{shown('import_comment')} {payload('import_comment')}",
        "2016-09-24T11:00:00.000Z",
        author=payload("import_author"),
    )
    return (CLASSIC_HEAD + post + comment + TAIL).encode()


def submit(cast: Cast, role: str, path: str, data: dict, status: int = 302) -> None:
    response = cast.clients[role].post(path, data={**data, "csrf_token": cast.token(role)})
    assert response.status_code == status, (path, response.status)


def write_as_editors(cast: Cast) -> None:
    """Every field an editor types: a post, a bulletin, a feed, an image, an import."""
    submit(cast, ADMIN, "/admin/posts/new", {
        "action": "publish", "title": payload("post_title"), "labels": payload("label"),
        "series": payload("series"), "series_number": "1", "comments_open": "y",
        "body": payload("post_body") + SCRIPT_LINKS,
    })  # fmt: skip
    submit(cast, ADMIN, "/admin/bulletins/new", {
        "source": payload("bulletin_source"), "title": payload("bulletin_title"),
        "body": f"<p>{shown('bulletin_body')} {payload('bulletin_body')}</p>{SCRIPT_LINKS}",
        "link": f"https://example.org/?{payload('bulletin_link')}",
    })  # fmt: skip
    submit(cast, ADMIN, "/admin/feeds", {
        "name": payload("feed_name"), "url": f"{CLOSED_PORT_URL}/?{payload('feed_url')}",
    })  # fmt: skip
    submit(cast, ADMIN, "/admin/uploads", {"image": (io.BytesIO(png_bytes()), FILE_NAME)})
    submit(cast, ADMIN, "/admin/import", {
        "export": (io.BytesIO(blogger_export()), "blog.xml"),
    }, status=200)  # fmt: skip
    fetch_a_hostile_union_feed(cast)


def fetch_a_hostile_union_feed(cast: Cast) -> None:
    """A union's feed (not typed here, but written by someone else) with payloads in it."""
    item = rss_item(
        f"{shown('feed_item_title')} {payload('feed_item_title')}",
        guid="item-1",
        link="javascript:alert(1)",
        description=f"<p>{shown('feed_item_body')} {payload('feed_item_body')}</p>{SCRIPT_LINKS}",
        pub_date="Sat, 24 Sep 2016 10:00:00 +0000",
    )
    with feed_server() as server:
        url = server.serve("/napo.xml", rss(item, title=payload("feed_title")))
        submit(cast, ADMIN, "/admin/feeds", {"name": "Napo", "url": url})
        feed = db.session.scalar(db.select(BulletinFeed).where(BulletinFeed.url == url))
        submit(cast, ADMIN, f"/admin/feeds/{feed.id}/fetch", {})


def write_as_readers(cast: Cast, post: Post) -> None:
    """Names, comments, a reply, a report, a held comment and a registration."""
    submit(cast, READER_A, "/account/profile", {
        "profile-display_name": payload("name"), "profile-notify_replies": "y",
    })  # fmt: skip
    submit(cast, READER_A, f"/comments/on/{post.id}", {
        "body": f"{payload('comment')} javascript:alert(1) https://example.org/\"onclick=alert(1)"
    })  # fmt: skip
    first = db.session.scalar(db.select(Comment).where(Comment.post_id == post.id))
    submit(cast, READER_B, "/account/profile", {"profile-display_name": payload("b_name")})
    submit(cast, READER_B, f"/comments/on/{post.id}", {
        "body": payload("reply"), "reply_to": str(first.id),
    })  # fmt: skip
    submit(cast, READER_B, f"/comments/{first.id}/report", {"reason": payload("reason")})
    submit(cast, READER_A, "/subscribe", {"posts": "daily", "bulletins": "daily"})
    submit(cast, ADMIN, "/admin/settings", {"hold_first_comments": "1"})
    held_client = sign_in(cast.app.test_client(), cast.person("Held Back"))
    token = held_client.csrf_token("/account")
    held = held_client.post(
        f"/comments/on/{post.id}", data={"body": payload("held_comment"), "csrf_token": token}
    )
    assert held.status_code == 302
    submit(cast, VISITOR, "/auth/register", {
        "email": "newcomer@example.org", "display_name": payload("newcomer"),
        "password": "a long enough passphrase", "password_again": "a long enough passphrase",
    })  # fmt: skip


def mail_links(cast: Cast, post: Post) -> list[str]:
    """Pages people reach from mail, with links made for reader A."""
    reader = cast[READER_A]
    return [
        f"/threads/mute/{mute_token(reader.id, post.id)}",
        f"/unsubscribe/{unsubscribe_token(reader.id)}",
        f"/threads/stop/{stop_token(reader.id)}",
        f"/auth/reset/{reset_token(reader)}",
        f"/auth/confirm/{confirmation_token(reader)}",
        f"/account/email/confirm/{email_change_token(reader, 'moved@example.org')}",
    ]


def echoing_pages(post: Post, bulletin: Bulletin) -> list[str]:
    """Addresses with a payload in them (error pages and searches that show what was asked),
    and those no link leads to (old Blogger addresses, files for programs)."""
    typed = quote(payload("search"), safe="")
    return [
        f"/search?q={typed}", "/search?q=xss_post_title", "/search?q=xss_bulletin_title",
        f"/label/{typed}", f"/series/{typed}", f"/search/label/{typed}", f"/{typed}",
        f"/{post.published_year}/{post.published_month:02d}/{typed}",
        f"/bulletins/{bulletin.id}-{typed}", f"/auth/reset/{typed}", f"/unsubscribe/{typed}",
        f"/threads/stop/{typed}", f"/threads/mute/{typed}", f"/p/{typed}", f"/p/{typed}.html",
        f"/account/mail/resume/{typed}",
        f"/auth/confirm/{typed}", f"/auth/login?next=/{typed}", f"/?page={typed}",
        f"/admin/users?q={quote(payload('users_search'), safe='')}", f"/admin/outbox/{typed}",
        f"/admin/comments?show={typed}", "/admin/comments?show=reported",
        f"/admin/posts?status={typed}",
        f"/bulletins/{bulletin.id}", "/2016/09/imported.html", "/search/label/xss_import_label",
        "/robots.txt", "/sitemap.xml", "/healthz", "/metrics", "/auth/register/check-your-email",
        "/feeds/comments.atom", f"/admin/posts/{post.id}/preview",
        "/feeds/posts/default?alt=rss", "/feeds/comments/summary", "/feeds/1/comments/default",
        f"/feeds/posts/default/-/{typed}", "/feeds/posts/default/-/xss_import_label",
    ]  # fmt: skip


@pytest.fixture
def filled(app, mailbox):
    """Every field filled with a payload; mail filed in the outbox as the catcher does."""
    cast = Cast(app)
    write_as_editors(cast)
    post = db.session.scalar(db.select(Post).where(Post.title == payload("post_title")))
    write_as_readers(cast, post)
    submit(cast, ADMIN, "/admin/digest/send-to-me", {})
    for message in mailbox.messages:
        save_to_outbox(outbox_folder(), message.as_bytes())
    bulletin = db.session.scalar(db.select(Bulletin))
    seeds = [*mail_links(cast, post), *echoing_pages(post, bulletin)]
    return cast, seeds


def test_nothing_anyone_typed_runs_anywhere(app, mailbox, filled):
    cast, seeds = filled
    crawls = {
        VISITOR: crawl(cast.clients[VISITOR], ["/", *seeds]),
        READER_A: crawl(cast.clients[READER_A], ["/account", "/subscribe", "/"]),
        ADMIN: crawl(cast.clients[ADMIN], ["/admin/", "/", *seeds]),
    }

    problems = [
        f"{role} {path}: {found}"
        for role, pages in crawls.items()
        for path, (_, content_type, body) in pages.pages.items()
        if (found := active_content_in(content_type, body))
    ]
    problems += [
        f"mail {message['Subject']!r}: {found}"
        for message in mailbox.messages
        if (found := active_content_in_mail(message))
    ]
    assert not problems, "\n".join(problems)
    assert not any(500 in pages.statuses for pages in crawls.values())
    everything = "\n".join(pages.text() for pages in crawls.values())
    missing = [field for field in FIELDS if shown(field) not in everything]
    assert missing == []
    assert len(mailbox.messages) >= 3
    visited = set().union(*(pages.endpoints for pages in crawls.values()))
    reading = {rule.endpoint for rule in reading_rules(app)}
    assert sorted(reading - visited) == []

"""Editors write, preview, save, publish, schedule, unpublish and delete posts at /admin/."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update
from support.accounts import TEST_PASSWORD
from werkzeug.routing import IntegerConverter

from blogapp import changes
from blogapp.dates import format_day_heading, to_local, utcnow
from blogapp.extensions import db
from blogapp.models import Comment, Post, PostStatus, Role

NEW = "/admin/posts/new"
QUOTED_BODY = (
    "The inspectors were blunt.\n\n"
    "> Caseloads remain unmanageable in every region we visited.\n\n"
    "Members will not be surprised."
)


@pytest.fixture
def signed_in(client, editor):
    """The client, logged in as the editor."""
    client.login("editor@example.org", TEST_PASSWORD)
    return client


def post_form(**changes: object) -> dict[str, object]:
    """What an editor types into the post form (the checkbox ticked, as it starts)."""
    fields = {
        "title": "Inspectors report on caseloads",
        "body": QUOTED_BODY,
        "labels": "Napo, Caseloads",
        "series": "",
        "series_number": "",
        "comments_open": "y",
        "publish_at": "",
    }
    fields.update(changes)
    return {name: value for name, value in fields.items() if value is not None}


def press(client, button: str, url: str = NEW, follow_redirects: bool = False, **changes: object):
    """Fill in the post form on ``url`` and press the button that sends ``action=button``."""
    data = {**post_form(**changes), "action": button}
    return client.submit(url, data, page=url, follow_redirects=follow_redirects)


def edit_url(post: Post) -> str:
    return f"/admin/posts/{post.id}/edit"


def post_page(post: Post) -> str:
    return f"/{post.published_year:04d}/{post.published_month:02d}/{post.slug}"


def local_input(moment: datetime) -> str:
    """``moment`` as a datetime-local input shows it, in the blog's zone."""
    return f"{to_local(moment):%Y-%m-%dT%H:%M}"


def only_post() -> Post:
    posts = db.session.scalars(select(Post)).all()
    assert len(posts) == 1
    return posts[0]


def post_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Post))


def test_the_new_post_form_has_labelled_fields_and_hints(signed_in):
    page = signed_in.get(NEW).text
    for label in ("Title", "Body", "Labels", "Series", "Number in series", "Allow comments"):
        assert re.search(rf"<label[^>]*>{label}</label>", page)
    assert re.search(r'<label for="publish_at">Publish at</label>', page)
    assert 'type="datetime-local"' in page
    assert "&lt;!--more--&gt;" in page
    assert "“&gt; ”" in page
    for button in ("Preview", "Save draft", "Publish now", "Schedule", "Upload image"):
        assert re.search(rf'<button[^>]*type="submit"[^>]*>{button}</button>', page)


def test_editor_previews_saves_a_draft_then_publishes_it(signed_in):
    preview = press(signed_in, "preview")
    assert preview.status_code == 200
    assert "<blockquote>" in preview.text
    assert "Nothing has been saved yet" in preview.text
    assert 'value="Inspectors report on caseloads"' in preview.text
    assert post_count() == 0

    saved = press(signed_in, "draft", follow_redirects=True)
    assert "Saved “Inspectors report on caseloads” as a draft" in saved.text
    post = only_post()
    assert post.status == PostStatus.DRAFT
    assert "Inspectors report on caseloads" not in signed_in.get("/").text
    draft_preview = signed_in.get(f"/admin/posts/{post.id}/preview")
    assert "Preview of a draft" in draft_preview.text
    assert "<blockquote>" in draft_preview.text

    published = press(signed_in, "publish", url=edit_url(post), follow_redirects=True)
    assert "Published “Inspectors report on caseloads”" in published.text
    db.session.refresh(post)
    assert f'<a href="{post_page(post)}">View it on the blog</a>' in published.text
    home = signed_in.get("/").text
    assert "Inspectors report on caseloads" in home
    assert format_day_heading(to_local(utcnow()).date()) in home
    assert 'href="/label/napo"' in home
    assert 'href="/label/caseloads"' in home
    page = signed_in.get(post_page(post))
    assert page.status_code == 200
    assert "<blockquote>\n<p>Caseloads remain unmanageable" in page.text


def test_series_labels_and_comment_setting_are_saved_and_shown_again(signed_in):
    press(
        signed_in,
        "publish",
        title="Latest From Napo 119",
        series="Latest From Napo",
        series_number="119",
        comments_open=None,
        labels="Napo, napo , Bulletins",
    )
    post = only_post()
    page = signed_in.get(post_page(post)).text
    assert "Latest From Napo</a> (number 119)" in page
    assert "Comments are closed on this post." in page
    form = signed_in.get(edit_url(post)).text
    assert 'value="Bulletins, Napo"' in form
    assert 'value="Latest From Napo"' in form
    assert 'value="119"' in form
    assert not re.search(r'id="comments_open"[^>]*checked', form)


def test_a_series_number_already_taken_is_refused_naming_the_post_that_has_it(signed_in):
    napo = {"series": "Latest From Napo", "series_number": "119"}
    press(signed_in, "publish", title="Latest From Napo 119", **napo)
    first = only_post()

    again = press(signed_in, "draft", title="Latest From Napo 119 (again)", **napo)
    spelled_otherwise = press(signed_in, "draft", series="latest  from NAPO", series_number="119")
    kept = press(signed_in, "update", url=edit_url(first), title="Latest From Napo 119", **napo)

    assert again.status_code == 422
    assert "“Latest From Napo 119” is already number 119 in Latest From Napo." in again.text
    assert spelled_otherwise.status_code == 422
    assert kept.status_code == 302
    assert post_count() == 1


def test_updating_a_published_post_keeps_its_address_and_time(signed_in, make_post, editor):
    post = make_post("Union responds", body="First version.", author=editor)
    address, published_at = post_page(post), post.published_at
    form = signed_in.get(edit_url(post)).text
    for button in ("Update", "Unpublish"):
        assert re.search(rf"<button[^>]*>{button}</button>", form)
    assert "Save draft" not in form
    response = press(
        signed_in,
        "update",
        url=edit_url(post),
        title="Union responds at length",
        body="Second version.",
        publish_at=local_input(published_at),
        follow_redirects=True,
    )
    assert "Updated “Union responds at length”" in response.text
    db.session.refresh(post)
    assert post_page(post) == address
    assert post.published_at == published_at
    assert "Second version." in signed_in.get(address).text


def test_a_published_post_cannot_be_moved_into_the_future(signed_in, make_post, editor):
    post = make_post("Already out", author=editor)
    response = press(
        signed_in,
        "update",
        url=edit_url(post),
        title="Already out",
        publish_at=local_input(utcnow() + timedelta(days=2)),
    )
    assert response.status_code == 422
    assert "unpublish it first" in response.text
    db.session.refresh(post)
    assert post.is_public


def test_a_scheduled_post_appears_at_its_time_without_any_job(signed_in):
    when = utcnow() + timedelta(minutes=10)
    response = press(
        signed_in,
        "schedule",
        title="Zanzibarian plans announced",
        body="The Zanzibarian plan, in full.",
        publish_at=local_input(when),
        follow_redirects=True,
    )
    assert "Scheduled “Zanzibarian plans announced” for" in response.text
    post = only_post()
    assert post.status == PostStatus.SCHEDULED
    assert post.published_at > utcnow()
    assert "Zanzibarian" in signed_in.get("/admin/posts?status=scheduled").text

    def reader_sees_it() -> list[bool]:
        return [
            "Zanzibarian" in signed_in.get("/").text,
            post.slug in signed_in.get("/sitemap.xml").text,
            "Zanzibarian" in signed_in.get("/feeds/posts.atom").text,
            f'href="{post_page(post)}"' in signed_in.get("/search?q=zanzibarian").text,
            signed_in.get(post_page(post)).status_code == 200,
        ]

    assert reader_sees_it() == [False] * 5

    db.session.execute(
        update(Post)
        .where(Post.id == post.id)
        .values(published_at=post.published_at - timedelta(minutes=20))
        .execution_options(changes=[changes.post(post.id)])
    )
    db.session.commit()

    assert reader_sees_it() == [True] * 5
    assert "Zanzibarian" in signed_in.get("/admin/posts?status=published").text
    assert "Zanzibarian" not in signed_in.get("/admin/posts?status=scheduled").text


def test_publish_at_is_read_in_london_time(signed_in):
    press(signed_in, "schedule", title="Summer", publish_at="2099-07-15T09:30")
    press(signed_in, "schedule", title="Winter", publish_at="2099-01-15T09:30")
    times = dict(db.session.execute(select(Post.title, Post.published_at)).all())
    assert times["Summer"] == datetime(2099, 7, 15, 8, 30, tzinfo=UTC)
    assert times["Winter"] == datetime(2099, 1, 15, 9, 30, tzinfo=UTC)
    summer = db.session.scalar(select(Post).where(Post.title == "Summer"))
    assert 'value="2099-07-15T09:30"' in signed_in.get(edit_url(summer)).text


@pytest.mark.parametrize(
    ("publish_at", "message"),
    [
        ("", "Choose when to publish the post."),
        ("2001-01-01T10:00", "That time has passed"),
        ("next Tuesday", "Give a date and time"),
    ],
)
def test_schedule_needs_a_time_still_to_come(signed_in, publish_at, message):
    response = press(signed_in, "schedule", publish_at=publish_at)
    assert response.status_code == 422
    assert message in response.text
    assert 'aria-describedby="publish_at-hint publish_at-errors"' in response.text
    assert post_count() == 0


@pytest.mark.parametrize(
    ("button", "changes", "message"),
    [
        ("draft", {"title": "   "}, "Give the post a title."),
        ("publish", {"body": ""}, "Write the post before publishing it."),
        ("draft", {"series_number": "3"}, "Name the series this number belongs to"),
        ("draft", {"series": "Napo", "series_number": "three"}, "Enter a whole number, such as"),
        ("draft", {"series": "Napo", "series_number": "0"}, "Give a number from 1."),
        ("draft", {"labels": "x" * 101}, "A label can be at most 100 characters long."),
        ("draft", {"title": "t" * 301}, "longer than the 300 characters this box takes"),
    ],
)
def test_a_bad_form_is_shown_again_with_the_problem_and_saves_nothing(
    signed_in, button, changes, message
):
    response = press(signed_in, button, **changes)
    assert response.status_code == 422
    assert message in response.text
    assert "Please correct the problem below." in response.text
    kept = "Caseloads remain unmanageable" if "body" not in changes else "Inspectors report"
    assert kept in response.text
    assert post_count() == 0


def test_an_unknown_button_is_a_bad_request(signed_in):
    assert press(signed_in, "explode").status_code == 400
    assert post_count() == 0


def test_a_form_without_its_csrf_token_is_refused(signed_in):
    response = signed_in.post(NEW, data={**post_form(), "action": "publish"})
    assert response.status_code == 400
    assert "nothing was changed" in response.text
    assert post_count() == 0


def test_two_posts_with_one_title_in_a_month_get_different_addresses(signed_in):
    press(signed_in, "publish", title="Pay offer rejected")
    press(signed_in, "publish", title="Pay offer rejected")
    slugs = sorted(db.session.scalars(select(Post.slug)))
    assert slugs == ["pay-offer-rejected", "pay-offer-rejected-2"]
    for post in db.session.scalars(select(Post)):
        assert signed_in.get(post_page(post)).status_code == 200


def test_dangerous_markup_typed_in_a_body_never_reaches_the_post_page(signed_in):
    body = (
        "Before.\n\n<script>alert('body')</script>\n\n"
        '<p onclick="alert(1)">Click</p> <img src="/x.png" onerror="alert(2)">\n\n'
        '[a link](javascript:alert(3)) and <a href="JaVaScRiPt:alert(4)">another</a>\n\n'
        '<iframe src="https://evil.example/"></iframe>\n\nAfter.'
    )
    preview = press(signed_in, "preview", body=body).text
    shown = preview.split('id="preview-heading"', 1)[1].split("<form", 1)[0].lower()
    press(signed_in, "publish", body=body)
    page = signed_in.get(post_page(only_post())).text.lower()
    for html in (shown, page):
        assert "before." in html
        assert "after." in html
        for dangerous in ("<script", "onclick", "onerror", "<iframe"):
            assert dangerous not in html
        assert not re.search(r"(?:href|src)\s*=\s*[\"']?\s*javascript:", html)


def test_unpublishing_takes_a_post_off_the_blog(signed_in, make_post, editor):
    post = make_post("Withdrawn statement", author=editor)
    address = post_page(post)
    response = signed_in.submit(
        f"/admin/posts/{post.id}/unpublish", page="/admin/posts", follow_redirects=True
    )
    assert "Unpublished “Withdrawn statement”" in response.text
    assert signed_in.get(address).status_code == 404
    assert "Withdrawn statement" not in signed_in.get("/").text
    db.session.refresh(post)
    assert post.status == PostStatus.DRAFT


def test_unpublish_from_the_editor_keeps_the_changes_as_a_draft(signed_in, make_post, editor):
    post = make_post("Hasty post", author=editor)
    response = press(
        signed_in, "unpublish", url=edit_url(post), title="Careful post", follow_redirects=True
    )
    assert "Unpublished “Careful post”" in response.text
    db.session.refresh(post)
    assert (post.title, post.status, post.published_at) == ("Careful post", PostStatus.DRAFT, None)


def test_deleting_asks_first_then_removes_the_post_and_its_comments(
    signed_in, make_post, make_user, editor
):
    post = make_post("Mistaken post", author=editor)
    reader = make_user()
    for number in range(2):
        db.session.add(Comment(post=post, user=reader, body=f"c{number}", body_html="<p>c</p>"))
    post.comment_count = 2
    db.session.commit()
    address, url = post_page(post), f"/admin/posts/{post.id}/delete"

    question = signed_in.get(url)
    assert "Delete “Mistaken post”?" in question.text
    assert "2 comments" in question.text
    assert post_count() == 1

    response = signed_in.submit(url, follow_redirects=True)
    assert "Deleted “Mistaken post” and its 2 comments." in response.text
    assert post_count() == 0
    assert db.session.scalar(select(func.count()).select_from(Comment)) == 0
    assert signed_in.get(address).status_code == 404


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/admin/posts/999/edit"),
        ("get", "/admin/posts/999/preview"),
        ("get", "/admin/posts/999/delete"),
        ("post", "/admin/posts/999/unpublish"),
        ("get", "/admin/posts?page=9"),
        ("get", "/admin/posts?status=lost"),
    ],
)
def test_a_missing_post_or_page_is_a_styled_404(signed_in, method, path):
    if method == "get":
        response = signed_in.get(path)
    else:
        response = signed_in.submit(path, page="/admin/posts")
    assert response.status_code == 404
    assert "Page not found" in response.text


def test_the_post_list_filters_by_status_and_shows_the_details(signed_in, make_post, editor):
    make_post("Out already", labels=["Napo"], author=editor)
    make_post("Still a draft", status=PostStatus.DRAFT, author=editor)
    make_post(
        "Coming soon",
        status=PostStatus.SCHEDULED,
        published_at=datetime(2099, 7, 15, 8, 30, tzinfo=UTC),
        author=editor,
    )
    everything = signed_in.get("/admin/posts").text
    for title in ("Out already", "Still a draft", "Coming soon"):
        assert title in everything
    assert "15 July 2099 at 09:30" in everything
    assert "Napo" in everything
    assert "No comments" in everything
    assert "View on the blog" in everything
    for status, title in (("draft", "Still a draft"), ("scheduled", "Coming soon")):
        listed = signed_in.get(f"/admin/posts?status={status}").text
        assert title in listed
        assert "Out already" not in listed
    dashboard = signed_in.get("/admin/").text
    assert re.search(r">1 scheduled<", dashboard)


def test_the_post_list_pages_and_its_queries_do_not_grow(
    signed_in, make_post, editor, count_queries
):
    def queries_for(url: str) -> int:
        db.session.expire_all()
        with count_queries() as statements:
            assert signed_in.get(url).status_code == 200
        return len(statements)

    for _ in range(30):
        make_post(labels=["Napo", "Pay"], author=editor)
    few = [queries_for("/admin/posts"), queries_for("/admin/posts?page=2")]
    for _ in range(60):
        make_post(labels=["Napo", "Pay"], series="Latest From Napo", author=editor)
    assert [queries_for("/admin/posts"), queries_for("/admin/posts?page=2")] == few
    assert "Page 2 of 4" in signed_in.get("/admin/posts?page=2").text


def admin_urls(app, post_id: int) -> list[tuple[str, str]]:
    """Every editor route with each method it answers, as (method, url)."""
    routes = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if not rule.endpoint.startswith("admin."):
                continue
            values = {
                name: post_id if isinstance(converter, IntegerConverter) else "x"
                for name, converter in rule._converters.items()
            }
            url = app.url_map.bind("localhost").build(rule.endpoint, values)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                routes.append((method, url))
    return routes


def test_every_admin_route_is_for_editors_only(app, client, make_user, make_post):
    post = make_post("Some post")
    routes = admin_urls(app, post.id)
    assert len(routes) >= 10

    for method, url in routes:
        if method == "GET":
            response = client.get(url)
        else:
            response = client.submit(url, {"action": "draft"}, page="/auth/login")
        assert response.status_code == 302, (method, url)
        assert response.location.startswith("/auth/login"), (method, url)

    make_user(email="reader@example.org", role=Role.READER)
    client.login("reader@example.org", TEST_PASSWORD)
    for method, url in routes:
        if method == "GET":
            response = client.get(url)
        else:
            response = client.submit(url, {"action": "draft"}, page="/")
        assert response.status_code == 403, (method, url)
        assert "Not allowed" in response.text
    assert post_count() == 1

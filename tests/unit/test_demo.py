"""The demo blog `make run` loads: posts over several weeks, series, labels, a draft, an editor."""

import re
import stat
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from markupsafe import escape
from sqlalchemy import select

from blogapp.dates import local_date, utcnow
from blogapp.demo import DEMO_EDITOR_EMAIL, load_demo
from blogapp.extensions import db
from blogapp.models import Post, PostStatus, Series

DAY_SECTION = re.compile(r'<section class="day".*?</section>', re.DOTALL)


@pytest.fixture
def credentials(app, tmp_path: Path) -> Path:
    """Load the demo into the test database; the path of the editor's credentials."""
    path = tmp_path / "demo_editor.txt"
    load_demo(path)
    return path


def published_posts() -> list[Post]:
    return list(
        db.session.scalars(
            select(Post).where(Post.status == PostStatus.PUBLISHED).order_by(Post.published_at)
        )
    )


def home_pages(client) -> str:
    """The text of every page of the home page listing."""
    pages, number = [], 1
    while True:
        response = client.get("/" if number == 1 else f"/?page={number}")
        if response.status_code == 404:
            return "".join(pages)
        assert response.status_code == 200
        pages.append(response.get_data(as_text=True))
        number += 1


def test_about_a_dozen_posts_are_published_over_several_weeks(credentials):
    posts = published_posts()

    assert 10 <= len(posts) <= 16
    assert posts[-1].published_at - posts[0].published_at >= timedelta(weeks=4)
    assert all(post.published_at <= utcnow() for post in posts)


def test_several_posts_appear_under_one_day_heading(credentials, client):
    posts_per_day = Counter(local_date(post.published_at) for post in published_posts())
    assert max(posts_per_day.values()) >= 3

    sections = DAY_SECTION.findall(home_pages(client))
    assert max(section.count('<article class="post"') for section in sections) >= 3


def test_every_post_is_on_the_home_pages_with_its_break(credentials, client):
    listing = home_pages(client)

    for post in published_posts():
        assert str(escape(post.title)) in listing
    assert listing.count("Read more") >= 3


def test_series_are_numbered_in_publication_order(credentials):
    posts = published_posts()
    numbers = {
        series.name: [post.series_number for post in posts if post.series == series]
        for series in db.session.scalars(select(Series))
    }

    assert numbers["Latest From Napo"] == [117, 118, 119, 120]
    assert numbers["Letters From a Trainee"] == [1, 2]


def test_every_post_has_labels_shared_with_others(credentials, client):
    posts = published_posts()
    uses = Counter(label.name for post in posts for label in post.labels)

    assert all(post.labels for post in posts)
    assert {"Napo", "Caseloads", "Inspectorate", "Parliament", "Unpaid Work", "Pay"} <= set(uses)
    assert uses["Napo"] >= 4
    page = client.get("/label/napo").get_data(as_text=True)
    assert "Latest From Napo 117" in page
    assert "Latest From Napo 120" in page


def test_the_draft_stays_off_the_blog(credentials, client):
    draft = db.session.scalar(select(Post).where(Post.status == PostStatus.DRAFT))

    assert draft is not None
    assert draft.published_at is None
    assert draft.title not in home_pages(client)
    assert draft.title not in client.get("/search?q=approved+premises").get_data(as_text=True)


def test_the_quoted_material_renders_as_blockquotes(credentials, client):
    post = next(post for post in published_posts() if post.title == "A Statement to the House")
    page = client.get(f"/{post.published_year}/{post.published_month:02d}/{post.slug}")

    assert page.status_code == 200
    assert page.get_data(as_text=True).count("<blockquote>") >= 4


def test_the_credentials_file_is_private_and_logs_the_editor_in(credentials, client):
    email, password = credentials.read_text().split()

    assert stat.S_IMODE(credentials.stat().st_mode) == 0o600
    assert email == DEMO_EDITOR_EMAIL
    response = client.login(email, password, follow_redirects=True)
    assert response.status_code == 200
    assert "Log out" in response.get_data(as_text=True)
    assert "Editor pages" in client.get("/").get_data(as_text=True)


def test_the_readmes_old_blogger_address_is_a_demo_posts(credentials, client):
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    old = re.search(r"Old addresses such as\s+`(/\d{4}/\d\d/[\w-]+\.html)`", readme).group(1)

    response = client.get(old)

    assert response.status_code == 301
    assert client.get(response.location).status_code == 200

"""A page runs the same number of queries with 10 posts or 1,000."""

from datetime import UTC, datetime

import pytest
from support.factories import bulk_publish_posts

from blogapp.blog.operations import labels_named
from blogapp.extensions import db

NEWEST = datetime(2016, 9, 24, 12, 0, tzinfo=UTC)
PAGES = [
    "/",
    "/?page=2",
    "/2016/09/bulk-post-5",
    "/2016/09/",
    "/2016/",
    "/label/napo",
    "/search?q=quoted",
    "/feeds/posts.atom",
]


def queries_per_page(client, count_queries) -> dict[str, int]:
    counts = {}
    for url in PAGES:
        with count_queries() as statements:
            assert client.get(url).status_code == 200, url
        counts[url] = len(statements)
    return counts


@pytest.mark.parametrize("extra_posts", [990])
def test_reading_pages_do_not_query_more_as_the_blog_grows(app, client, count_queries, extra_posts):
    app.config["POSTS_PER_PAGE"] = 5
    labels = labels_named(["Napo", "Caseloads"])
    db.session.commit()
    bulk_publish_posts(10, NEWEST, labels)
    with_ten = queries_per_page(client, count_queries)

    bulk_publish_posts(extra_posts, datetime(2016, 9, 1, tzinfo=UTC), labels, prefix="more")
    with_a_thousand = queries_per_page(client, count_queries)

    assert with_a_thousand == with_ten
    assert max(with_ten.values()) <= 12

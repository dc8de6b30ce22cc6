"""Union bulletins in the digest: the ones that arrived in the window, linked to their page."""

import re
from datetime import timedelta

import pytest
from support.digests import FRIDAY_EVENING, SATURDAY, WINDOW_END, WINDOW_START, at, states

from blogapp.digest.content import new_bulletins
from blogapp.digest.runs import run_digest
from blogapp.extensions import db
from blogapp.models import Bulletin, DeliveryState


def add_bulletin(title: str, published_at, arrived_at=None) -> Bulletin:
    bulletin = Bulletin(
        source="Napo",
        title=title,
        slug=re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-"),
        body_html="<p>Members are balloted on the pay offer.</p>",
        excerpt="Members are balloted on the pay offer.",
        search_text="Members are balloted on the pay offer.",
        original_url="https://www.napo.org.uk/news",
        published_at=published_at,
        created_at=arrived_at or published_at,
    )
    db.session.add(bulletin)
    db.session.commit()
    return bulletin


def test_bulletins_count_from_when_they_arrived_but_a_new_feed_s_back_catalogue_stays_out(app):
    add_bulletin("Typed in on Friday", FRIDAY_EVENING)
    add_bulletin(
        "Published Thursday, fetched Friday", WINDOW_START - timedelta(hours=3), FRIDAY_EVENING
    )
    add_bulletin(
        "From last month, fetched Friday", WINDOW_START - timedelta(days=30), FRIDAY_EVENING
    )
    add_bulletin("Fetched on Thursday", WINDOW_START - timedelta(hours=2))
    add_bulletin("Fetched after the digest", WINDOW_END + timedelta(minutes=1))

    titles = [bulletin.title for bulletin in new_bulletins(WINDOW_START, WINDOW_END)]

    assert titles == ["Typed in on Friday", "Published Thursday, fetched Friday"]


@pytest.fixture
def bulletin_pages(app):
    """The bulletin pages come with the bulletins feature; until then these tests wait."""
    if "bulletins.bulletin" not in app.view_functions:
        pytest.skip("the bulletin pages (bulletins.bulletin) are not in this tree")


def test_subscribers_get_the_bulletins_they_chose_linked_to_the_bulletin_page(
    bulletin_pages, subscriber, make_post, mailbox
):
    subscriber("posts@example.org", streams={"posts"})
    subscriber("bulletins@example.org", streams={"bulletins"})
    subscriber("both@example.org")
    make_post("Caseloads at breaking point", published_at=FRIDAY_EVENING)
    bulletin = add_bulletin("Pay offer ballot", FRIDAY_EVENING)

    run_digest(clock=at(SATURDAY))

    (both,) = mailbox.to("both@example.org")
    assert both["Subject"] == (
        "1 new post and 1 bulletin — On Probation, Saturday 24 September 2016"
    )
    (bulletins_only,) = mailbox.to("bulletins@example.org")
    assert bulletins_only["Subject"] == "1 bulletin — On Probation, Saturday 24 September 2016"
    html = bulletins_only.get_body(preferencelist=("html",)).get_content()
    assert f'href="http://blog.test/bulletins/{bulletin.id}-pay-offer-ballot"' in html
    assert "Caseloads at breaking point" not in html
    (posts_only,) = mailbox.to("posts@example.org")
    assert "Pay offer ballot" not in posts_only.get_body(preferencelist=("plain",)).get_content()
    assert set(states().values()) == {DeliveryState.SENT}

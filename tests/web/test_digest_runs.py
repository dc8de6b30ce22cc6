"""The daily digest: who gets what, once, with links that work."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

from support.digests import (
    FRIDAY_EVENING,
    SATURDAY,
    WINDOW_END,
    WINDOW_START,
    at,
    deliveries,
    runs,
    states,
)

from blogapp.dates import utcnow
from blogapp.digest.runs import run_digest
from blogapp.extensions import db
from blogapp.models import DeliveryState, PostStatus
from blogapp.subscriptions.operations import stop_subscription, subscription_of

SENT = DeliveryState.SENT
SKIPPED = DeliveryState.SKIPPED_EMPTY


def test_each_subscriber_gets_one_digest_of_what_they_chose(
    subscriber, make_user, make_post, mailbox
):
    subscriber("posts@example.org", streams={"posts"})
    subscriber("both@example.org")
    subscriber("bulletins@example.org", streams={"bulletins"})
    stopped = subscriber("stopped@example.org")
    stop_subscription(stopped)
    banned = subscriber("banned@example.org")
    banned.banned = True
    db.session.commit()
    make_user(email="reader@example.org")
    make_post("Caseloads at breaking point", published_at=FRIDAY_EVENING)
    make_post("Latest From Napo 119", published_at=WINDOW_END - timedelta(minutes=1))
    make_post("Yesterday's news", published_at=WINDOW_START - timedelta(minutes=1))
    make_post("Still a draft", status=PostStatus.DRAFT)
    make_post("Saturday lunchtime", published_at=WINDOW_END + timedelta(hours=5))

    report = run_digest(clock=at(SATURDAY))

    assert sorted(address for item in mailbox.received for address in item.recipients) == [
        "both@example.org",
        "posts@example.org",
    ]
    message = mailbox.to("posts@example.org")[0]
    assert message["Subject"] == "2 new posts — On Probation, Saturday 24 September 2016"
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "Caseloads at breaking point" in text
    assert "Latest From Napo 119" in text
    assert "Yesterday's news" not in text
    assert "Still a draft" not in text
    assert "Saturday lunchtime" not in text
    assert states() == {
        "posts@example.org": SENT,
        "both@example.org": SENT,
        "bulletins@example.org": SKIPPED,
    }
    (run,) = runs()
    assert (run.window_start, run.window_end) == (WINDOW_START, WINDOW_END)
    assert (run.post_count, run.bulletin_count, run.subscriber_count) == (2, 0, 3)
    assert run.finished_at == SATURDAY
    assert report.runs[0].counts == {SENT: 2, SKIPPED: 1}


def test_nothing_is_sent_when_nothing_is_new(subscriber, make_post, mailbox):
    subscriber("a@example.org")
    subscriber("b@example.org")
    make_post("Last week's post", published_at=WINDOW_START - timedelta(days=7))

    run_digest(clock=at(SATURDAY))

    assert mailbox.messages == []
    assert states() == {"a@example.org": SKIPPED, "b@example.org": SKIPPED}
    assert runs()[0].finished_at is not None


def test_running_again_sends_nothing(subscriber, make_post, mailbox):
    subscriber("a@example.org")
    make_post("Caseloads at breaking point", published_at=FRIDAY_EVENING)

    run_digest(clock=at(SATURDAY))
    run_digest(clock=at(SATURDAY))
    again = run_digest(clock=at(SATURDAY + timedelta(hours=20)))

    assert len(mailbox.messages) == 1
    assert len(runs()) == 1
    assert again.runs == []


def test_the_next_run_covers_only_what_is_new_since_the_last(subscriber, make_post, mailbox):
    subscriber("a@example.org")
    make_post("Friday's post", published_at=FRIDAY_EVENING)
    run_digest(clock=at(SATURDAY))
    make_post("Saturday's post", published_at=SATURDAY + timedelta(hours=3))

    run_digest(clock=at(SATURDAY + timedelta(days=1)))

    _first, second = mailbox.to("a@example.org")
    assert second["Subject"] == "1 new post — On Probation, Sunday 25 September 2016"
    assert "Saturday's post" in second.get_body(preferencelist=("plain",)).get_content()
    assert "Friday's post" not in second.get_body(preferencelist=("plain",)).get_content()
    assert [run.window_start for run in runs()] == [WINDOW_START, WINDOW_END]


def test_a_missed_day_is_covered_by_one_digest_when_the_server_comes_back(
    subscriber, make_post, mailbox
):
    subscriber("a@example.org")
    run_digest(clock=at(SATURDAY))
    make_post("Saturday's post", published_at=SATURDAY + timedelta(hours=3))
    make_post("Sunday's post", published_at=SATURDAY + timedelta(days=1, hours=3))

    run_digest(clock=at(SATURDAY + timedelta(days=2)))  # Monday: Sunday's run never happened

    (message,) = mailbox.to("a@example.org")
    assert message["Subject"] == "2 new posts — On Probation, Monday 26 September 2016"
    assert runs()[-1].window_start == WINDOW_END


def test_imported_posts_never_appear(subscriber, make_post, mailbox):
    subscriber("a@example.org")
    imported = make_post("From the Blogger export", published_at=FRIDAY_EVENING)
    imported.imported_at = utcnow()
    db.session.commit()

    run_digest(clock=at(SATURDAY))
    assert mailbox.messages == []

    make_post("Written here", published_at=FRIDAY_EVENING + timedelta(minutes=5))
    db.session.delete(runs()[0])
    db.session.commit()
    run_digest(clock=at(SATURDAY))
    (message,) = mailbox.messages
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "Written here" in text
    assert "From the Blogger export" not in text


def links_in(message) -> list[str]:
    html = message.get_body(preferencelist=("html",)).get_content()
    text = message.get_body(preferencelist=("plain",)).get_content()
    return re.findall(r'href="([^"]+)"', html) + re.findall(r"https?://\S+", text)


def test_a_sent_digest_parses_with_both_parts_its_headers_and_working_links(
    app, client, subscriber, make_post, mailbox
):
    user = subscriber("a@example.org")
    make_post("Caseloads at breaking point", published_at=FRIDAY_EVENING)
    run_digest(clock=at(SATURDAY))

    (message,) = mailbox.to("a@example.org")
    assert message.get_content_type() == "multipart/alternative"
    assert message.get_body(preferencelist=("plain",)).get_content_type() == "text/plain"
    assert message.get_body(preferencelist=("html",)).get_content_type() == "text/html"
    for header in ("From", "To", "Date", "Message-ID", "List-Id", "Auto-Submitted"):
        assert message[header], header
    assert message["To"] == "a@example.org"
    assert message["Message-ID"] == deliveries()["a@example.org"].message_id
    assert message["Message-ID"].endswith("@blog.test>")
    assert message["List-Id"] == "On Probation daily digest <digest.blog.test>"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = message["List-Unsubscribe"]
    assert re.fullmatch(r"<http://blog\.test/unsubscribe/[\w.-]+>", unsubscribe)

    links = links_in(message)
    assert links
    for link in links:
        assert link.startswith("http://blog.test/"), link
        parts = urlsplit(link)
        response = app.test_client().get(parts.path, follow_redirects=True)
        assert response.status_code == 200, link
    post_links = [link for link in links if "/2016/09/caseloads-at-breaking-point" in link]
    assert post_links
    page = app.test_client().get(urlsplit(post_links[0]).path)
    assert "Caseloads at breaking point" in page.text
    assert unsubscribe[1:-1] in links
    db.session.expire_all()
    assert subscription_of(user).active, "following the links (GET) unsubscribes nobody"

"""Editors' digest and outbox pages: who may see them, and that mail is shown safely."""

from datetime import timedelta

import pytest
from support.accounts import TEST_PASSWORD
from support.digests import FRIDAY_EVENING, SATURDAY, at
from support.reports import READER, dsn

from blogapp.dates import utcnow
from blogapp.digest.runs import run_digest
from blogapp.mail.catcher import save_to_outbox
from blogapp.models import DigestRun, Role
from blogapp.subscriptions.operations import save_subscription

EDITOR_PAGES = ["/admin/digest", "/admin/outbox"]


@pytest.fixture
def outbox(app, tmp_path):
    folder = tmp_path / "outbox"
    app.config["MAIL_OUTBOX_FOLDER"] = str(folder)
    return folder


@pytest.fixture
def scheduler_has_run(app):
    """Today's digest went (to nobody): the next one covers what is new since."""
    run_digest()


@pytest.fixture
def editor_client(client, editor):
    client.login(editor.email, TEST_PASSWORD)
    return client


@pytest.mark.parametrize("path", EDITOR_PAGES)
def test_readers_are_refused_and_visitors_sent_to_log_in(client, make_user, path):
    assert client.get(path).status_code == 302
    reader = make_user(email="reader@example.org")
    client.login(reader.email, TEST_PASSWORD)
    assert client.get(path).status_code == 403


def test_a_reader_cannot_send_the_digest(client, make_user, make_post, mailbox):
    reader = make_user(email="reader@example.org")
    client.login(reader.email, TEST_PASSWORD)
    response = client.post("/admin/digest/send-to-me", data={"csrf_token": client.csrf_token("/")})
    assert response.status_code == 403
    assert mailbox.messages == []


def test_the_digest_page_shows_the_next_digest_as_it_would_reach_the_editor(
    scheduler_has_run, editor_client, editor, make_post
):
    save_subscription(editor, True, False)
    make_post("Caseloads at breaking point", published_at=utcnow() - timedelta(minutes=5))

    response = editor_client.get("/admin/digest")

    assert response.status_code == 200
    assert "Subject:</strong> 1 new post — On Probation," in response.text
    assert '<iframe class="mail-preview"' in response.text
    assert " sandbox " in response.text
    assert 'srcdoc="&lt;!DOCTYPE html&gt;' in response.text, "the mail's HTML is escaped"
    assert "Caseloads at breaking point" in response.text
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "script-src" not in policy


def test_send_it_to_me_now_sends_only_to_the_editor_and_records_no_run(
    scheduler_has_run, editor_client, editor, subscriber, make_post, mailbox
):
    subscriber("follower@example.org")
    make_post("Caseloads at breaking point", published_at=utcnow() - timedelta(minutes=5))

    response = editor_client.submit(
        "/admin/digest/send-to-me", page="/admin/digest", follow_redirects=True
    )

    assert "The next digest is on its way to editor@example.org." in response.text
    assert [item.recipients for item in mailbox.received] == [["editor@example.org"]]
    assert "Caseloads at breaking point" in mailbox.messages[0].get_body(("plain",)).get_content()
    assert DigestRun.query.count() == 1, "only the run from before"


def test_with_nothing_new_there_is_nothing_to_send(editor_client, mailbox):
    page = editor_client.get("/admin/digest").text
    assert "no email would be sent" in page
    response = editor_client.submit(
        "/admin/digest/send-to-me", page="/admin/digest", follow_redirects=True
    )
    assert "there is nothing to send" in response.text
    assert mailbox.messages == []


def test_past_runs_are_listed_with_their_counts(editor_client, subscriber, make_post, mailbox):
    make_post("Caseloads at breaking point", published_at=FRIDAY_EVENING)
    subscriber("a@example.org")
    subscriber("b@example.org")
    subscriber("bulletins@example.org", streams={"bulletins"})
    mailbox.refuse.add("b@example.org")
    run_digest(clock=at(SATURDAY))

    page = editor_client.get("/admin/digest").text

    assert "24 September 2016 at 07:00" in page
    assert '<td class="count--sent" data-label="Sent">1</td>' in page
    assert '<td class="count--skipped" data-label="Nothing new">1</td>' in page
    assert '<td class="count--failed" data-label="Failed">1</td>' in page


def test_a_bounce_report_shows_the_delivery_as_bounced(
    app, editor_client, subscriber, make_post, mailbox
):
    app.config["BOUNCE_ADDRESS"] = "bounces@blog.example"
    make_post("Caseloads at breaking point", published_at=FRIDAY_EVENING)
    subscriber("kept@example.org")
    subscriber(READER)
    run_digest(clock=at(SATURDAY))
    (envelope,) = [item.sender for item in mailbox.received if item.recipients == [READER]]

    result = app.test_cli_runner().invoke(
        args=["mail", "receive"], input=dsn(envelope, "failed", "5.1.1")
    )

    assert result.exit_code == 0, result.output
    page = editor_client.get("/admin/digest").text
    assert '<td class="count--sent" data-label="Sent">1</td>' in page
    assert '<td class="count--bounced" data-label="Bounced">1</td>' in page


MESSAGE = (
    b"From: On Probation <noreply@blog.test>\r\n"
    b"To: reader@example.org\r\n"
    b"Subject: Hello from the outbox\r\n"
    b"Date: Sat, 24 Sep 2016 07:00:00 +0100\r\n"
    b"MIME-Version: 1.0\r\n"
    b'Content-Type: multipart/alternative; boundary="b"\r\n\r\n'
    b"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe text part.\r\n"
    b"--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
    b'<p>The <b>HTML</b> part.</p><script>alert("x")</script>\r\n'
    b"--b--\r\n"
)


def test_the_outbox_lists_messages_newest_first_and_shows_one_safely(editor_client, outbox):
    older = save_to_outbox(outbox, MESSAGE.replace(b"Hello from", b"Older message in"))
    newer = save_to_outbox(outbox, MESSAGE)

    listing = editor_client.get("/admin/outbox").text
    assert listing.index("Hello from the outbox") < listing.index("Older message in the outbox")
    assert "reader@example.org" in listing
    assert "24 September 2016 at 07:00" in listing
    assert f"/admin/outbox/{older.name}" in listing

    response = editor_client.get(f"/admin/outbox/{newer.name}")
    assert response.status_code == 200
    assert "The text part." in response.text
    assert "<script>" not in response.text
    assert 'srcdoc="&lt;p&gt;The &lt;b&gt;HTML&lt;/b&gt; part.' in response.text
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize(
    "name",
    [
        "..%2F..%2Fsecret_key",
        "..%2Foutbox.eml",
        "20160924T070000000000-00000000.txt",
        "20160924T070000000000-00000000.eml",
    ],
)
def test_a_path_outside_the_outbox_is_a_404(editor_client, outbox, name):
    save_to_outbox(outbox, MESSAGE)
    (outbox.parent / "outbox.eml").write_bytes(MESSAGE)
    assert editor_client.get(f"/admin/outbox/{name}").status_code == 404


def test_an_empty_outbox_says_so(editor_client, outbox):
    assert "The outbox is empty." in editor_client.get("/admin/outbox").text
    assert editor_client.get("/admin/outbox?page=2").status_code == 404
    assert editor_client.get("/admin/outbox?page=x").status_code == 404


def test_editors_find_the_pages_in_the_editor_navigation(editor_client, editor):
    assert editor.role == Role.EDITOR
    page = editor_client.get("/admin/digest").text
    assert 'href="/admin/outbox"' in page
    assert 'href="/admin/digest"' in page


def test_the_digest_page_s_queries_do_not_grow_with_the_runs(
    editor_client, subscriber, make_post, count_queries
):
    subscriber("a@example.org")
    make_post("Caseloads at breaking point", published_at=FRIDAY_EVENING)
    run_digest(clock=at(SATURDAY))
    with count_queries() as few_runs:
        editor_client.get("/admin/digest")
    for days in range(1, 6):
        make_post(f"Day {days}", published_at=FRIDAY_EVENING + timedelta(days=days))
        run_digest(clock=at(SATURDAY + timedelta(days=days)))
    with count_queries() as many_runs:
        editor_client.get("/admin/digest")
    assert len(many_runs) == len(few_runs)

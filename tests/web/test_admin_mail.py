"""/admin/mail: day-by-day figures against the 0.3 % line, suppressed addresses an editor can
lift, unreadable reports shown escaped; editors only, and queries that do not grow."""

import logging
from datetime import UTC, datetime, timedelta

import pytest
from support.accounts import TEST_PASSWORD
from support.clock import stop_the_app_clock

from blogapp.extensions import db
from blogapp.models import (
    DeliveryState,
    DigestDelivery,
    DigestRun,
    QueuedMail,
    ReceivedReport,
    ReportKind,
    Suppression,
    SuppressionReason,
)

#: Monday 7 December 2026, 12:00 in London (UTC in winter).
NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
YESTERDAY = NOW - timedelta(days=1)


@pytest.fixture
def editor_client(app, editor, monkeypatch):
    stop_the_app_clock(monkeypatch, NOW)
    client = app.test_client()
    client.login(editor.email, TEST_PASSWORD)
    return client


def queued(when: datetime, state: DeliveryState, attempts: int = 1, count: int = 1) -> None:
    for number in range(count):
        db.session.add(
            QueuedMail(
                kind="reset_password",
                recipient=f"r{number}@example.org",
                envelope_from="noreply@blog.example",
                message_id=f"<{number}@blog.example>",
                state=state,
                attempts=attempts,
                queued_at=when,
            )
        )
    db.session.commit()


def reported(when: datetime, kind: ReportKind, count: int = 1, raw: bytes = b"report") -> None:
    for _ in range(count):
        db.session.add(ReceivedReport(raw=raw, kind=kind, received_at=when, summary="x"))
    db.session.commit()


def suppressed(address: str, reason=SuppressionReason.BOUNCE, when: datetime = YESTERDAY) -> None:
    db.session.add(Suppression(address=address, reason=reason, suppressed_at=when))
    db.session.commit()


def day_row(page: str, heading: str) -> list[str]:
    """The cells of the table row headed ``heading``."""
    row = page.split(f'<th scope="row">{heading}</th>', 1)[1].split("</tr>", 1)[0]
    return [cell.split(">", 1)[1].split("</td>", 1)[0] for cell in row.split("<td")[1:]]


def test_editors_only(app, client, make_user):
    assert client.get("/admin/mail").status_code == 302
    make_user(email="reader@example.org")
    client.login("reader@example.org", TEST_PASSWORD)
    assert client.get("/admin/mail").status_code == 403
    assert client.post("/admin/mail/lift", data={"address": "x@example.org"}).status_code in (
        400,
        403,
    )


def test_each_london_day_counts_what_went_and_what_came_back(app, editor_client, make_user):
    queued(YESTERDAY, DeliveryState.SENT, count=600)
    queued(YESTERDAY, DeliveryState.SENT, attempts=3, count=2)
    queued(YESTERDAY, DeliveryState.PENDING, attempts=1)
    queued(YESTERDAY, DeliveryState.FAILED, attempts=6)
    run = DigestRun(window_start=YESTERDAY - timedelta(days=1), window_end=YESTERDAY)
    db.session.add(run)
    db.session.flush()
    readers = [make_user() for _ in range(3)]
    for reader, state in zip(
        readers, (DeliveryState.SENT, DeliveryState.SENT, DeliveryState.FAILED), strict=True
    ):
        db.session.add(DigestDelivery(run_id=run.id, user_id=reader.id, state=state, attempts=1))
    db.session.commit()
    reported(YESTERDAY, ReportKind.HARD_BOUNCE)
    reported(YESTERDAY, ReportKind.SOFT_BOUNCE, count=2)
    reported(YESTERDAY, ReportKind.COMPLAINT, count=3)
    reported(NOW - timedelta(hours=12, minutes=1), ReportKind.COMPLAINT)  # 23:59 on Sunday

    page = editor_client.get("/admin/mail").text

    sunday = day_row(page, "Sunday, 6 December 2026")
    assert sunday[:5] == ["604", "4", "2", "1 / 2", "4"]
    assert sunday[5].startswith("0.17 %")
    assert sunday[6].startswith("0.66 %")
    assert "over the line" in sunday[6]
    assert "<strong>Sunday, 6 December 2026:</strong> Too many readers marked" in page
    assert "Too many hard bounces" not in page
    assert day_row(page, "Monday, 7 December 2026")[:5] == ["0", "0", "0", "0 / 0", "0"]
    assert page.count('<th scope="row">') == 30
    assert 'href="/admin/mail"' in page


def test_under_the_line_it_says_so(app, editor_client):
    queued(YESTERDAY, DeliveryState.SENT, count=1000)
    reported(YESTERDAY, ReportKind.COMPLAINT, count=2)
    page = editor_client.get("/admin/mail").text
    assert "stayed under the 0.3 % line" in page
    assert "over the line" not in page


def test_an_editor_lifts_a_suppression_and_it_is_logged(app, editor_client, caplog):
    suppressed("bounced@example.org")
    suppressed("kept@example.org", SuppressionReason.COMPLAINT)
    page = editor_client.get("/admin/mail").text
    for words in ("bounced@example.org", "Bounced for good", "Marked as spam", "Sunday, 6 Dec"):
        assert words in page

    with caplog.at_level(logging.WARNING, logger="blogapp.mail.suppression"):
        response = editor_client.submit(
            "/admin/mail/lift", {"address": "bounced@example.org"}, page="/admin/mail"
        )

    assert response.status_code == 302
    assert db.session.scalars(db.select(Suppression.address)).all() == ["kept@example.org"]
    assert "bounced@example.org lifted by editor@example.org" in caplog.text
    assert "will get the blog&#39;s mail again" in editor_client.get("/admin/mail").text


def test_a_lift_without_its_csrf_token_or_address_changes_nothing(app, editor_client):
    suppressed("bounced@example.org")
    assert (
        editor_client.post("/admin/mail/lift", data={"address": "bounced@example.org"}).status_code
        == 400
    )
    assert (
        editor_client.submit("/admin/mail/lift", {"address": ""}, page="/admin/mail").status_code
        == 400
    )
    answer = editor_client.submit("/admin/mail/lift", {"address": "x" * 5000}, page="/admin/mail")
    assert answer.status_code == 400
    not_there = editor_client.submit(
        "/admin/mail/lift", {"address": "never@example.org"}, page="/admin/mail"
    )
    assert not_there.status_code == 302
    assert db.session.scalars(db.select(Suppression.address)).all() == ["bounced@example.org"]


def test_unreadable_reports_are_shown_escaped_and_cut_short(app, editor_client):
    raw = b"Subject: <script>alert(1)</script>\r\n\r\n" + b"A" * 5000 + b"THE-END"
    reported(YESTERDAY, ReportKind.UNRECOGNISED, raw=raw)
    reported(YESTERDAY, ReportKind.HARD_BOUNCE, raw=b"not-shown-here")
    page = editor_client.get("/admin/mail").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page
    assert "A" * 1900 in page
    assert "THE-END" not in page
    assert "not-shown-here" not in page


def test_queries_do_not_grow_with_mail(app, editor_client, count_queries):
    def queries() -> int:
        with count_queries() as statements:
            assert editor_client.get("/admin/mail").status_code == 200
        return len(statements)

    suppressed("one@example.org")
    reported(YESTERDAY, ReportKind.UNRECOGNISED)
    queued(YESTERDAY, DeliveryState.SENT)
    few = queries()
    for number in range(80):
        suppressed(f"s{number}@example.org", when=NOW - timedelta(days=number % 40))
        reported(NOW - timedelta(days=number % 40), ReportKind(list(ReportKind)[number % 4]))
    queued(NOW - timedelta(days=3), DeliveryState.SENT, count=50)
    assert queries() == few

"""How the blog's mail is doing, day by day: what went, what waited, what failed, what
came back, and whether bounces or complaints cross the line mailbox providers draw.

Every figure comes from a few grouped queries whatever the volume: each timestamp is
mapped to its blog day (Europe/London) by a CASE over the days' UTC midnights, and a
digest run's deliveries are counted per run, the run giving the day.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Case, ColumnElement, and_, case, func, or_, select

from ..dates import local_date, local_midnight
from ..extensions import db
from ..models import (
    DeliveryState,
    DigestDelivery,
    DigestRun,
    QueuedMail,
    ReceivedReport,
    ReportKind,
    Suppression,
)

#: Days the page covers.
DAYS_SHOWN = 30
#: The share of mail sent that mailbox providers treat as too many complaints (Gmail's
#: and Yahoo's sender rules), used for hard bounces too.
RATE_LINE = 0.003
#: Unrecognised reports shown, and how much of each.
REPORTS_SHOWN = 10
REPORT_CHARACTERS = 2000


@dataclass
class DayFigures:
    """One blog day's mail."""

    day: date
    sent: int = 0
    deferred: int = 0
    failed: int = 0
    hard_bounces: int = 0
    soft_bounces: int = 0
    complaints: int = 0

    @property
    def bounce_rate(self) -> float | None:
        """Hard bounces as a share of what was sent; None when nothing was."""
        return self.hard_bounces / self.sent if self.sent else None

    @property
    def complaint_rate(self) -> float | None:
        return self.complaints / self.sent if self.sent else None

    @property
    def warnings(self) -> list[str]:
        """What crossed the line that day, in plain words."""
        said = []
        if (self.bounce_rate or 0) > RATE_LINE:
            said.append(
                "Too many hard bounces: check that addresses are confirmed before mail goes "
                "to them; providers start sending the blog's mail to spam above 0.3 %."
            )
        if (self.complaint_rate or 0) > RATE_LINE:
            said.append(
                "Too many readers marked the mail as spam: above 0.3 % Gmail and Yahoo send "
                "the blog's mail to spam or refuse it."
            )
        return said


def shown_days(now: datetime, count: int = DAYS_SHOWN) -> list[date]:
    """The last ``count`` blog days, oldest first, today last."""
    today = local_date(now)
    return [today - timedelta(days=back) for back in range(count - 1, -1, -1)]


def day_index(column: ColumnElement[datetime], days: Sequence[date]) -> Case[int]:
    """SQL: the index in ``days`` (oldest first) of the blog day ``column`` falls on."""
    ends = [local_midnight(day + timedelta(days=1)) for day in days]
    return case(*((column < end, index) for index, end in enumerate(ends)), else_=None)


def deferred_sql(model: type) -> ColumnElement[bool]:
    """A message that was turned away for a while: tried again, or waiting to be."""
    return or_(
        model.attempts > 1,
        and_(model.state == DeliveryState.PENDING, model.attempts >= 1),
    )


def add_delivery_counts(figures: DayFigures, state: str, deferred: bool, count: int) -> None:
    if state == DeliveryState.SENT:
        figures.sent += count
    elif state == DeliveryState.FAILED:
        figures.failed += count
    if deferred:
        figures.deferred += count


def count_queued_mail(by_day: list[DayFigures], days: Sequence[date]) -> None:
    index = day_index(QueuedMail.queued_at, days)
    deferred = deferred_sql(QueuedMail)
    rows = db.session.execute(
        select(index, QueuedMail.state, deferred, func.count())
        .where(QueuedMail.queued_at >= local_midnight(days[0]))
        .group_by(index, QueuedMail.state, deferred)
    )
    for position, state, was_deferred, count in rows:
        if position is not None:
            add_delivery_counts(by_day[position], state, was_deferred, count)


def count_digest_deliveries(by_day: list[DayFigures], days: Sequence[date]) -> None:
    position = {day: number for number, day in enumerate(days)}
    deferred = deferred_sql(DigestDelivery)
    rows = db.session.execute(
        select(DigestRun.window_end, DigestDelivery.state, deferred, func.count())
        .join(DigestRun, DigestRun.id == DigestDelivery.run_id)
        .where(DigestRun.window_end >= local_midnight(days[0]))
        .group_by(DigestRun.id, DigestRun.window_end, DigestDelivery.state, deferred)
    )
    for window_end, state, was_deferred, count in rows:
        number = position.get(local_date(window_end))
        if number is not None:
            add_delivery_counts(by_day[number], state, was_deferred, count)


REPORT_FIELDS = {
    ReportKind.HARD_BOUNCE: "hard_bounces",
    ReportKind.SOFT_BOUNCE: "soft_bounces",
    ReportKind.COMPLAINT: "complaints",
}


def count_reports(by_day: list[DayFigures], days: Sequence[date]) -> None:
    index = day_index(ReceivedReport.received_at, days)
    rows = db.session.execute(
        select(index, ReceivedReport.kind, func.count())
        .where(ReceivedReport.received_at >= local_midnight(days[0]))
        .group_by(index, ReceivedReport.kind)
    )
    for position, kind, count in rows:
        field = REPORT_FIELDS.get(kind)
        if position is not None and field is not None:
            setattr(by_day[position], field, getattr(by_day[position], field) + count)


def mail_by_day(now: datetime, count: int = DAYS_SHOWN) -> list[DayFigures]:
    """Each of the last ``count`` blog days' figures, newest first (three queries)."""
    days = shown_days(now, count)
    by_day = [DayFigures(day) for day in days]
    count_queued_mail(by_day, days)
    count_digest_deliveries(by_day, days)
    count_reports(by_day, days)
    return list(reversed(by_day))


def totals(days: Sequence[DayFigures]) -> DayFigures:
    """The figures of ``days`` added up (dated by the newest)."""
    total = DayFigures(days[0].day)
    for figures in days:
        for name in ("sent", "deferred", "failed", "hard_bounces", "soft_bounces", "complaints"):
            setattr(total, name, getattr(total, name) + getattr(figures, name))
    return total


def suppressions_newest_first():
    """Every suppressed address, most recent first (for ``db.paginate``)."""
    return select(Suppression).order_by(Suppression.suppressed_at.desc(), Suppression.id.desc())


@dataclass(frozen=True)
class ShownReport:
    received_at: datetime
    summary: str | None
    #: The start of the raw message as text (undecodable bytes replaced).
    beginning: str
    truncated: bool


def unrecognised_reports(limit: int = REPORTS_SHOWN) -> list[ShownReport]:
    """The latest reports nothing could be read from, only their beginnings (one query)."""
    rows = db.session.execute(
        select(
            ReceivedReport.received_at,
            ReceivedReport.summary,
            func.substr(ReceivedReport.raw, 1, REPORT_CHARACTERS + 1).label("start"),
        )
        .where(ReceivedReport.kind == ReportKind.UNRECOGNISED)
        .order_by(ReceivedReport.received_at.desc(), ReceivedReport.id.desc())
        .limit(limit)
    )
    return [
        ShownReport(
            row.received_at,
            row.summary,
            bytes(row.start).decode("utf-8", "replace")[:REPORT_CHARACTERS],
            len(row.start) > REPORT_CHARACTERS,
        )
        for row in rows
    ]

"""Digest runs: the window since the last run's end, its deliveries, and sending them.

``run_digest`` is what the scheduler calls at DIGEST_TIME, on start (a digest missed
while the server was down) and every minute (retries), and what ``flask digest run``
calls: it creates the due run if there is one, then sends whatever is due of every
unfinished run. Calling it again when nothing is due does nothing.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Row, exists, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from .. import changes
from ..dates import format_date_time
from ..extensions import db
from ..mail import new_message_id
from ..mail.sender import PassReport, SendOptions, chunks
from ..models import (
    UNFINISHED_STATES,
    DeliveryState,
    DigestDelivery,
    DigestDeliveryWindow,
    DigestRun,
    DigestStream,
    MailedComment,
    Subscription,
    User,
)
from ..subscriptions.receiving import Mailing, may_receive_sql
from ..text import counted
from .build import RunEditions
from .content import StreamContents, content_for_window
from .conversation import record_conversation
from .lock import is_only_sender, sender_turn
from .schedule import latest_digest_time, next_digest_time, previous_digest_time
from .sending import digest_send_options, send_deliveries
from .streams import (
    EditionCounts,
    RunStreams,
    StreamWindow,
    Windows,
    edition_counts,
    has_conversation,
    is_due,
    reader_rhythms,
    run_weekdays,
    run_windows,
    window_rows,
)

changes.declare_unseen(DigestRun, DigestDelivery)

#: How summaries name each state, in the order they list them.
STATE_WORDS = {
    DeliveryState.SENT: "sent",
    DeliveryState.FAILED: "failed",
    DeliveryState.PENDING: "waiting to retry",
    DeliveryState.SENDING: "interrupted mid-send",
    DeliveryState.SKIPPED_EMPTY: "nothing new for them",
    DeliveryState.CANCELLED: "unsubscribed meanwhile",
    DeliveryState.SUPPRESSED: "suppressed (bounced or complained)",
    DeliveryState.BOUNCED: "sent, then bounced",
    DeliveryState.SUPERSEDED: "carried by their next edition",
}


@dataclass
class RunOutcome:
    run: DigestRun
    created: bool
    sent: PassReport
    counts: dict[DeliveryState, int]

    @property
    def finished(self) -> bool:
        return self.run.finished_at is not None

    @property
    def summary(self) -> str:
        """One line for the log and the command line."""
        run = self.run
        counts = ", ".join(
            f"{self.counts[state]} {words}"
            for state, words in STATE_WORDS.items()
            if self.counts.get(state)
        )
        status = "finished" if self.finished else "not finished (retries continue)"
        return (
            f"Digest for {format_date_time(run.window_end)} "
            f"(new since {format_date_time(run.window_start)}; "
            f"{counted(run.post_count, 'post')}, {counted(run.bulletin_count, 'bulletin')}): "
            f"{counts or 'no subscribers'}; {status}."
        )


@dataclass
class DigestReport:
    """What one call of ``run_digest`` did."""

    runs: list[RunOutcome] = field(default_factory=list)
    #: Another sender holds the SQLite sender lock; this call did nothing.
    busy: bool = False


def last_window_end() -> datetime | None:
    return db.session.scalar(select(func.max(DigestRun.window_end)))


def receiving_subscribers():
    """Who gets digests, with what they chose."""
    return (
        select(
            Subscription.user_id,
            Subscription.posts_rhythm,
            Subscription.bulletins_rhythm,
            Subscription.conversation_rhythm,
            Subscription.weekly_day,
        )
        .join(User, User.id == Subscription.user_id)
        .where(may_receive_sql(Mailing.DIGEST))
        .order_by(Subscription.user_id)
    )


def due_windows(streams: RunStreams) -> dict[int, Windows]:
    """Every receiving reader with a stream due in this run, and the windows it covers."""
    due = {}
    for user_id, *chosen in db.session.execute(receiving_subscribers()):
        windows = streams.windows(user_id, reader_rhythms(*chosen))
        if windows:
            due[user_id] = windows
    return due


def conversation_starts(windows: dict[int, Windows]) -> dict[int, datetime]:
    """Where each reader's conversation window starts, for those whose edition has one."""
    return {
        user_id: window.start
        for user_id, user_windows in windows.items()
        for window in user_windows
        if window.stream == DigestStream.CONVERSATION
    }


def delivery_rows(run_id: int, windows: dict[int, Windows], contents: StreamContents) -> list[dict]:
    """One delivery per reader with a stream due: pending with its Message-ID, or skipped
    when their windows hold nothing (the windows are recorded all the same: covered). One
    with a conversation window is pending until its conversation is known to be empty."""
    rows = []
    for user_id, user_windows in windows.items():
        has_news = has_conversation(user_windows) or not contents.content_for(user_windows).is_empty
        rows.append(
            {
                "run_id": run_id,
                "user_id": user_id,
                "state": DeliveryState.PENDING if has_news else DeliveryState.SKIPPED_EMPTY,
                "message_id": new_message_id() if has_news else None,
                "attempts": 0,
            }
        )
    return rows


def skip_empty_conversations(delivery_ids: list[int]) -> None:
    """Of deliveries with nothing but a conversation window, skip those whose conversation
    holds no comment (uncommitted)."""
    nothing_recorded = ~exists().where(MailedComment.delivery_id == DigestDelivery.id)
    for chunk in chunks(delivery_ids):
        db.session.execute(
            update(DigestDelivery)
            .where(DigestDelivery.id.in_(chunk), nothing_recorded)
            .values(state=DeliveryState.SKIPPED_EMPTY, message_id=None)
        )


def record_deliveries(run: DigestRun, windows: dict[int, Windows], now: datetime) -> int:
    """Insert the run's deliveries, their stream windows and their readers' conversation
    comments (uncommitted); how many deliveries."""
    contents = StreamContents()
    rows = delivery_rows(run.id, windows, contents)
    if not rows:
        return 0
    db.session.execute(insert(DigestDelivery), rows)
    delivery_ids = dict(
        db.session.execute(
            select(DigestDelivery.user_id, DigestDelivery.id).where(DigestDelivery.run_id == run.id)
        ).all()
    )
    db.session.execute(insert(DigestDeliveryWindow), window_rows(delivery_ids, windows))
    starts = conversation_starts(windows)
    if starts:
        record_conversation(run.id, min(starts.values()), run.window_end, now)
        only_talk = [
            delivery_ids[user_id]
            for user_id in starts
            if contents.content_for(windows[user_id]).is_empty
        ]
        skip_empty_conversations(only_talk)
    return len(rows)


def waiting_to_retry(run: DigestRun, now: datetime) -> list[Row]:
    """The windows of earlier runs' deliveries waiting to retry that no sender holds, with
    their reader's rhythms (locked on PostgreSQL until the new run is committed)."""
    return db.session.execute(
        select(
            DigestDelivery.id,
            DigestDelivery.user_id,
            DigestDeliveryWindow.stream,
            DigestDeliveryWindow.window_start,
            Subscription.posts_rhythm,
            Subscription.bulletins_rhythm,
            Subscription.conversation_rhythm,
            Subscription.weekly_day,
        )
        .join(DigestDeliveryWindow, DigestDeliveryWindow.delivery_id == DigestDelivery.id)
        .join(Subscription, Subscription.user_id == DigestDelivery.user_id)
        .where(
            DigestDelivery.run_id != run.id,
            DigestDelivery.state == DeliveryState.PENDING,
            or_(DigestDelivery.claimed_until.is_(None), DigestDelivery.claimed_until < now),
        )
        .with_for_update(skip_locked=True, of=DigestDelivery)
    ).all()


def all_due_again(windows: list[Row], weekdays: set[int]) -> bool:
    """Whether a run on ``weekdays`` carries every stream of a waiting delivery again."""
    rhythms = reader_rhythms(*windows[0][4:])
    return all(
        is_due(rhythms.by_stream[window.stream], rhythms.weekly_day, weekdays) for window in windows
    )


def supersede_waiting(run: DigestRun, now: datetime) -> dict[tuple[int, str], datetime]:
    """Deliveries still waiting to retry (the mail server was down) whose every stream is
    due again in this run are superseded (uncommitted): the reader's new edition reaches
    back over them, so they get one email with everything, and nothing is lost if the
    retries would have failed for good. Where their windows started, by reader and stream.

    A delivery with a stream not due today (a weekly one, the day after) keeps waiting."""
    weekdays = run_weekdays(run.window_start, run.window_end)
    by_delivery: dict[int, list[Row]] = {}
    for row in waiting_to_retry(run, now):
        by_delivery.setdefault(row.id, []).append(row)
    carried: dict[tuple[int, str], datetime] = {}
    superseded = []
    for delivery_id, windows in by_delivery.items():
        if all_due_again(windows, weekdays):
            superseded.append(delivery_id)
            for window in windows:
                key = (window.user_id, window.stream)
                carried[key] = min(window.window_start, carried.get(key, window.window_start))
    for chunk in chunks(superseded):
        db.session.execute(
            update(DigestDelivery)
            .where(DigestDelivery.id.in_(chunk))
            .values(state=DeliveryState.SUPERSEDED, next_attempt_at=None)
        )
    return carried


def create_due_run(now: datetime) -> DigestRun | None:
    """Create the run for the latest digest time with all its deliveries, in one commit.

    None when that run exists already (made here or by another process: the unique
    window end and start let only one insert succeed).
    """
    end = latest_digest_time(now)
    last_end = last_window_end()
    if last_end is not None and last_end >= end:
        return None
    start = last_end or previous_digest_time(end)
    content = content_for_window(start, end)
    run = DigestRun(
        window_start=start,
        window_end=end,
        started_at=now,
        post_count=len(content.posts),
        bulletin_count=len(content.bulletins),
    )
    db.session.add(run)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return None
    carried = supersede_waiting(run, now)
    streams = RunStreams.for_run(start, end, carried)
    run.subscriber_count = record_deliveries(run, due_windows(streams), now)
    db.session.commit()
    return run


def unfinished_runs() -> list[DigestRun]:
    return list(
        db.session.scalars(
            select(DigestRun).where(DigestRun.finished_at.is_(None)).order_by(DigestRun.window_end)
        )
    )


def release_abandoned_claims() -> None:
    """On SQLite, holding the sender lock proves every other claim's sender is dead."""
    db.session.execute(
        update(DigestDelivery)
        .where(
            DigestDelivery.run_id.in_(select(DigestRun.id).where(DigestRun.finished_at.is_(None))),
            DigestDelivery.claimed_by.is_not(None),
        )
        .values(claimed_by=None, claimed_until=None)
    )
    db.session.commit()


def finish_if_done(run: DigestRun, now: datetime) -> None:
    """Mark the run finished once no delivery is left pending or half-sent."""
    unfinished = exists().where(
        DigestDelivery.run_id == run.id, DigestDelivery.state.in_(UNFINISHED_STATES)
    )
    if db.session.scalar(select(unfinished)):
        return
    db.session.execute(
        update(DigestRun)
        .where(DigestRun.id == run.id, DigestRun.finished_at.is_(None))
        .values(finished_at=now)
    )
    db.session.commit()
    db.session.refresh(run)


def delivery_counts(run_ids: list[int]) -> dict[int, dict[DeliveryState, int]]:
    """How many deliveries of each run are in each state, in one query."""
    counts: dict[int, dict[DeliveryState, int]] = {run_id: {} for run_id in run_ids}
    rows = db.session.execute(
        select(DigestDelivery.run_id, DigestDelivery.state, func.count())
        .where(DigestDelivery.run_id.in_(run_ids))
        .group_by(DigestDelivery.run_id, DigestDelivery.state)
    )
    for run_id, state, count in rows:
        counts[run_id][state] = count
    return counts


def send_run(run: DigestRun, options: SendOptions) -> PassReport:
    """Send what is due of one run, then close it if nothing is left."""
    whole_run = {StreamWindow(stream, run.window_start, run.window_end) for stream in DigestStream}
    editions = RunEditions(StreamContents.load(run_windows(run.id) | whole_run))
    db.session.commit()  # end the session's transaction: the sender has its own connection
    report = send_deliveries(run, editions, options)
    finish_if_done(run, options.clock())
    return report


def run_digest(**overrides: object) -> DigestReport:
    """Create the due run (if any) and send what is due: the scheduler's and the CLI's job.

    ``overrides`` replace SendOptions fields (``clock``, ``deliver``, ``connect``, ``stop``).
    """
    options = digest_send_options(**overrides)
    with sender_turn() as my_turn:
        if not my_turn:
            return DigestReport(busy=True)
        if is_only_sender():
            release_abandoned_claims()
        created = create_due_run(options.clock())
        outcomes = [
            RunOutcome(
                run, created is not None and run.id == created.id, send_run(run, options), {}
            )
            for run in unfinished_runs()
            if not options.stopping
        ]
    counts = delivery_counts([outcome.run.id for outcome in outcomes])
    for outcome in outcomes:
        outcome.counts = counts[outcome.run.id]
    return DigestReport(outcomes)


def next_window(now: datetime) -> tuple[datetime, datetime]:
    """The window of the digest that goes out next, as ``run_digest`` will cut it."""
    last_end = last_window_end()
    due = latest_digest_time(now)
    if last_end is None:
        return previous_digest_time(due), due
    if last_end < due:
        return last_end, due
    return last_end, next_digest_time(now)


def recent_runs(limit: int = 30) -> list[DigestRun]:
    return list(
        db.session.scalars(select(DigestRun).order_by(DigestRun.window_end.desc()).limit(limit))
    )


def next_run_editions(now: datetime) -> EditionCounts:
    """How many readers the next run sends daily, weekly and conversation-only editions (one
    grouped query)."""
    start, end = next_window(now)
    weekdays = run_weekdays(start, end)
    chosen = (
        Subscription.posts_rhythm,
        Subscription.bulletins_rhythm,
        Subscription.conversation_rhythm,
        Subscription.weekly_day,
    )
    choices = db.session.execute(
        select(*chosen, func.count())
        .join(User, User.id == Subscription.user_id)
        .where(may_receive_sql(Mailing.DIGEST))
        .group_by(*chosen)
    )
    return edition_counts(choices.all(), weekdays)

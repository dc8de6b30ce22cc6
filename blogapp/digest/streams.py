"""Each reader's streams: which are due in a run, and the window each one covers for them.

A stream (posts, bulletins) comes daily or weekly. Its window for a reader starts where
the last delivery that covered it for that reader ended — not where the run's window
starts — so a reader who moves from weekly to daily gets what the weekly would have
carried, once, and a change of rhythm never skips or repeats an item. Windows are
recorded with the delivery (``DigestDeliveryWindow``) when the run is made, so a retry
sends the same content. The conversation is one more stream, which comes with the reader's
edition (see ``conversation_rhythm``).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import Connection, func, select

from .. import changes
from ..dates import local_date
from ..extensions import db
from ..models import DigestDelivery, DigestDeliveryWindow, DigestStream
from ..models.digests import NOT_COVERING
from ..models.subscriptions import ConversationRhythm, Rhythm
from .schedule import digest_time_on

changes.declare_unseen(DigestDeliveryWindow)

#: The longest rhythm: no window reaches further back than this before the run's own.
LONGEST_RHYTHM = timedelta(days=7)


@dataclass(frozen=True)
class StreamWindow:
    stream: DigestStream
    start: datetime
    end: datetime


#: One delivery's windows, in stream order: the key of its edition.
Windows = tuple[StreamWindow, ...]


@dataclass(frozen=True)
class Rhythms:
    """What one reader chose: a rhythm per stream, and the day of their weekly edition."""

    by_stream: dict[DigestStream, Rhythm]
    weekly_day: int


def conversation_rhythm(
    posts: Rhythm, bulletins: Rhythm, conversation: ConversationRhythm
) -> Rhythm:
    """The conversation in the digest comes with the reader's edition: every day, unless
    everything else they have comes weekly (then on their weekly day)."""
    if conversation != ConversationRhythm.DIGEST:
        return Rhythm.NEVER
    others = {posts, bulletins}
    if Rhythm.WEEKLY in others and Rhythm.DAILY not in others:
        return Rhythm.WEEKLY
    return Rhythm.DAILY


def reader_rhythms(
    posts: Rhythm, bulletins: Rhythm, conversation: ConversationRhythm, weekly_day: int
) -> Rhythms:
    """A reader's rhythm for every stream, from their subscription's columns."""
    chosen = {
        DigestStream.POSTS: posts,
        DigestStream.BULLETINS: bulletins,
        DigestStream.CONVERSATION: conversation_rhythm(posts, bulletins, conversation),
    }
    return Rhythms(chosen, weekly_day)


def digest_days(start: datetime, end: datetime) -> set[date]:
    """The days (on the blog's clock) whose digest time falls in (start, end]: one for a
    run on time, several when a run catches up after an outage."""
    days = set()
    day = local_date(start)
    while day <= local_date(end):
        if start < digest_time_on(day) <= end:
            days.add(day)
        day += timedelta(days=1)
    return days


def is_due(rhythm: Rhythm, weekly_day: int, weekdays: set[int]) -> bool:
    if rhythm == Rhythm.DAILY:
        return True
    return rhythm == Rhythm.WEEKLY and weekly_day in weekdays


def earliest_start(run_start: datetime, run_end: datetime) -> datetime:
    return min(run_start, run_end - LONGEST_RHYTHM)


def stream_start(
    last_end: datetime | None, rhythm: Rhythm, run_start: datetime, run_end: datetime
) -> datetime:
    """Where a reader's window of a stream starts: after their last covering delivery of it,
    or, with none in reach (a newcomer, a long pause), the run's window for a daily stream
    and the week before the run for a weekly one."""
    earliest = earliest_start(run_start, run_end)
    if last_end is not None and earliest <= last_end < run_end:
        return last_end
    return run_start if rhythm == Rhythm.DAILY else earliest


def last_covered_ends(run_start: datetime, run_end: datetime) -> dict[tuple[int, str], datetime]:
    """Each reader's and stream's last covered window end within reach, in one query."""
    rows = db.session.execute(
        select(
            DigestDeliveryWindow.user_id,
            DigestDeliveryWindow.stream,
            func.max(DigestDeliveryWindow.window_end),
        )
        .join(DigestDelivery, DigestDelivery.id == DigestDeliveryWindow.delivery_id)
        .where(
            DigestDeliveryWindow.window_end >= earliest_start(run_start, run_end),
            DigestDelivery.state.not_in(NOT_COVERING),
        )
        .group_by(DigestDeliveryWindow.user_id, DigestDeliveryWindow.stream)
    )
    return {(user_id, stream): end for user_id, stream, end in rows}


@dataclass
class RunStreams:
    """Cuts every reader's windows for one run [start, end)."""

    start: datetime
    end: datetime
    last_ends: dict[tuple[int, str], datetime]
    weekdays: set[int]
    #: Where the windows of superseded deliveries started (see ``runs.supersede_waiting``):
    #: the reader's window of that stream reaches back at least that far.
    carried: dict[tuple[int, str], datetime] = field(default_factory=dict)

    @classmethod
    def for_run(
        cls, start: datetime, end: datetime, carried: dict[tuple[int, str], datetime] | None = None
    ) -> "RunStreams":
        return cls(
            start, end, last_covered_ends(start, end), run_weekdays(start, end), carried or {}
        )

    def windows(self, user_id: int, rhythms: Rhythms) -> Windows:
        """The reader's due streams and their windows; empty when nothing is due today."""
        return tuple(
            StreamWindow(stream, self.window_start(user_id, stream, rhythm), self.end)
            for stream, rhythm in sorted(rhythms.by_stream.items())
            if is_due(rhythm, rhythms.weekly_day, self.weekdays)
        )

    def window_start(self, user_id: int, stream: DigestStream, rhythm: Rhythm) -> datetime:
        last_end = self.last_ends.get((user_id, stream))
        start = stream_start(last_end, rhythm, self.start, self.end)
        return min(start, self.carried.get((user_id, stream), start))


def run_weekdays(start: datetime, end: datetime) -> set[int]:
    """The weekdays of the digest times a run [start, end) stands for."""
    return {day.weekday() for day in digest_days(start, end)}


def has_conversation(windows: Windows) -> bool:
    return any(window.stream == DigestStream.CONVERSATION for window in windows)


def window_rows(delivery_ids: dict[int, int], windows: dict[int, Windows]) -> list[dict]:
    """Rows for ``DigestDeliveryWindow``: delivery ids by user, windows by user."""
    return [
        {
            "delivery_id": delivery_ids[user_id],
            "user_id": user_id,
            "stream": window.stream,
            "window_start": window.start,
            "window_end": window.end,
        }
        for user_id, user_windows in windows.items()
        for window in user_windows
    ]


def windows_of(delivery_ids: Iterable[int], connection: Connection) -> dict[int, Windows]:
    """The recorded windows of some deliveries, by delivery id, in stream order (read on the
    sender's own connection)."""
    statement = (
        select(
            DigestDeliveryWindow.delivery_id,
            DigestDeliveryWindow.stream,
            DigestDeliveryWindow.window_start,
            DigestDeliveryWindow.window_end,
        )
        .where(DigestDeliveryWindow.delivery_id.in_(list(delivery_ids)))
        .order_by(DigestDeliveryWindow.delivery_id, DigestDeliveryWindow.stream)
    )
    found: dict[int, list[StreamWindow]] = {}
    for delivery_id, stream, start, end in connection.execute(statement):
        found.setdefault(delivery_id, []).append(StreamWindow(DigestStream(stream), start, end))
    return {delivery_id: tuple(windows) for delivery_id, windows in found.items()}


def run_windows(run_id: int) -> set[StreamWindow]:
    """Every distinct stream window of a run: the content its senders need."""
    rows = db.session.execute(
        select(
            DigestDeliveryWindow.stream,
            DigestDeliveryWindow.window_start,
            DigestDeliveryWindow.window_end,
        )
        .join(DigestDelivery, DigestDelivery.id == DigestDeliveryWindow.delivery_id)
        .where(DigestDelivery.run_id == run_id)
        .distinct()
    )
    return {StreamWindow(DigestStream(stream), start, end) for stream, start, end in rows}


def recut(
    recorded: Windows,
    rhythms_now: dict[DigestStream, Rhythm],
    run_start: datetime,
    run_end: datetime,
) -> Windows:
    """A delivery no attempt can have delivered follows the reader's choice as it is now:
    streams turned off leave it (their items come if they are turned on again), streams
    turned on to daily join it with the run's window."""
    present = {window.stream for window in recorded}
    kept = [window for window in recorded if rhythms_now.get(window.stream) != Rhythm.NEVER]
    added = [
        StreamWindow(stream, run_start, run_end)
        for stream, rhythm in rhythms_now.items()
        if rhythm == Rhythm.DAILY and stream not in present
    ]
    return tuple(sorted(kept + added, key=lambda window: window.stream))


def rewrite_windows(
    connection: Connection, delivery_id: int, user_id: int, before: Windows, after: Windows
) -> None:
    """Make the recorded windows of a delivery what ``recut`` made of them (uncommitted)."""
    if before == after:
        return
    connection.execute(
        DigestDeliveryWindow.__table__.delete().where(
            DigestDeliveryWindow.delivery_id == delivery_id
        )
    )
    if after:
        connection.execute(
            DigestDeliveryWindow.__table__.insert(),
            window_rows({user_id: delivery_id}, {user_id: after}),
        )


@dataclass(frozen=True)
class EditionCounts:
    """How many readers a run sends an edition with daily streams, with weekly ones, and
    with nothing but the conversation (sent only to those with something new in it)."""

    daily: int = 0
    weekly: int = 0
    conversation_only: int = 0


def edition_counts(
    choices: Iterable[tuple[Rhythm, Rhythm, ConversationRhythm, int, int]], weekdays: set[int]
) -> EditionCounts:
    """Count from (posts rhythm, bulletins rhythm, conversation rhythm, weekly day, readers)
    groups; a reader with both kinds due counts in both."""
    daily = weekly = conversation_only = 0
    for posts, bulletins, conversation, weekly_day, readers in choices:
        rhythms = {posts, bulletins}
        daily += readers if Rhythm.DAILY in rhythms else 0
        weekly += readers if Rhythm.WEEKLY in rhythms and weekly_day in weekdays else 0
        if rhythms == {Rhythm.NEVER} and conversation == ConversationRhythm.DIGEST:
            conversation_only += readers
    return EditionCounts(daily, weekly, conversation_only)


def clamp_to_schedule(windows: Windows, rhythms: Rhythms, previous_time: datetime) -> Windows:
    """Windows as they would be on a day when every earlier edition went out on time."""
    clamped = []
    for window in windows:
        if rhythms.by_stream[window.stream] == Rhythm.DAILY:
            earliest = previous_time
        else:
            earliest = window.end - LONGEST_RHYTHM
        clamped.append(StreamWindow(window.stream, max(window.start, earliest), window.end))
    return tuple(clamped)

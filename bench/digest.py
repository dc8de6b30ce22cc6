"""Benchmark: build and send a day's digest to many subscribers through a local SMTP sink.

It compares the digest sender (claims, state commits, building in a worker thread,
one SMTP connection per batch) with plain ``smtplib`` sending the very same prebuilt
messages over one connection, measured just before and just after the digest run (the
mean is the baseline, which evens out a busy machine), at each number of subscribers asked
for, and writes bench/results/digest.json with how the rate scales between them.

    .venv/bin/python bench/digest.py [--subscribers N ...]
"""

import argparse
import json
import platform
import smtplib
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import insert, select

from blogapp import create_app
from blogapp.blog.operations import PostFields, create_post
from blogapp.digest.build import OutgoingMessage, Recipient, RunEditions
from blogapp.digest.content import StreamContents
from blogapp.digest.conversation import Shown, recorded_conversations
from blogapp.digest.runs import create_due_run, run_digest
from blogapp.digest.streams import run_windows, windows_of
from blogapp.extensions import db
from blogapp.models import (
    Bulletin,
    Comment,
    DeliveryState,
    DigestDelivery,
    FollowChoice,
    Post,
    PostStatus,
    Subscription,
    ThreadFollow,
    User,
)
from blogapp.models.subscriptions import ConversationRhythm, Rhythm
from blogapp.text import render_comment_text

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "digest.json"
CONVERSATION_RESULTS = HERE / "results" / "digest_conversation.json"
#: The digest of Saturday 24 September 2016 (07:00 in London), sent at 07:00:05.
DIGEST_TIME = datetime(2016, 9, 24, 6, 0, 5, tzinfo=UTC)
DAY_START = datetime(2016, 9, 23, 6, 0, tzinfo=UTC)
POSTS = 6
BULLETINS = 4
#: With --conversation: the threads readers follow (the day's posts and older ones), the
#: comments written on them during the day, and the accounts that write them.
THREADS = 20
COMMENTS = 2_000
COMMENTERS = 50
PARAGRAPH = (
    "The inspectorate's report makes grim reading. Officers describe caseloads of sixty "
    "and more, training squeezed into lunch breaks and a case management system that "
    "loses notes. “We cannot keep people safe like this,” one officer told us."
)


def start_sink() -> tuple[subprocess.Popen, int]:
    """The SMTP sink in a process of its own, so it does not share the sender's GIL."""
    sink = subprocess.Popen(
        [sys.executable, str(HERE / "smtp_sink.py")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    word, port = sink.stdout.readline().split()
    assert word == "ready"
    return sink, int(port)


def stop_sink(sink: subprocess.Popen) -> int:
    output, _ = sink.communicate(timeout=60)
    return int(output.split()[-1])


def make_app(folder: Path, smtp_port: int) -> Flask:
    return create_app(
        {
            "SECRET_KEY": "benchmark-secret-key-long-enough-to-use",
            "DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
            "SITE_URL": "https://blog.example",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": smtp_port,
            "MAIL_SUPPRESS_SEND": False,
        }
    )


def rhythm_of_reader(number: int) -> dict:
    """A realistic mix: 70 % daily, 20 % weekly (their days spread over the week), and 10 %
    who chose never for both (the readers who will follow conversations only)."""
    share = number % 10
    if share < 7:
        rhythm = Rhythm.DAILY
    elif share < 9:
        rhythm = Rhythm.WEEKLY
    else:
        rhythm = Rhythm.NEVER
    return {"posts_rhythm": rhythm, "bulletins_rhythm": rhythm, "weekly_day": number % 7}


def add_subscribers(
    count: int, conversation: ConversationRhythm = ConversationRhythm.AT_ONCE
) -> None:
    """Confirmed readers with the realistic mix of rhythms, inserted in bulk."""
    now = datetime.now(UTC)
    db.session.execute(
        insert(User),
        [
            {
                "email": f"reader{n}@example.org",
                "display_name": f"Reader {n}",
                "email_confirmed_at": now,
            }
            for n in range(1, count + 1)
        ],
    )
    user_ids = db.session.scalars(select(User.id)).all()
    db.session.execute(
        insert(Subscription),
        [
            {"user_id": user_id, "conversation_rhythm": conversation, **rhythm_of_reader(user_id)}
            for user_id in user_ids
        ],
    )
    db.session.commit()


def add_older_threads() -> None:
    """The posts before the day's, so that readers follow THREADS threads in all."""
    for number in range(THREADS - POSTS):
        fields = PostFields(
            title=f"Older thread {number + 1}: the probation service after unification",
            body_source=PARAGRAPH,
            labels=["Napo"],
            series_name=None,
            series_number=None,
            comments_open=True,
        )
        when = DAY_START - timedelta(days=1, hours=number)
        create_post(fields, None, PostStatus.PUBLISHED, when)


def add_the_conversation() -> None:
    """Each reader follows 0–5 threads (from before the day); COMMENTS comments on them in the
    day by COMMENTERS of the readers, a third of them anonymous."""
    post_ids = db.session.scalars(select(Post.id).order_by(Post.id)).all()
    user_ids = db.session.scalars(select(User.id).order_by(User.id)).all()
    followed_since = DAY_START - timedelta(days=1)
    db.session.execute(
        insert(ThreadFollow),
        [
            {
                "user_id": user_id,
                "post_id": post_ids[(user_id + step * 7) % len(post_ids)],
                "choice": FollowChoice.FOLLOWING,
                "created_at": followed_since,
            }
            for user_id in user_ids
            for step in range(user_id % 6)
        ],
    )
    spacing = (DIGEST_TIME - DAY_START) / (COMMENTS + 1)
    for number in range(COMMENTS):
        body = f"Comment {number + 1}. {PARAGRAPH}"
        comment = Comment(
            post_id=post_ids[number % len(post_ids)],
            user_id=user_ids[number % COMMENTERS],
            anonymous=number % 3 == 0,
            body=body,
            body_html=render_comment_text(body),
            created_at=DAY_START + spacing * (number + 1),
        )
        db.session.add(comment)
    db.session.commit()


def add_a_days_content(app: Flask) -> int:
    """Posts through the real operation; bulletins when this tree has their pages."""
    for number in range(POSTS):
        fields = PostFields(
            title=f"Latest From Napo {119 + number}: caseloads, pay and the inspectorate",
            body_source="\n\n".join([f"> {PARAGRAPH}", PARAGRAPH, PARAGRAPH]),
            labels=["Napo"],
            series_name=None,
            series_number=None,
            comments_open=True,
        )
        when = DAY_START + timedelta(hours=2 + 3 * number)
        create_post(fields, None, PostStatus.PUBLISHED, when)
    if "bulletins.bulletin" not in app.view_functions:
        return 0
    for number in range(BULLETINS):
        when = DAY_START + timedelta(hours=1 + 4 * number)
        db.session.add(
            Bulletin(
                source="Napo",
                title=f"Napo bulletin {number + 1}: pay offer ballot",
                slug=f"napo-bulletin-{number + 1}-pay-offer-ballot",
                body_html=f"<p>{PARAGRAPH}</p>",
                excerpt=PARAGRAPH,
                search_text=PARAGRAPH,
                published_at=when,
                created_at=when,
            )
        )
    db.session.commit()
    return BULLETINS


def prebuilt_messages() -> list[OutgoingMessage]:
    """Every message of the run, built by the same code from what the run recorded (not
    timed)."""
    run_id = db.session.scalar(select(DigestDelivery.run_id).limit(1))
    editions = RunEditions(StreamContents.load(run_windows(run_id)))
    rows = db.session.execute(
        select(DigestDelivery.id, DigestDelivery.message_id, User.id, User.email)
        .join(User, User.id == DigestDelivery.user_id)
        .where(DigestDelivery.state == DeliveryState.PENDING)
    ).all()
    delivery_ids = [row[0] for row in rows]
    connection = db.session.connection()
    windows = windows_of(delivery_ids, connection)
    conversations = recorded_conversations(delivery_ids, connection, Shown())
    return [
        editions.message_for(
            Recipient(user_id, email),
            windows[delivery_id],
            message_id,
            conversations.get(delivery_id, ()),
        )
        for delivery_id, message_id, user_id, email in rows
    ]


def send_with_smtplib(messages: list, port: int) -> float:
    """Seconds to send prebuilt messages over one plain smtplib connection."""
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as connection:
        for message in messages:
            connection.sendmail(message.envelope_from, [message.recipient], message.data)
    return time.perf_counter() - started


def measure(subscribers: int, conversation: bool) -> dict:
    sink, port = start_sink()
    with tempfile.TemporaryDirectory() as folder:
        app = make_app(Path(folder), port)
        with app.app_context():
            upgrade()
            started = time.perf_counter()
            rhythm = ConversationRhythm.DIGEST if conversation else ConversationRhythm.AT_ONCE
            add_subscribers(subscribers, rhythm)
            setup_seconds = time.perf_counter() - started
            bulletins = add_a_days_content(app)
            if conversation:
                add_older_threads()
                add_the_conversation()

            started = time.perf_counter()
            create_due_run(DIGEST_TIME)
            write_seconds = time.perf_counter() - started
            started = time.perf_counter()
            messages = prebuilt_messages()
            build_seconds = time.perf_counter() - started

            baseline_before = send_with_smtplib(messages, port)
            started = time.perf_counter()
            report = run_digest(clock=lambda: DIGEST_TIME)
            send_seconds = time.perf_counter() - started
            baseline_after = send_with_smtplib(messages, port)
            sent = report.runs[0].sent.sent
            db.engine.dispose()
    received = stop_sink(sink)
    assert sent == len(messages), f"sent {sent} of {len(messages)}"
    assert received == 3 * sent, f"the sink received {received}"

    digest_rate = sent / send_seconds
    baseline_seconds = (baseline_before + baseline_after) / 2
    baseline_rate = len(messages) / baseline_seconds
    return {
        "subscribers": subscribers,
        "mix": MIXES[conversation],
        "editions_sent": sent,
        "posts": POSTS,
        "bulletins": bulletins,
        "average_message_bytes": round(sum(len(m.data) for m in messages) / len(messages)),
        "batch_size": app.config["DIGEST_BATCH_SIZE"],
        "bulk_insert_subscribers_seconds": round(setup_seconds, 3),
        "write_deliveries_seconds": round(write_seconds, 3),
        "build_only_messages_per_second": round(len(messages) / build_seconds, 1),
        "digest_build_and_send_seconds": round(send_seconds, 3),
        "digest_messages_per_second": round(digest_rate, 1),
        "smtplib_prebuilt_seconds_before_and_after": [
            round(baseline_before, 3),
            round(baseline_after, 3),
        ],
        "smtplib_prebuilt_messages_per_second": round(baseline_rate, 1),
        "ratio_to_smtplib": round(digest_rate / baseline_rate, 3),
        "target_ratio": 0.6,
        "database": "sqlite (temporary file)",
        "smtp_sink": "aiosmtpd in a separate process on 127.0.0.1",
        "python": platform.python_version(),
        "machine": platform.machine(),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


MIXES = {
    False: "70 % daily, 20 % weekly (days spread over the week), 10 % never",
    True: (
        "70 % daily, 20 % weekly (days spread over the week), 10 % conversation only; "
        f"everyone's conversation in the digest, {COMMENTS} comments in the day across "
        f"{THREADS} threads, each reader following 0–5 of them"
    ),
}


def scaling(runs: list[dict]) -> float:
    """Messages per second at the largest size over those at the smallest (1.0 is flat)."""
    smallest, largest = runs[0], runs[-1]
    return round(largest["digest_messages_per_second"] / smallest["digest_messages_per_second"], 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subscribers", type=int, action="append", help="repeatable")
    parser.add_argument("--no-write", action="store_true", help="Do not update the results file.")
    parser.add_argument(
        "--conversation", action="store_true", help="The realistic mix with conversations."
    )
    arguments = parser.parse_args()
    sizes = sorted(arguments.subscribers or [10_000])
    runs = [measure(count, arguments.conversation) for count in sizes]
    figures = {"runs": runs, "rate_at_largest_over_smallest": scaling(runs)}
    print(json.dumps(figures, indent=2))
    if not arguments.no_write:
        results = CONVERSATION_RESULTS if arguments.conversation else RESULTS
        results.parent.mkdir(parents=True, exist_ok=True)
        results.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()

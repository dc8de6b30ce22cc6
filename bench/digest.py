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
from blogapp.digest.build import Editions, OutgoingMessage, Recipient
from blogapp.digest.content import content_for_window
from blogapp.digest.runs import create_due_run, run_digest
from blogapp.extensions import db
from blogapp.models import (
    Bulletin,
    DeliveryState,
    DigestDelivery,
    PostStatus,
    Subscription,
    User,
)
from blogapp.models.subscriptions import Rhythm

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "digest.json"
#: The digest of Saturday 24 September 2016 (07:00 in London), sent at 07:00:05.
DIGEST_TIME = datetime(2016, 9, 24, 6, 0, 5, tzinfo=UTC)
DAY_START = datetime(2016, 9, 23, 6, 0, tzinfo=UTC)
POSTS = 6
BULLETINS = 4
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


def add_subscribers(count: int) -> None:
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
        [{"user_id": user_id, **rhythm_of_reader(user_id)} for user_id in user_ids],
    )
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
    """Every message of the run, built by the same code (not timed)."""
    editions = Editions(content_for_window(DAY_START, DIGEST_TIME.replace(second=0)))
    rows = db.session.execute(
        select(DigestDelivery.message_id, User.id, User.email)
        .join(User, User.id == DigestDelivery.user_id)
        .where(DigestDelivery.state == DeliveryState.PENDING)
    )
    return [
        editions.message_for(Recipient(user_id, email), message_id)
        for message_id, user_id, email in rows
    ]


def send_with_smtplib(messages: list, port: int) -> float:
    """Seconds to send prebuilt messages over one plain smtplib connection."""
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as connection:
        for message in messages:
            connection.sendmail(message.envelope_from, [message.recipient], message.data)
    return time.perf_counter() - started


def measure(subscribers: int) -> dict:
    sink, port = start_sink()
    with tempfile.TemporaryDirectory() as folder:
        app = make_app(Path(folder), port)
        with app.app_context():
            upgrade()
            started = time.perf_counter()
            add_subscribers(subscribers)
            setup_seconds = time.perf_counter() - started
            bulletins = add_a_days_content(app)

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
        "mix": "70 % daily, 20 % weekly (days spread over the week), 10 % never",
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


def scaling(runs: list[dict]) -> float:
    """Messages per second at the largest size over those at the smallest (1.0 is flat)."""
    smallest, largest = runs[0], runs[-1]
    return round(largest["digest_messages_per_second"] / smallest["digest_messages_per_second"], 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subscribers", type=int, action="append", help="repeatable")
    parser.add_argument("--no-write", action="store_true", help="Do not update the results file.")
    arguments = parser.parse_args()
    runs = [measure(count) for count in sorted(arguments.subscribers or [10_000])]
    figures = {"runs": runs, "rate_at_largest_over_smallest": scaling(runs)}
    print(json.dumps(figures, indent=2))
    if not arguments.no_write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()

"""Generate a big blog for benchmarks: ten years of posts, busy threads, many readers.

    .venv/bin/python bench/generate.py --database sqlite:///bench/work/big.db --posts 10000

Rows are written with bulk inserts in a few transactions, so 300,000 comments take seconds,
not hours; every password is the same precomputed hash. The numbers scale with --posts
(the defaults are the benchmark's: 10,000 posts, 300,000 comments, 20,000 users, 5,000
subscribers, 2,000 bulletins).
"""

import argparse
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import insert, text
from werkzeug.security import generate_password_hash

from blogapp import create_app
from blogapp.dates import local_date
from blogapp.extensions import db
from blogapp.models import Bulletin, Comment, Label, Post, Subscription, User, post_labels
from blogapp.text import render_comment_text, render_post_body

BENCH_PASSWORD = "benchmark password"
LABEL_NAMES = [
    "Napo", "Caseloads", "Inspectorate", "Parliament", "Unpaid Work", "Pay",
    "Reader's email", "Training", "Unison", "Courts", "Prisons", "Privatisation",
]  # fmt: skip
SERIES_NAMES = ["Latest From Napo", "Letters From a Trainee", "Inspection Watch"]
PARAGRAPHS = [
    "The inspectorate's latest report makes grim reading for anyone who has worked in a "
    "probation office in the last decade.",
    "> Staff told us that caseloads were unmanageable and that they did not have the time "
    "to see people as often as they should.\n>\n> Managers agreed.",
    "We have said this before, and we will say it again: the service runs on goodwill.",
    "A reader writes to say that the new case management system crashed three times before "
    "lunch on Monday.",
    "> The minister said the reforms would be delivered on time and within budget.",
]
#: What each post is about, so searches match a share of posts rather than all of them.
TOPICS = [
    "approved premises", "electronic monitoring", "parole hearings", "legal aid", "court reports",
    "victim contact", "youth justice", "sentencing guidelines", "workload measurement",
    "staff sickness", "agency workers", "estates repairs", "case management software",
    "domestic abuse", "community sentences", "curfew orders", "drug testing", "housing",
    "mental health", "recall rates", "unpaid work placements", "pay award", "pension scheme",
    "industrial action", "ballot turnout", "training places", "accredited programmes",
    "risk assessment", "serious further offences", "home detention", "hostel closures",
    "resettlement", "through the gate", "magistrates", "crown court backlog", "remand",
    "women's centres", "probation reform", "workforce strategy", "office closures",
]  # fmt: skip
COMMENTS = [
    "Spot on. We had the same in our office last week.",
    "Anon at 22:42 is right, but it is worse in the north.",
    "Does anyone know whether the ballot closes on Friday?\n\nAsking for a colleague.",
    "See https://example.org/report for the figures.",
    "This blog says what the rest of us are thinking.",
]


#: The post (by index) that gets the huge thread: not one of the busy ones (every 7th).
HUGE_THREAD_POST = 3


@dataclass(frozen=True)
class Sizes:
    posts: int
    comments: int
    users: int
    subscribers: int
    bulletins: int
    busy_posts: int = 20
    busy_comments: int = 520
    #: One thread far past a page of comments (COMMENTS_PER_PAGE), read in pages.
    huge_comments: int = 2000

    @classmethod
    def for_posts(cls, posts: int) -> "Sizes":
        return cls(posts, posts * 30, posts * 2, posts // 2, posts // 5)


def bench_app(database_url: str, instance: Path) -> Flask:
    return create_app(
        {
            "DATABASE_URL": database_url,
            "INSTANCE_PATH": str(instance),
            "SECRET_KEY": "benchmark-secret-key-long-enough-for-checks",
        }
    )


def insert_rows(table, rows: list[dict], chunk: int = 5000) -> None:
    for start in range(0, len(rows), chunk):
        db.session.execute(insert(table), rows[start : start + chunk])


def make_users(sizes: Sizes, password_hash: str, now: datetime) -> None:
    rows = [
        {
            "email": f"reader{number}@example.org",
            "display_name": f"Reader {number}",
            "password_hash": password_hash,
            "role": "editor" if number == 0 else "reader",
            "email_confirmed_at": now,
            "banned": False,
            "created_at": now - timedelta(days=number % 3650),
            "session_token": f"{number:032x}",
        }
        for number in range(sizes.users)
    ]
    insert_rows(User.__table__, rows)


def make_posts(sizes: Sizes, now: datetime, rng: random.Random) -> None:
    bodies = [render_post_body("\n\n".join(rng.sample(PARAGRAPHS, 4))) for _ in range(20)]
    span = timedelta(days=3650)
    rows = []
    for number in range(sizes.posts):
        published_at = now - span * (number / sizes.posts) - timedelta(minutes=number % 60)
        day = local_date(published_at)
        body = bodies[number % len(bodies)]
        topic = TOPICS[number % len(TOPICS)]
        series = number % 25 == 0
        rows.append(
            {
                "title": f"Post {number}: {topic} under pressure",
                "slug": f"post-{number}",
                "body_source": "",
                "body_html": body.html,
                "summary_html": body.summary_html,
                "excerpt": body.excerpt,
                "search_text": f"{body.text}\nWhat this means for {topic}, report {number}.",
                "status": "published",
                "published_at": published_at,
                "published_year": day.year,
                "published_month": day.month,
                "created_at": published_at,
                "updated_at": published_at,
                "author_id": 1,
                "series_id": (number % len(SERIES_NAMES)) + 1 if series else None,
                "series_number": sizes.posts - number if series else None,
                "comments_open": True,
                "comment_count": 0,
            }
        )
    insert_rows(Post.__table__, rows)


def make_labels_and_series() -> None:
    insert_rows(
        Label.__table__,
        [{"name": name, "slug": name.lower().replace(" ", "-").replace("'", "")}
         for name in LABEL_NAMES],
    )  # fmt: skip
    for number, name in enumerate(SERIES_NAMES, start=1):
        db.session.execute(
            text("INSERT INTO series (id, name, slug, description) VALUES (:id, :n, :s, '')"),
            {"id": number, "n": name, "s": name.lower().replace(" ", "-")},
        )


def label_posts(sizes: Sizes, rng: random.Random) -> None:
    rows = [
        {"post_id": post_id, "label_id": label_id}
        for post_id in range(1, sizes.posts + 1)
        for label_id in rng.sample(range(1, len(LABEL_NAMES) + 1), 2)
    ]
    insert_rows(post_labels, rows)


def comment_counts(sizes: Sizes) -> list[int]:
    """A few very busy threads (500+), one huge one (2,000), the rest spread evenly."""
    counts = [0] * sizes.posts
    for busy in range(min(sizes.busy_posts, sizes.posts)):
        counts[busy * 7 % sizes.posts] = sizes.busy_comments
    if sizes.posts > HUGE_THREAD_POST:
        counts[HUGE_THREAD_POST] = sizes.huge_comments
    remaining = max(0, sizes.comments - sum(counts))
    quiet = [index for index, count in enumerate(counts) if count == 0] or [0]
    for position in range(remaining):
        counts[quiet[position % len(quiet)]] += 1
    return counts


def make_comments(sizes: Sizes, now: datetime, rng: random.Random) -> None:
    rendered = [(body, render_comment_text(body)) for body in COMMENTS]
    counts = comment_counts(sizes)
    next_id = 1
    rows: list[dict] = []
    for post_index, count in enumerate(counts):
        post_id = post_index + 1
        published_at = now - timedelta(days=3650) * (post_index / sizes.posts)
        thread_top = None
        for number in range(count):
            body, html = rendered[number % len(rendered)]
            is_reply = thread_top is not None and number % 4 == 3
            rows.append(
                {
                    "id": next_id,
                    "post_id": post_id,
                    "user_id": rng.randrange(1, sizes.users + 1),
                    "parent_id": thread_top if is_reply else None,
                    "anonymous": number % 3 != 0,
                    "body": body,
                    "body_html": html,
                    "created_at": published_at + timedelta(minutes=5 * (number + 1)),
                    "state": "visible",
                }
            )
            if not is_reply:
                thread_top = next_id
            next_id += 1
        if len(rows) >= 20_000:
            insert_rows(Comment.__table__, rows)
            rows = []
    insert_rows(Comment.__table__, rows)
    db.session.execute(
        text(
            "UPDATE posts SET comment_count = (SELECT count(*) FROM comments "
            "WHERE comments.post_id = posts.id AND comments.state = 'visible')"
        )
    )


def make_subscribers(sizes: Sizes, now: datetime) -> None:
    """The first readers follow by email: half want both, the rest posts or bulletins."""
    rows = [
        {
            "user_id": number + 1,
            "wants_posts": number % 4 != 3,
            "wants_bulletins": number % 4 != 2,
            "active": True,
            "created_at": now,
            "updated_at": now,
        }
        for number in range(min(sizes.subscribers, sizes.users))
    ]
    insert_rows(Subscription.__table__, rows)


def make_bulletins(sizes: Sizes, now: datetime) -> None:
    body = render_post_body("Members are reminded that the ballot closes on Friday.")
    rows = [
        {
            "source": "Napo" if number % 2 else "Unison",
            "title": f"Bulletin {number}: ballot news",
            "slug": f"bulletin-{number}-ballot-news",
            "body_html": body.html,
            "excerpt": body.excerpt,
            "search_text": body.text,
            "original_url": f"https://union.example/bulletins/{number}",
            "guid": f"bulletin-{number}",
            "published_at": now - timedelta(hours=12 * number),
            "created_at": now,
            "updated_at": now,
        }
        for number in range(sizes.bulletins)
    ]
    insert_rows(Bulletin.__table__, rows)


def reset_sequences() -> None:
    """PostgreSQL: carry id sequences past the ids written explicitly."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in ("comments", "series"):
        sequence = f"pg_get_serial_sequence('{table}', 'id')"
        db.session.execute(text(f"SELECT setval({sequence}, (SELECT max(id) FROM {table}))"))


def generate(database_url: str, instance: Path, sizes: Sizes, seed: int = 1) -> None:
    """Create the schema and fill it; the database must be new."""
    rng = random.Random(seed)
    now = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    app = bench_app(database_url, instance.resolve())
    with app.app_context():
        upgrade()
        make_users(sizes, generate_password_hash(BENCH_PASSWORD), now)
        make_labels_and_series()
        make_posts(sizes, now, rng)
        label_posts(sizes, rng)
        db.session.commit()
        make_comments(sizes, now, rng)
        make_bulletins(sizes, now)
        make_subscribers(sizes, now)
        reset_sequences()
        db.session.commit()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="SQLAlchemy URL of an empty database")
    parser.add_argument("--instance", default="bench/work/instance")
    parser.add_argument("--posts", type=int, default=10_000)
    arguments = parser.parse_args()
    sizes = Sizes.for_posts(arguments.posts)
    generate(arguments.database, Path(arguments.instance), sizes)
    print(f"generated {sizes}")


if __name__ == "__main__":
    main()

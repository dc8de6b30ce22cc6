"""Benchmark: what DKIM signing costs the daily digest, with some addresses suppressed.

One run of the digest sender without DKIM and one with it (a fresh 2048-bit key), over
the same deliveries, at 50,000 subscribers of whom 5 % are suppressed by default. Each is
given as a ratio to plain ``smtplib`` sending the same prebuilt, unsigned messages over one
connection to the same local sink, measured before, between and after the two runs (each
run is compared with the mean of the baselines either side of it, which evens out a busy
machine). Writes bench/results/digest_signing.json.

    .venv/bin/python bench/digest_signing.py [--subscribers N] [--suppressed 0.05]
"""

import argparse
import json
import platform
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from digest import (
    DIGEST_TIME,
    add_a_days_content,
    add_subscribers,
    make_app,
    prebuilt_messages,
    send_with_smtplib,
    start_sink,
    stop_sink,
)
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import insert, select, update

from blogapp.digest.runs import create_due_run, run_digest
from blogapp.extensions import db
from blogapp.models import DeliveryState, DigestDelivery, DigestRun, Suppression, User

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "digest_signing.json"
TARGET_RATIO_WITH_DKIM = 0.6


def suppress_some(share: float) -> set[str]:
    """Suppress every n-th subscriber's address (``share`` of them); returns the addresses."""
    every = round(1 / share)
    addresses = db.session.scalars(select(User.email).order_by(User.id)).all()[::every]
    db.session.execute(
        insert(Suppression),
        [
            {"address": address, "reason": "bounce", "suppressed_at": datetime.now(UTC)}
            for address in addresses
        ],
    )
    db.session.commit()
    return set(addresses)


def write_key(folder: Path) -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = folder / "dkim.pem"
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return str(path)


def sign_with(app: Flask, key_file: str | None) -> None:
    app.config.update(
        DKIM_PRIVATE_KEY_FILE=key_file, DKIM_SELECTOR="bench", DKIM_DOMAIN="blog.example"
    )


def send_the_run_again() -> None:
    """Put every delivery of the run back as it was before it was sent."""
    db.session.execute(
        update(DigestDelivery)
        .where(DigestDelivery.state != DeliveryState.SKIPPED_EMPTY)
        .values(state=DeliveryState.PENDING, attempts=0, sent_at=None, last_error=None)
    )
    db.session.execute(update(DigestRun).values(finished_at=None))
    db.session.commit()


def timed_run() -> tuple[float, int, int]:
    """Seconds for the digest sender's pass, messages sent and not sent as suppressed."""
    started = time.perf_counter()
    report = run_digest(clock=lambda: DIGEST_TIME)
    seconds = time.perf_counter() - started
    sent = report.runs[0].sent
    return seconds, sent.sent, sent.suppressed


def measure(subscribers: int, suppressed_share: float) -> dict:
    sink, port = start_sink()
    with tempfile.TemporaryDirectory() as folder:
        app = make_app(Path(folder), port)
        key_file = write_key(Path(folder))
        with app.app_context():
            upgrade()
            add_subscribers(subscribers)
            suppressed = suppress_some(suppressed_share)
            add_a_days_content(app)
            create_due_run(DIGEST_TIME)
            messages = [m for m in prebuilt_messages() if m.recipient not in suppressed]

            baselines = [send_with_smtplib(messages, port)]
            sign_with(app, None)
            plain = timed_run()
            baselines.append(send_with_smtplib(messages, port))
            send_the_run_again()
            sign_with(app, key_file)
            signed = timed_run()
            baselines.append(send_with_smtplib(messages, port))
            db.engine.dispose()
    received = stop_sink(sink)
    expected = len(messages)
    assert plain[1] == signed[1] == expected, f"sent {plain[1]}, {signed[1]} of {expected}"
    assert plain[2] == signed[2] == len(suppressed)
    assert received == 5 * expected, f"the sink received {received}"

    def ratio(run: tuple[float, int, int], before: float, after: float) -> float:
        return round((run[1] / run[0]) / (expected / ((before + after) / 2)), 3)

    return {
        "subscribers": subscribers,
        "suppressed": len(suppressed),
        "sent_per_run": expected,
        "digest_seconds_without_dkim": round(plain[0], 3),
        "digest_seconds_with_dkim": round(signed[0], 3),
        "smtplib_prebuilt_seconds_before_between_after": [round(s, 3) for s in baselines],
        "ratio_to_smtplib_without_dkim": ratio(plain, baselines[0], baselines[1]),
        "ratio_to_smtplib_with_dkim": ratio(signed, baselines[1], baselines[2]),
        "target_ratio_with_dkim": TARGET_RATIO_WITH_DKIM,
        "dkim": "rsa-sha256 2048-bit, relaxed/relaxed, signed in the sender's builder thread",
        "database": "sqlite (temporary file)",
        "smtp_sink": "aiosmtpd in a separate process on 127.0.0.1",
        "python": platform.python_version(),
        "machine": platform.machine(),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subscribers", type=int, default=50_000)
    parser.add_argument("--suppressed", type=float, default=0.05, help="share, 0 to 1")
    parser.add_argument("--no-write", action="store_true", help="Do not update the results file.")
    arguments = parser.parse_args()
    figures = measure(arguments.subscribers, arguments.suppressed)
    print(json.dumps(figures, indent=2))
    if not arguments.no_write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()

"""Sending a run's deliveries through the mail sender, with the digest's ledger and editions.

The run's deliveries are the ledger (see ``ledger``): claimed in batches, each committed
as ``sending`` before it goes and as sent or failed after, so a crash, a restart or an
SMTP outage loses nothing and sends nothing twice (see ``blogapp.mail.sender``).
"""

from functools import partial

from flask import current_app

from ..extensions import db
from ..mail.sender import PassReport, Sender, SendOptions, new_worker_id
from ..mail.transport import OutgoingMessage
from ..models import DigestRun
from .build import RunEditions
from .ledger import Claimed, Ledger


def digest_send_options(**overrides: object) -> SendOptions:
    """The DIGEST_* settings, with ``overrides`` (``clock``, ``deliver``, ``connect``, ``stop``)."""
    config = current_app.config
    options = SendOptions(
        batch_size=config["DIGEST_BATCH_SIZE"],
        max_attempts=config["DIGEST_MAX_ATTEMPTS"],
        claim_seconds=config["DIGEST_CLAIM_SECONDS"],
    )
    return options.overridden(**overrides)


def prepare(editions: RunEditions, item: Claimed) -> OutgoingMessage | None:
    """The message, or None when the subscriber no longer wants it (or nothing matches)."""
    if item.recipient is None:
        return None
    return editions.message_for(item.recipient, item.windows, item.message_id, item.conversation)


def send_deliveries(run: DigestRun, editions: RunEditions, options: SendOptions) -> PassReport:
    """One sender's pass over the run: claim, build and send until nothing is due."""
    with db.engine.connect() as connection:
        ledger = Ledger(
            connection,
            run.id,
            new_worker_id(),
            options.claim_seconds,
            options.clock,
            run.window_start,
            run.window_end,
        )
        return Sender(ledger, partial(prepare, editions), options).send_all_due()

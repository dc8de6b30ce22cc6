"""``flask mail listen``: an LMTP server that the mail server hands the bounce address to.

Each message delivered to it goes through ``receive_report``, exactly as one piped to
``flask mail receive`` does, with the LMTP recipient as the envelope recipient. LMTP answers
once per recipient, so a report the database could not keep is refused with a temporary
error and the mail server delivers it again later: nothing is lost.
"""

import asyncio
import logging

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP, Envelope, Session
from flask import Flask

from .bounces import receive_report

log = logging.getLogger(__name__)


class ReportHandler:
    """aiosmtpd handler: keep each delivered message, once per recipient."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def keep(self, raw: bytes, recipient: str) -> str:
        with self.app.app_context():
            try:
                report = receive_report(raw, recipient)
            except Exception:
                log.exception("Could not keep a returned message for %s", recipient)
                return "451 4.3.0 Could not keep the message now; try again later"
            return f"250 2.0.0 Kept as report {report.id}: {report.summary}"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        answers = [
            await asyncio.to_thread(self.keep, raw, recipient) for recipient in envelope.rcpt_tos
        ]
        return "\r\n".join(answers)


class LMTPController(Controller):
    def factory(self) -> LMTP:
        return LMTP(self.handler, **self.SMTP_kwargs)


def start_listener(app: Flask, host: str, port: int) -> Controller:
    """Listen for LMTP on ``host:port`` in a thread of its own; stop it with ``.stop()``."""
    controller = LMTPController(ReportHandler(app), hostname=host, port=port)
    controller.start()
    return controller

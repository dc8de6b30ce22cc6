"""A local SMTP sink for benchmarks: accepts every message, keeps a count, stores nothing.

Run in its own process (``python bench/smtp_sink.py``) so that receiving mail does not
compete with the sender for the GIL; prints "ready PORT", and the count when stdin closes.
"""

import socket
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


class CountingSink:
    def __init__(self) -> None:
        self.messages = 0

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.messages += 1
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main() -> None:
    sink = CountingSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    print(f"ready {controller.port}", flush=True)
    sys.stdin.read()
    controller.stop()
    print(f"received {sink.messages}", flush=True)


if __name__ == "__main__":
    main()

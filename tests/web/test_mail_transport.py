"""SMTP connections: every one has a timeout, so a server that stalls cannot hold a sender."""

import socket
import time

import pytest

from blogapp.mail.transport import SEND_ERRORS, open_connection


def test_a_server_that_never_answers_is_given_up_after_mail_timeout(app):
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        app.config.update(
            MAIL_SERVER="127.0.0.1", MAIL_PORT=silent.getsockname()[1], MAIL_TIMEOUT=0.5
        )
        started = time.monotonic()
        with pytest.raises(SEND_ERRORS):
            open_connection()
        assert time.monotonic() - started < 3

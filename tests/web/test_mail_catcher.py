"""``make run``'s embedded default: mail caught into the outbox, the scheduler started once."""

import socket

import pytest
from flask_mail import Message
from support.digests import wait_for
from support.smtp import free_port

from blogapp.extensions import mail
from blogapp.mailcatcher import outbox_names, read_outbox_message
from blogapp.models import DigestRun
from blogapp.scheduler import SHUTDOWN_KEY
from blogapp.serve import background_work


@pytest.fixture
def no_mail_server(app, tmp_path):
    app.config.update(
        MAIL_SERVER=None, MAIL_CATCHER_PORT=free_port(), MAIL_OUTBOX_FOLDER=str(tmp_path / "outbox")
    )
    mail.init_app(app)
    return tmp_path / "outbox"


def test_without_a_mail_server_mail_lands_in_the_outbox_and_the_scheduler_runs(app, no_mail_server):
    with background_work(app):
        assert app.config["MAIL_PORT"] == app.config["MAIL_CATCHER_PORT"]
        mail.send(Message("Hello", recipients=["reader@example.org"], body="Caught."))
        assert wait_for(lambda: outbox_names(no_mail_server)), "nothing was saved"
        assert wait_for(lambda: DigestRun.query.count() == 1), "the digest job did not run"
        assert not app.extensions[SHUTDOWN_KEY].is_set()

    assert app.extensions[SHUTDOWN_KEY].is_set(), "the scheduler was stopped"
    (name,) = outbox_names(no_mail_server)
    saved = read_outbox_message(no_mail_server, name)
    assert saved["Subject"] == "Hello"
    assert saved["To"] == "reader@example.org"
    assert saved.get_content().strip() == "Caught."


def test_a_configured_mail_server_is_used_and_no_catcher_starts(app, mailbox, tmp_path):
    app.config["MAIL_OUTBOX_FOLDER"] = str(tmp_path / "outbox")
    with background_work(app):
        mail.send(Message("Hello", recipients=["reader@example.org"], body="Sent."))
    assert len(mailbox.to("reader@example.org")) == 1
    assert outbox_names(tmp_path / "outbox") == []


def test_a_busy_catcher_port_is_swapped_for_a_free_one_saying_so(app, no_mail_server, capsys):
    busy = app.config["MAIL_CATCHER_PORT"]
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", busy))
        taken.listen()
        with background_work(app):
            mail.send(Message("Hello", recipients=["reader@example.org"], body="Caught."))
            assert wait_for(lambda: outbox_names(no_mail_server)), "nothing was saved"

    said = capsys.readouterr().out
    chosen = app.config["MAIL_PORT"]
    assert chosen != busy
    assert f"Port {busy} is busy" in said
    assert f"listens on port {chosen} instead" in said
    assert "set MAIL_CATCHER_PORT" in said
    assert f"Mail is caught on port {chosen}" in said

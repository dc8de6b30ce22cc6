"""``make run``'s embedded default: mail caught into the outbox, the scheduler started once;
any other process that sends mail refuses to start without MAIL_SERVER unless MAIL_CATCHER."""

import socket

import click
import pytest
from support.digests import wait_for
from support.smtp import free_port

from blogapp.extensions import db
from blogapp.mail.catcher import outbox_names, read_outbox_message
from blogapp.mail.queue import add_to_queue
from blogapp.mail.transport import LOCAL_SERVER_KEY, OutgoingMessage
from blogapp.models import DigestRun
from blogapp.scheduler import SHUTDOWN_KEY, background_services


@pytest.fixture
def no_mail_server(app, tmp_path):
    app.config.update(
        MAIL_SERVER=None, MAIL_CATCHER_PORT=free_port(), MAIL_OUTBOX_FOLDER=str(tmp_path / "outbox")
    )
    return tmp_path / "outbox"


def queue_hello(body: str) -> None:
    data = f"Subject: Hello\r\nTo: reader@example.org\r\n\r\n{body}\r\n".encode()
    add_to_queue("test", OutgoingMessage("blog@example.org", "reader@example.org", data), "<1@x>")
    db.session.commit()


def test_without_a_mail_server_mail_lands_in_the_outbox_and_the_scheduler_runs(app, no_mail_server):
    queue_hello("Caught.")
    with background_services(app, embedded=True):
        assert wait_for(lambda: outbox_names(no_mail_server)), "nothing was saved"
        assert wait_for(lambda: DigestRun.query.count() == 1), "the digest job did not run"
        assert not app.extensions[SHUTDOWN_KEY].is_set()

    assert app.extensions[SHUTDOWN_KEY].is_set(), "the scheduler was stopped"
    assert app.config["MAIL_SERVER"] is None, "the settings are left as they were"
    (name,) = outbox_names(no_mail_server)
    saved = read_outbox_message(no_mail_server, name)
    assert saved["Subject"] == "Hello"
    assert saved["To"] == "reader@example.org"
    assert saved.get_content().strip() == "Caught."


def test_a_configured_mail_server_is_used_and_no_catcher_starts(app, mailbox, tmp_path):
    app.config["MAIL_OUTBOX_FOLDER"] = str(tmp_path / "outbox")
    queue_hello("Sent.")
    with background_services(app):
        assert wait_for(lambda: mailbox.arrived), "the queue's sender did not send it"
    assert len(mailbox.to("reader@example.org")) == 1
    assert outbox_names(tmp_path / "outbox") == []


def test_a_busy_catcher_port_is_swapped_for_a_free_one_saying_so(app, no_mail_server, capsys):
    busy = app.config["MAIL_CATCHER_PORT"]
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", busy))
        taken.listen()
        queue_hello("Caught.")
        with background_services(app, embedded=True):
            chosen = app.extensions[LOCAL_SERVER_KEY][1]
            assert wait_for(lambda: outbox_names(no_mail_server)), "nothing was saved"

    said = capsys.readouterr().out
    assert chosen != busy
    assert f"Port {busy} is busy" in said
    assert f"listens on port {chosen} instead" in said
    assert "set MAIL_CATCHER_PORT" in said
    assert f"Mail is caught on port {chosen}" in said


def test_the_scheduler_refuses_to_start_without_a_mail_server(app, no_mail_server):
    queue_hello("Kept.")
    with pytest.raises(click.ClickException) as refused, background_services(app):
        pytest.fail("the scheduler started")

    said = refused.value.format_message()
    assert "MAIL_SERVER is not set" in said
    assert "Set MAIL_SERVER" in said
    assert "MAIL_CATCHER=1" in said
    assert outbox_names(no_mail_server) == []
    assert DigestRun.query.count() == 0


@pytest.mark.parametrize(
    "command",
    [
        ["digest", "run"],
        ["mail", "send-queued"],
        ["digest", "send", "--to", "someone@example.org"],
    ],
)
def test_mail_commands_refuse_to_start_without_a_mail_server(app, runner, no_mail_server, command):
    queue_hello("Kept.")

    result = runner.invoke(args=command)

    assert result.exit_code != 0
    assert "MAIL_SERVER is not set" in result.output
    assert "MAIL_CATCHER=1" in result.output
    assert outbox_names(no_mail_server) == []
    assert DigestRun.query.count() == 0


def test_mail_catcher_set_on_purpose_lets_a_command_catch_mail(app, runner, no_mail_server):
    app.config["MAIL_CATCHER"] = True
    queue_hello("Caught on purpose.")

    result = runner.invoke(args=["mail", "send-queued"])

    assert result.exit_code == 0, result.output
    assert f"messages are saved in {no_mail_server}" in result.output
    (name,) = outbox_names(no_mail_server)
    assert read_outbox_message(no_mail_server, name).get_content().strip() == "Caught on purpose."

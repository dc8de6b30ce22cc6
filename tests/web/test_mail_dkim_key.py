"""``flask mail dkim-key``: a new key in the instance folder for its owner only, never over
one already made unless asked, and a printed record that verifies what the key signs."""

import re
import stat
from pathlib import Path

import dkim

from blogapp.mail.signing import signer_for

MESSAGE = (
    b"From: On Probation <noreply@blog.example>\r\nTo: reader@example.org\r\n"
    b"Subject: Hello\r\nDate: Mon, 07 Dec 2026 07:00:00 +0000\r\n"
    b"Message-ID: <1@blog.example>\r\n\r\nHello.\r\n"
)


def make_key(runner, *options: str):
    return runner.invoke(args=["mail", "dkim-key", "--selector", "blog2027", *options])


def printed(output: str) -> tuple[str, dict[str, str]]:
    """The record printed on its own line, and the settings printed as NAME=value."""
    (record,) = re.findall(r"^v=DKIM1; k=rsa; p=\S+$", output, re.MULTILINE)
    settings = dict(re.findall(r"^(DKIM_[A-Z_]+)=(\S+)$", output, re.MULTILINE))
    return record, settings


def test_the_printed_record_verifies_mail_signed_with_the_new_key(app, runner):
    app.config["MAIL_DEFAULT_SENDER"] = "On Probation <noreply@blog.example>"

    result = make_key(runner)

    assert result.exit_code == 0, result.output
    record, settings = printed(result.output)
    key_file = Path(settings["DKIM_PRIVATE_KEY_FILE"])
    assert key_file.parent == Path(app.instance_path)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert settings["DKIM_SELECTOR"] == "blog2027"
    assert settings["DKIM_DOMAIN"] == "blog.example"
    assert "blog2027._domainkey.blog.example" in result.output
    quoted = re.search(r"IN TXT (.+)$", result.output, re.MULTILINE).group(1)
    assert "".join(re.findall(r'"([^"]*)"', quoted)) == record

    app.config.update(settings)
    signed = signer_for(app).sign(MESSAGE)

    def published(name: bytes, timeout: int = 5) -> bytes | None:
        return record.encode() if name == b"blog2027._domainkey.blog.example." else None

    assert dkim.verify(signed, dnsfunc=published)
    assert not dkim.verify(signed.replace(b"Hello.", b"Pay now."), dnsfunc=published)


def test_a_key_already_made_is_kept_unless_forced(app, runner):
    first = make_key(runner)
    key_file = Path(printed(first.output)[1]["DKIM_PRIVATE_KEY_FILE"])
    kept = key_file.read_bytes()

    again = make_key(runner)
    assert again.exit_code == 1
    assert "exists already" in again.output
    assert key_file.read_bytes() == kept

    forced = make_key(runner, "--force")
    assert forced.exit_code == 0, forced.output
    assert key_file.read_bytes() != kept
    assert printed(forced.output)[0] != printed(first.output)[0]
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_a_selector_that_is_not_a_dns_label_is_refused(app, runner):
    result = runner.invoke(args=["mail", "dkim-key", "--selector", "../../etc/passwd"])
    assert result.exit_code == 2
    assert "letters, digits and hyphens" in result.output
    assert not list(Path(app.instance_path).glob("dkim-*"))

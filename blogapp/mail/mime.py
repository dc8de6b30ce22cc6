"""Emails as SMTP bytes: multipart/alternative, CRLF line ends, headers intact.

Flask-Mail's own serialisation wraps the alternative in a multipart/mixed and, folding
at 78 characters, turns a List-Unsubscribe header with a long URL into an RFC 2047
encoded word that mail clients no longer recognise as a link. Here headers are written
unfolded (SMTP allows 998 characters a line), and bodies go as 8-bit text when every
line fits, quoted-printable otherwise.
"""

from email import policy
from email.message import EmailMessage
from email.utils import formatdate

#: The longest line SMTP carries (RFC 5321), in bytes, without its CRLF.
MAX_LINE = 998
UNFOLDED_HEADERS = policy.SMTP.clone(max_line_length=MAX_LINE)


def fits_smtp_lines(text: str) -> bool:
    """Whether ``text`` can travel as 8-bit lines."""
    return all(len(line.encode()) <= MAX_LINE for line in text.splitlines())


def as_smtp_bytes(
    *,
    subject: str,
    sender: str,
    to: str,
    date: float,
    message_id: str,
    headers: dict[str, str],
    text: str,
    html: str,
    eight_bit: bool = False,
) -> bytes:
    """The message as it goes over SMTP."""
    email = EmailMessage(policy=policy.SMTP)
    email["Subject"] = subject
    email["From"] = sender
    email["To"] = to
    email["Date"] = formatdate(date, localtime=True)
    email["Message-ID"] = message_id
    for name, value in headers.items():
        email[name] = value
    encoding = "8bit" if eight_bit else "quoted-printable"
    email.set_content(text, cte=encoding)
    email.add_alternative(html, subtype="html", cte=encoding)
    return email.as_bytes(policy=UNFOLDED_HEADERS)


def encoded_header(name: str, value: str) -> bytes:
    """A header's value as ``as_smtp_bytes`` writes it (encoded words where not ASCII)."""
    folded = UNFOLDED_HEADERS.header_factory(name, value).fold(policy=UNFOLDED_HEADERS)
    return folded.removeprefix(f"{name}: ").removesuffix(UNFOLDED_HEADERS.linesep).encode()

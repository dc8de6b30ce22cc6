"""DKIM: with DKIM_PRIVATE_KEY_FILE and DKIM_SELECTOR set, every message is signed
(rsa-sha256, relaxed/relaxed) for the domain of the From address (or DKIM_DOMAIN), so that
mailbox providers can tie the mail to the blog's domain.

Messages are signed where they are built (the sender's builder thread), not in the loop
that talks SMTP. The signature is made here rather than by dkimpy, whose pure-Python RSA
takes about ten times as long as OpenSSL's (through ``cryptography``); dkimpy still checks
every signature in the tests, and ``dns_check`` reads published keys with it.
"""

import base64
import hashlib
import re
import time
from dataclasses import dataclass, replace
from email.utils import parseaddr
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from flask import Flask, current_app

from .transport import OutgoingMessage

#: The headers the signature covers (those a message lacks are signed as absent, so
#: nobody can add them on the way).
SIGNED_HEADERS = (
    b"From",
    b"To",
    b"Subject",
    b"Date",
    b"Message-ID",
    b"List-Id",
    b"List-Unsubscribe",
    b"List-Unsubscribe-Post",
)
#: Where ``app.extensions`` keeps the signer made from the current settings.
SIGNER_KEY = "blogapp.dkim_signer"
#: Runs of spaces, once tabs are spaces: each becomes one (RFC 6376, 3.4.2 and 3.4.4).
#: Searching for two spaces, not one, keeps this fast on mail that is mostly words.
SPACE_RUN = re.compile(rb"  +")
FOLDING = re.compile(rb"\r\n(?=[ \t])")
#: A header field's first line: a name and a colon.
FIELD_START = re.compile(rb"^([!-9;-~]+)[ \t]*:", re.MULTILINE)
#: Characters of the base64 signature per folded line.
SIGNATURE_LINE = 72


class DkimSettingError(ValueError):
    """DKIM_PRIVATE_KEY_FILE names no key that can be read and parsed."""


def single_spaced(text: bytes) -> bytes:
    """Every run of spaces and tabs as one space."""
    return SPACE_RUN.sub(b" ", text.replace(b"\t", b" "))


def relaxed_header(name: bytes, value: bytes) -> bytes:
    """A header field in the relaxed canonical form, without its line end."""
    unfolded = single_spaced(FOLDING.sub(b"", value)).strip()
    return name.strip().lower() + b":" + unfolded


def relaxed_body(body: bytes) -> bytes:
    """The body in the relaxed canonical form."""
    body = single_spaced(body).replace(b" \r\n", b"\r\n")
    while body.endswith(b"\r\n\r\n"):
        body = body[:-2]
    if body and not body.endswith(b"\r\n"):
        body += b"\r\n"
    return b"" if body == b"\r\n" else body


def header_fields(head: bytes) -> list[tuple[bytes, bytes]]:
    """(name, value) of each header field, folding kept, in order."""
    starts = list(FIELD_START.finditer(head))
    fields = []
    for number, start in enumerate(starts):
        end = starts[number + 1].start() if number + 1 < len(starts) else len(head)
        fields.append((start.group(1), head[start.end() : end].removesuffix(b"\r\n")))
    return fields


def last_of_each(fields: list[tuple[bytes, bytes]], names: tuple[bytes, ...]) -> list[bytes]:
    """The canonical form of the last field of each name present, in ``names`` order."""
    latest = {name.lower(): (name, value) for name, value in fields}
    return [relaxed_header(*latest[name.lower()]) for name in names if name.lower() in latest]


@dataclass(frozen=True)
class Signer:
    selector: bytes
    domain: bytes
    private_key: rsa.RSAPrivateKey

    def sign(self, data: bytes) -> bytes:
        """``data`` with a DKIM-Signature header in front."""
        head, _, body = data.partition(b"\r\n\r\n")
        body_hash = base64.b64encode(hashlib.sha256(relaxed_body(body)).digest())
        tags = [
            b"v=1",
            b"a=rsa-sha256",
            b"c=relaxed/relaxed",
            b"d=" + self.domain,
            b"s=" + self.selector,
            b"t=" + str(int(time.time())).encode(),
            b"h=" + b":".join(name.lower() for name in SIGNED_HEADERS),
            b"bh=" + body_hash,
            b"b=",
        ]
        unsigned = b";\r\n\t".join(tags)
        signed_part = b"\r\n".join(
            [
                *last_of_each(header_fields(head + b"\r\n"), SIGNED_HEADERS),
                relaxed_header(b"DKIM-Signature", b" " + unsigned),
            ]
        )
        signature = self.private_key.sign(signed_part, padding.PKCS1v15(), hashes.SHA256())
        encoded = base64.b64encode(signature)
        lines = [encoded[at : at + SIGNATURE_LINE] for at in range(0, len(encoded), SIGNATURE_LINE)]
        return b"DKIM-Signature: " + unsigned + b"\r\n\t".join(lines) + b"\r\n" + data


def read_private_key(path: str) -> rsa.RSAPrivateKey:
    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except OSError as error:
        raise DkimSettingError(f"DKIM_PRIVATE_KEY_FILE {path}: {error.strerror}") from error
    except (ValueError, TypeError) as error:
        raise DkimSettingError(f"DKIM_PRIVATE_KEY_FILE {path} is not a PEM RSA key") from error
    if not isinstance(key, rsa.RSAPrivateKey):
        raise DkimSettingError(f"DKIM_PRIVATE_KEY_FILE {path} is not a PEM RSA key")
    return key


def signing_settings(config: dict) -> tuple[str, str, str] | None:
    """(key file, selector, domain) when DKIM is set up, else None."""
    key_file, selector = config.get("DKIM_PRIVATE_KEY_FILE"), config.get("DKIM_SELECTOR")
    if not (key_file and selector):
        return None
    return key_file, selector, signing_domain(config)


def signing_domain(config: dict) -> str:
    """DKIM_DOMAIN, or the domain of MAIL_DEFAULT_SENDER."""
    sender_domain = parseaddr(config.get("MAIL_DEFAULT_SENDER") or "")[1].rpartition("@")[2]
    return config.get("DKIM_DOMAIN") or sender_domain


def signer_for(app: Flask) -> Signer | None:
    """The signer for the app's settings, made once (the key is read when they change)."""
    settings = signing_settings(app.config)
    cached = app.extensions.get(SIGNER_KEY)
    if cached is not None and cached[0] == settings:
        return cached[1]
    signer = None
    if settings is not None:
        key_file, selector, domain = settings
        signer = Signer(selector.encode(), domain.encode(), read_private_key(key_file))
    app.extensions[SIGNER_KEY] = (settings, signer)
    return signer


def check_signing_key(app: Flask) -> None:
    """Read the DKIM key at start-up, so that a bad one stops the app, not the first send."""
    signer_for(app)


def current_signer() -> Signer | None:
    return signer_for(current_app)


def signed(data: bytes) -> bytes:
    """The message signed if DKIM is set up, as it is otherwise."""
    signer = current_signer()
    return data if signer is None else signer.sign(data)


def signed_message(message: OutgoingMessage | None) -> OutgoingMessage | None:
    """A built message signed if DKIM is set up (None stays None)."""
    if message is None:
        return None
    return replace(message, data=signed(message.data))

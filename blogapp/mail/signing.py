"""DKIM: with DKIM_PRIVATE_KEY_FILE and DKIM_SELECTOR set, every message is signed
(rsa-sha256, relaxed/relaxed) just before it goes, for the domain of the From address
(or DKIM_DOMAIN), so that mailbox providers can tie the mail to the blog's domain."""

from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path

import dkim
from dkim.crypto import parse_pem_private_key
from flask import Flask, current_app

#: The headers the signature covers (those a message lacks are signed as absent).
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


class DkimSettingError(ValueError):
    """DKIM_PRIVATE_KEY_FILE names no key that can be read and parsed."""


@dataclass(frozen=True)
class Signer:
    selector: bytes
    domain: bytes
    private_key: bytes

    def sign(self, data: bytes) -> bytes:
        """``data`` with a DKIM-Signature header in front."""
        signature = dkim.sign(
            data,
            self.selector,
            self.domain,
            self.private_key,
            canonicalize=(b"relaxed", b"relaxed"),
            include_headers=list(SIGNED_HEADERS),
        )
        return signature + data


def read_private_key(path: str) -> bytes:
    try:
        key = Path(path).read_bytes()
        parse_pem_private_key(key)
    except OSError as error:
        raise DkimSettingError(f"DKIM_PRIVATE_KEY_FILE {path}: {error.strerror}") from error
    except Exception as error:
        raise DkimSettingError(f"DKIM_PRIVATE_KEY_FILE {path} is not a PEM RSA key") from error
    return key


def signing_settings(config: dict) -> tuple[str, str, str] | None:
    """(key file, selector, domain) when DKIM is set up, else None."""
    key_file, selector = config.get("DKIM_PRIVATE_KEY_FILE"), config.get("DKIM_SELECTOR")
    if not (key_file and selector):
        return None
    sender_domain = parseaddr(config.get("MAIL_DEFAULT_SENDER") or "")[1].rpartition("@")[2]
    return key_file, selector, config.get("DKIM_DOMAIN") or sender_domain


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

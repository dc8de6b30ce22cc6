"""DKIM keys: making one for the blog, and the DNS record that publishes its public half.

``flask mail dkim-key --selector S`` writes a new 2048-bit RSA key into the instance
folder (0600) and prints the TXT record to publish at ``S._domainkey.<domain>``; the DNS
check on /admin/mail compares what is published with the key in use.
"""

import base64
import re
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from ..instance_files import write_private_file

KEY_BITS = 2048
#: A selector is one or more DNS labels.
SELECTOR = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9-]{1,63})*")
#: Characters per quoted string in a zone file's TXT record (each may hold 255).
TXT_STRING = 250


class KeyExists(FileExistsError):
    """A key file for this selector is there already."""


def key_path(instance: Path, selector: str) -> Path:
    """Where the key for ``selector`` is kept: ``instance/dkim-<selector>.pem``."""
    return instance / f"dkim-{selector}.pem"


def public_key_text(private_key: rsa.RSAPrivateKey) -> str:
    """The public key as DKIM's p= tag carries it (base64 of the DER SubjectPublicKeyInfo)."""
    der = private_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(der).decode()


def dns_record(private_key: rsa.RSAPrivateKey) -> str:
    """The TXT record that publishes the key: ``v=DKIM1; k=rsa; p=…``."""
    return f"v=DKIM1; k=rsa; p={public_key_text(private_key)}"


def zone_file_strings(record: str) -> str:
    """The record as quoted strings short enough for a zone file (TXT strings hold 255)."""
    parts = [record[at : at + TXT_STRING] for at in range(0, len(record), TXT_STRING)]
    return " ".join(f'"{part}"' for part in parts)


def write_new_key(path: Path, replace: bool = False) -> rsa.RSAPrivateKey:
    """Make a new key and write it to ``path`` as a 0600 PEM file; KeyExists if a file is
    there and ``replace`` is not given."""
    if path.exists() and not replace:
        raise KeyExists(str(path))
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    write_private_file(path, pem, exclusive=not replace)
    return key

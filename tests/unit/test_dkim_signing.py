"""The DKIM signer's canonical forms: whatever the message's whitespace, folding or repeated
headers, dkimpy verifies the signature, and a changed body or signed header breaks it."""

import base64

import dkim
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from blogapp.mail.signing import Signer, relaxed_body, relaxed_header

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
PUBLIC = KEY.public_key().public_bytes(
    serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
)
RECORD = b"v=DKIM1; k=rsa; p=" + base64.b64encode(PUBLIC)
SIGNER = Signer(b"sel", b"blog.example", KEY)

MESSAGES = {
    "plain": b"From: a@blog.example\r\nTo: b@example.org\r\nSubject: Hi\r\n\r\nHello.\r\n",
    "folded and spaced": (
        b"From:  On Probation\r\n\t<a@blog.example>\r\nTo: b@example.org \r\n"
        b"Subject: A  long\r\n  subject\t here\r\nList-Id: <digest.blog.example>\r\n\r\n"
        b"Line  with   spaces \t\r\n\r\ntrailing\t\r\n\r\n\r\n"
    ),
    "repeated header": (
        b"From: a@blog.example\r\nTo: b@example.org\r\nSubject: first\r\n"
        b"Subject: second\r\n\r\nBody\r\n"
    ),
    "empty body": b"From: a@blog.example\r\nTo: b@example.org\r\n\r\n",
}


def verifies(data: bytes) -> bool:
    return dkim.verify(data, dnsfunc=lambda name, timeout=5: RECORD)


@pytest.mark.parametrize("name", MESSAGES)
def test_signed_messages_verify_with_dkimpy(name):
    assert verifies(SIGNER.sign(MESSAGES[name]))


def test_a_changed_body_or_signed_header_fails():
    signed = SIGNER.sign(MESSAGES["plain"])
    assert not verifies(signed.replace(b"Hello.", b"Hello!"))
    assert not verifies(signed.replace(b"Subject: Hi", b"Subject: Pay now"))
    assert not verifies(signed.replace(b"\r\n\r\n", b"\r\nList-Unsubscribe: <x>\r\n\r\n", 1))


def test_relaxed_forms_follow_rfc_6376():
    assert relaxed_header(b"SubJect ", b" A \t b\r\n c ") == b"subject:A b c"
    assert relaxed_body(b" a  b \r\n\r\n") == b" a b\r\n"
    assert relaxed_body(b"\r\n\r\n") == b""

"""Amazon SNS as the tests play it: a signing certificate of our own, served over real
https (by a server whose certificate a test CA signed), and messages signed as SNS signs
them (SignatureVersion 1: SHA1, 2: SHA256, RSA PKCS#1 v1.5)."""

import base64
import datetime
import ipaddress
import json
import ssl
import threading
import uuid
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from blogapp.mail.webhooks.sns import string_to_sign

TOPIC = "arn:aws:sns:eu-west-1:123456789012:blog-bounces"
CERT_PATH = "/SimpleNotificationService-test.pem"
SIGNATURE_HASHES = {"1": hashes.SHA1, "2": hashes.SHA256}


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def certificate(
    subject: str, key: rsa.RSAPrivateKey, issuer_name: str, issuer_key: rsa.RSAPrivateKey,
    is_ca: bool = False, ip: str | None = None,
) -> x509.Certificate:  # fmt: skip
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer_name)]))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=is_ca, path_length=None), critical=True)
    )
    if ip is not None:
        san = x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(ip))])
        builder = builder.add_extension(san, critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


@dataclass
class FakeSns:
    """The https server SNS would be: the signing certificate, and SubscribeURL's page."""

    folder: Path
    signing_key: rsa.RSAPrivateKey = field(default_factory=new_key)
    requests: Counter = field(default_factory=Counter)
    server: ThreadingHTTPServer | None = None

    def start(self) -> None:
        ca_key, server_key = new_key(), new_key()
        ca = certificate("Test CA", ca_key, "Test CA", ca_key, is_ca=True)
        server_cert = certificate("127.0.0.1", server_key, "Test CA", ca_key, ip="127.0.0.1")
        self.signing_cert = certificate("sns.test", self.signing_key, "Test CA", ca_key)
        (self.folder / "ca.pem").write_bytes(pem(ca))
        (self.folder / "server.pem").write_bytes(pem(server_cert))
        (self.folder / "server.key").write_bytes(
            server_key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.folder / "server.pem", self.folder / "server.key")
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self.handler())
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def ca_file(self) -> str:
        return str(self.folder / "ca.pem")

    @property
    def base(self) -> str:
        return f"https://127.0.0.1:{self.server.server_address[1]}"

    def handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = self.path.split("?")[0]
                fake.requests[path] += 1
                body = pem(fake.signing_cert) if path == CERT_PATH else b"<ok/>"
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                return None

        return Handler

    def sign(self, message: dict, version: str = "1", key: rsa.RSAPrivateKey | None = None) -> dict:
        """``message`` with SignatureVersion, SigningCertURL and Signature, as SNS sends it."""
        message = {**message, "SignatureVersion": version}
        message["SigningCertURL"] = message.get("SigningCertURL", self.base + CERT_PATH)
        signature = (key or self.signing_key).sign(
            string_to_sign(message), padding.PKCS1v15(), SIGNATURE_HASHES[version]()
        )
        message["Signature"] = base64.b64encode(signature).decode()
        return message

    def subscription_confirmation(self) -> dict:
        return {
            "Type": "SubscriptionConfirmation",
            "MessageId": str(uuid.uuid4()),
            "Token": "2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a",
            "TopicArn": TOPIC,
            "Message": f"You have chosen to subscribe to the topic {TOPIC}.",
            "SubscribeURL": f"{self.base}/?Action=ConfirmSubscription&TopicArn={TOPIC}&Token=2336",
            "Timestamp": "2026-12-07T04:00:00.000Z",
        }


def ses_notification(inner: dict, topic: str = TOPIC) -> dict:
    """An SNS Notification carrying an SES notification (unsigned)."""
    return {
        "Type": "Notification",
        "MessageId": str(uuid.uuid4()),
        "TopicArn": topic,
        "Message": json.dumps(inner),
        "Timestamp": "2026-12-07T04:00:00.000Z",
        "UnsubscribeURL": "https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe",
    }


def ses_mail(source: str, recipient: str) -> dict:
    return {
        "timestamp": "2026-12-07T03:59:00.000Z",
        "source": source,
        "messageId": "0102018c-test",
        "destination": [recipient],
    }


def ses_bounce(source: str, recipient: str, bounce_type: str = "Permanent") -> dict:
    status = "5.1.1" if bounce_type == "Permanent" else "4.2.2"
    return {
        "notificationType": "Bounce",
        "bounce": {
            "bounceType": bounce_type,
            "bounceSubType": "General",
            "bouncedRecipients": [
                {"emailAddress": recipient, "action": "failed", "status": status}
            ],
            "timestamp": "2026-12-07T04:00:00.000Z",
            "feedbackId": "0102018c-feedback",
        },
        "mail": ses_mail(source, recipient),
    }


def ses_complaint(source: str, recipient: str) -> dict:
    return {
        "notificationType": "Complaint",
        "complaint": {
            "complainedRecipients": [{"emailAddress": recipient}],
            "complaintFeedbackType": "abuse",
            "timestamp": "2026-12-07T04:00:00.000Z",
            "feedbackId": "0102018c-complaint",
        },
        "mail": ses_mail(source, recipient),
    }

"""The mail path's settings: where mail goes, how long it may take, and the caps."""

from pathlib import Path
from typing import Any

#: Environment variables read as they are, and the type each one is parsed as.
ENVIRONMENT: dict[str, type] = {
    "MAIL_SERVER": str,
    "MAIL_PORT": int,
    "MAIL_USE_TLS": bool,
    "MAIL_USE_SSL": bool,
    "MAIL_USERNAME": str,
    "MAIL_PASSWORD": str,
    "MAIL_DEFAULT_SENDER": str,
    "MAIL_TIMEOUT": float,
    "MAIL_QUEUE_SECONDS": int,
    "MAIL_PER_ADDRESS_PER_DAY": int,
    "MAIL_CATCHER_PORT": int,
    "BOUNCE_ADDRESS": str,
    "DKIM_PRIVATE_KEY_FILE": str,
    "DKIM_SELECTOR": str,
    "DKIM_DOMAIN": str,
    "MAIL_CATCHER": bool,
    "BOUNCE_SOFT_LIMIT": int,
    "BOUNCE_SOFT_DAYS": int,
    "MAILGUN_WEBHOOK_SIGNING_KEY": str,
    "POSTMARK_WEBHOOK_SECRET": str,
    "SES_SNS_TOPIC_ARNS": str,
    "DNS_RESOLVER_ADDRESS": str,
    "DNS_CHECK_SECONDS": float,
}


def defaults(instance: Path) -> dict[str, Any]:
    return {
        "MAIL_SERVER": None,
        "MAIL_PORT": 25,
        "MAIL_DEFAULT_SENDER": None,
        #: Seconds any SMTP exchange (connect, each command) may take before it is given up.
        "MAIL_TIMEOUT": 10,
        #: How often the background sender sends what pages have queued.
        "MAIL_QUEUE_SECONDS": 30,
        #: Attempts at one queued message before a temporary SMTP error counts as a failure.
        "MAIL_MAX_ATTEMPTS": 6,
        #: Messages anyone can cause by typing an address (confirmation, reset, address
        #: change) that one address may get in 24 hours; past it they are not sent.
        "MAIL_PER_ADDRESS_PER_DAY": 3,
        #: Where ``make run``'s local SMTP catcher listens when MAIL_SERVER is not set.
        "MAIL_CATCHER_PORT": 8025,
        #: Let a command other than ``make run`` catch mail in the outbox when MAIL_SERVER is
        #: not set (without it, such a command refuses to start rather than keep mail local).
        "MAIL_CATCHER": False,
        "MAIL_OUTBOX_FOLDER": str(instance / "outbox"),
        #: Where bounces go; each message's envelope sender is made from it (``verp``).
        "BOUNCE_ADDRESS": None,
        #: DKIM signing: a PEM RSA key, its selector, and the domain (From's by default).
        "DKIM_PRIVATE_KEY_FILE": None,
        "DKIM_SELECTOR": None,
        "DKIM_DOMAIN": None,
        #: Temporary failures in a row (no message getting through in between) that
        #: suppress an address, and the days they must span at least.
        "BOUNCE_SOFT_LIMIT": 3,
        "BOUNCE_SOFT_DAYS": 7,
        #: Mailgun's "HTTP webhook signing key"; its webhook answers 404 while unset.
        "MAILGUN_WEBHOOK_SIGNING_KEY": None,
        #: Seconds a Mailgun signature stays good (older ones are refused as replays).
        "MAILGUN_WEBHOOK_MAX_AGE": 300,
        #: The secret in Postmark's webhook URL (or its basic-auth password); 404 while unset.
        "POSTMARK_WEBHOOK_SECRET": None,
        #: SNS topics (ARNs, comma-separated) whose SES notifications are taken; 404 while
        #: unset, and a message from any other topic is refused.
        "SES_SNS_TOPIC_ARNS": None,
        #: Where SNS signing certificates may come from: https only, from these hosts.
        "SNS_CERT_HOST_PATTERN": r"sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?",
        #: How many requests a minute one address may make to the webhooks.
        "MAIL_WEBHOOK_LIMIT": "600 per minute",
        #: The editors' DNS check: seconds each lookup may take, and a resolver to ask
        #: ("host" or "host:port") instead of the system's.
        "DNS_CHECK_SECONDS": 3,
        "DNS_RESOLVER_ADDRESS": None,
    }

"""The editors' DNS check: whether the records that let mailbox providers trust the blog's
mail are published: SPF at the From domain, the DKIM key at ``<selector>._domainkey.<domain>`` (and
whether it is the key the blog signs with), and DMARC at ``_dmarc.<domain>``.

Only an editor's button runs it, never a page load. Each lookup has DNS_CHECK_SECONDS; once
one finds no DNS at all, the rest are not tried, and the answer says so.
DNS_RESOLVER_ADDRESS ("host" or "host:port") points the check at one resolver instead of
the system's (tests run a small DNS server of their own).
"""

import base64
import binascii
import logging
from dataclasses import dataclass
from email.utils import parseaddr

import dns.exception
import dns.resolver
from cryptography.hazmat.primitives.serialization import load_der_public_key
from flask import current_app

from .signing import current_signer, signing_domain

log = logging.getLogger(__name__)

#: What a lookup that reached no DNS raises.
UNREACHABLE = (
    dns.exception.Timeout,
    dns.resolver.NoNameservers,
    dns.resolver.NoResolverConfiguration,
    OSError,
)
#: What a lookup that found nothing raises.
NOTHING_THERE = (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer, dns.resolver.YXDOMAIN)


class DnsUnreachable(Exception):
    """No resolver answered."""


@dataclass(frozen=True)
class Finding:
    """What one record says, in plain words."""

    record: str
    name: str
    ok: bool
    words: str
    published: str = ""


@dataclass(frozen=True)
class DnsReport:
    findings: list[Finding]
    #: Why nothing (or not everything) could be looked up, when DNS did not answer.
    unreachable: str | None = None


def make_resolver() -> dns.resolver.Resolver:
    """The system's resolver, or the one DNS_RESOLVER_ADDRESS names; DNS_CHECK_SECONDS each."""
    address = current_app.config.get("DNS_RESOLVER_ADDRESS")
    resolver = dns.resolver.Resolver(configure=not address)
    if address:
        host, _, port = address.rpartition(":") if ":" in address else (address, "", "53")
        resolver.nameservers = [host]
        resolver.port = int(port)
    resolver.lifetime = resolver.timeout = current_app.config["DNS_CHECK_SECONDS"]
    return resolver


def txt_records(resolver: dns.resolver.Resolver, name: str) -> list[str]:
    """The TXT records at ``name`` (each one's strings joined); [] when there are none."""
    try:
        answer = resolver.resolve(name, "TXT", search=False)
    except NOTHING_THERE:
        return []
    except UNREACHABLE as error:
        raise DnsUnreachable(str(error) or type(error).__name__) from error
    return [b"".join(rdata.strings).decode("utf-8", "replace") for rdata in answer]


def starting_with(records: list[str], prefix: str) -> list[str]:
    return [record for record in records if record.lower().startswith(prefix.lower())]


def check_spf(resolver: dns.resolver.Resolver, domain: str) -> Finding:
    found = starting_with(txt_records(resolver, domain), "v=spf1")
    if not found:
        return Finding(
            "SPF",
            domain,
            False,
            f"No SPF record at {domain}. Publish a TXT record there naming the servers that "
            'send the blog\'s mail, such as "v=spf1 mx -all".',
        )
    if len(found) > 1:
        return Finding(
            "SPF",
            domain,
            False,
            f"{domain} has {len(found)} SPF records; receivers count that as an error. "
            "Merge them into one.",
            " | ".join(found),
        )
    return Finding("SPF", domain, True, "An SPF record is published.", found[0])


def tags(record: str) -> dict[str, str]:
    pairs = (part.split("=", 1) for part in record.split(";") if "=" in part)
    return {name.strip().lower(): "".join(value.split()) for name, value in pairs}


def same_key(published: str) -> bool | None:
    """Whether a p= value is the public half of the key the blog signs with (None: unreadable)."""
    try:
        key = load_der_public_key(base64.b64decode(published, validate=True))
        return key.public_numbers() == current_signer().private_key.public_key().public_numbers()
    except (ValueError, binascii.Error, TypeError, AttributeError):
        return None


def check_dkim(resolver: dns.resolver.Resolver, _from_domain: str) -> Finding:
    """The key at the selector of the signing domain (DKIM_DOMAIN, or From's)."""
    config = current_app.config
    selector, domain = config.get("DKIM_SELECTOR"), signing_domain(config)
    if not (selector and config.get("DKIM_PRIVATE_KEY_FILE")):
        return Finding(
            "DKIM",
            "",
            False,
            "The blog does not sign its mail: run `flask mail dkim-key --selector NAME` and "
            "set what it prints.",
        )
    name = f"{selector}._domainkey.{domain}"
    records = txt_records(resolver, name)
    found = starting_with(records, "v=DKIM1") or [record for record in records if "p=" in record]
    if not found:
        return Finding(
            "DKIM",
            name,
            False,
            f"No DKIM key is published at {name}. Publish the record "
            "`flask mail dkim-key` printed, or mail signed by the blog cannot be verified.",
        )
    published = tags(found[0]).get("p", "")
    match = same_key(published) if published else None
    if not published:
        words, ok = f"The DKIM key at {name} is revoked (its p= is empty).", False
    elif match is None:
        words, ok = f"The DKIM record at {name} holds no key that can be read.", False
    elif not match:
        words, ok = (
            f"The key published at {name} does not match the blog's private key "
            f"(DKIM_PRIVATE_KEY_FILE): receivers will reject the signatures. Publish the "
            "record for this key, or point the settings at the key that was published.",
            False,
        )
    else:
        words, ok = "The published DKIM key matches the key the blog signs with.", True
    return Finding("DKIM", name, ok, words, found[0])


def check_dmarc(resolver: dns.resolver.Resolver, domain: str) -> Finding:
    name = f"_dmarc.{domain}"
    found = starting_with(txt_records(resolver, name), "v=DMARC1")
    if not found:
        return Finding(
            "DMARC",
            name,
            False,
            f"No DMARC record at {name}. Publish one, such as "
            f'"v=DMARC1; p=none; rua=mailto:postmaster@{domain}", so that providers know '
            "what to do with mail that fails SPF and DKIM.",
        )
    policy = tags(found[0]).get("p", "none")
    return Finding(
        "DMARC", name, True, f"A DMARC record is published (policy: {policy}).", found[0]
    )


def from_domain() -> str:
    return parseaddr(current_app.config.get("MAIL_DEFAULT_SENDER") or "")[1].rpartition("@")[2]


def check_mail_dns() -> DnsReport:
    """Look up SPF, DKIM and DMARC for the blog's mail; never raises for DNS trouble."""
    domain = from_domain()
    findings: list[Finding] = []
    try:
        resolver = make_resolver()
        for check in (check_spf, check_dkim, check_dmarc):
            findings.append(check(resolver, domain))
    except (DnsUnreachable, *UNREACHABLE) as error:
        log.warning("The DNS check found no DNS: %s", error)
        left = "the rest was not checked" if findings else "nothing could be checked"
        return DnsReport(
            findings,
            "DNS could not be reached from the server (no answer within "
            f"{current_app.config['DNS_CHECK_SECONDS']} seconds), so {left}. Try again later.",
        )
    return DnsReport(findings)

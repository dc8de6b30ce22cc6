"""A tiny DNS server on 127.0.0.1 for tests: answers TXT queries from a dict over UDP, in a
thread, with dnspython building the replies; and a port that takes queries and never
answers (DNS out of reach)."""

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import dns.message
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset

#: The longest string a TXT record holds; longer records are split, as zone files do.
TXT_STRING = 255


def txt_rdata_text(record: str) -> str:
    parts = [record[at : at + TXT_STRING] for at in range(0, len(record), TXT_STRING)]
    return " ".join('"' + part.replace("\\", "\\\\").replace('"', '\\"') + '"' for part in parts)


def answer(query: dns.message.Message, records: dict[str, list[str]]) -> dns.message.Message:
    response = dns.message.make_response(query)
    question = query.question[0]
    name = question.name.to_text().rstrip(".").lower()
    if name not in records:
        response.set_rcode(dns.rcode.NXDOMAIN)
    elif question.rdtype == dns.rdatatype.TXT and records[name]:
        response.answer.append(
            dns.rrset.from_text_list(
                question.name,
                300,
                dns.rdataclass.IN,
                dns.rdatatype.TXT,
                [txt_rdata_text(record) for record in records[name]],
            )
        )
    return response


@dataclass
class DnsServer:
    #: "127.0.0.1:PORT", as DNS_RESOLVER_ADDRESS takes it.
    address: str = ""
    #: The names asked about, in order.
    asked: list[str] = field(default_factory=list)


@contextmanager
def dns_server(records: dict[str, list[str]]) -> Iterator[DnsServer]:
    """Serve TXT ``records`` ({name: [record, …]}) on a free local port."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    listener.bind(("127.0.0.1", 0))
    listener.settimeout(0.1)
    stopping = threading.Event()
    server = DnsServer(f"127.0.0.1:{listener.getsockname()[1]}")

    def serve() -> None:
        while not stopping.is_set():
            try:
                wire, client = listener.recvfrom(4096)
            except TimeoutError:
                continue
            except OSError:
                return
            query = dns.message.from_wire(wire)
            server.asked.append(query.question[0].name.to_text().rstrip("."))
            reply = answer(query, records)
            listener.sendto(reply.to_wire(), client)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        stopping.set()
        thread.join(timeout=1)
        listener.close()


@contextmanager
def silent_dns() -> Iterator[str]:
    """A UDP port that takes queries and never answers; yields "127.0.0.1:PORT"."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    listener.bind(("127.0.0.1", 0))
    try:
        yield f"127.0.0.1:{listener.getsockname()[1]}"
    finally:
        listener.close()

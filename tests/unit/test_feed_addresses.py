"""The feed fetcher connects to the address it checked: a name is looked up once, so an
answer that changes between the check and the connection (DNS rebinding) cannot lead it
into the local network; the name stays in the Host header and the TLS check."""

import socket
from collections.abc import Iterator

import pytest
from support.feed_server import FeedServer, feed_server, self_signed_certificate, tls_context

from blogapp.bulletins.fetching import ConditionalRequest, FeedError, FetchLimits, fetch_feed

FEED_HOST = "feeds.union.example"
#: A public address the tests never expect to reach (no outside network is needed).
PUBLIC_ADDRESS = "93.184.215.14"
PUBLIC_ONLY = FetchLimits(user_agent="On Probation test", timeout=1, max_bytes=10_000)
LOCAL_ALLOWED = FetchLimits(
    user_agent="On Probation test", timeout=2, max_bytes=10_000, allow_private=True
)


class Resolver:
    """Answers for FEED_HOST from a list, one per lookup (the last one repeats); every
    other name, and the address literals sockets are given, resolve as usual."""

    def __init__(self, *answers: str) -> None:
        self.answers = list(answers)
        self.lookups = 0
        self.real = socket.getaddrinfo

    def __call__(self, host, port, *args, **kwargs):
        if host != FEED_HOST:
            return self.real(host, port, *args, **kwargs)
        answer = self.answers[min(self.lookups, len(self.answers) - 1)]
        self.lookups += 1
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answer, port or 80))]


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with feed_server() as running:
        yield running


def feed_url(server: FeedServer, path: str = "/feed") -> str:
    """The server's address for ``path``, under the feed's host name."""
    server.serve(path, "<rss version='2.0'><channel><title>Napo</title></channel></rss>")
    return server.url(path).replace("127.0.0.1", FEED_HOST)


def test_a_second_answer_pointing_inside_is_never_used(server, monkeypatch):
    resolver = Resolver(PUBLIC_ADDRESS, "127.0.0.1")
    monkeypatch.setattr(socket, "getaddrinfo", resolver)

    with pytest.raises(FeedError):
        fetch_feed(ConditionalRequest(feed_url(server)), PUBLIC_ONLY)

    assert server.requests == []
    assert resolver.lookups == 1


def test_a_first_answer_pointing_inside_is_refused(server, monkeypatch):
    monkeypatch.setattr(socket, "getaddrinfo", Resolver("127.0.0.1", PUBLIC_ADDRESS))

    with pytest.raises(FeedError, match="private network"):
        fetch_feed(ConditionalRequest(feed_url(server)), PUBLIC_ONLY)

    assert server.requests == []


def test_the_host_header_keeps_the_name(server, monkeypatch):
    resolver = Resolver("127.0.0.1")
    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    url = feed_url(server)

    document = fetch_feed(ConditionalRequest(url), LOCAL_ALLOWED)

    assert b"Napo" in document.body
    (headers,) = server.requests_to("/feed")
    assert headers["Host"] == url.split("/")[2]
    assert resolver.lookups == 1


@pytest.fixture
def https_server(tmp_path, monkeypatch) -> Iterator[FeedServer]:
    """A feed server over https with a certificate for FEED_HOST, which the fetcher trusts."""
    certificate, key = self_signed_certificate(FEED_HOST, tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate))
    monkeypatch.setattr(socket, "getaddrinfo", Resolver("127.0.0.1"))
    with feed_server(tls=tls_context(certificate, key)) as running:
        yield running


def test_tls_is_checked_against_the_name_not_the_address(https_server):
    document = fetch_feed(ConditionalRequest(feed_url(https_server)), LOCAL_ALLOWED)

    assert b"Napo" in document.body


def test_a_certificate_for_another_name_is_refused(https_server):
    url = feed_url(https_server).replace(FEED_HOST, "localhost")

    with pytest.raises(FeedError, match="CERTIFICATE_VERIFY_FAILED"):
        fetch_feed(ConditionalRequest(url), LOCAL_ALLOWED)

    assert https_server.requests == []

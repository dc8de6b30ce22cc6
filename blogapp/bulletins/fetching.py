"""Fetching a feed over HTTP: conditional GET, web addresses only, bounded in time and size.

The standard library's urllib is enough here (conditional headers, timeouts, redirects);
the limits it lacks, on redirect targets, total time and size, are added below. Each
connection goes to the very address that was checked: a host name is looked up once, and a
second answer (DNS rebinding) never gets a say.
"""

import http.client
import ipaddress
import socket
from dataclasses import dataclass
from functools import partial
from time import monotonic
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit
from urllib.request import (
    HTTPDefaultErrorHandler,
    HTTPErrorProcessor,
    HTTPHandler,
    HTTPRedirectHandler,
    HTTPSHandler,
    OpenerDirector,
    Request,
    UnknownHandler,
)

WEB_SCHEMES = {"http", "https"}
READ_CHUNK = 64 * 1024
ACCEPT = (
    "application/atom+xml, application/rss+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"
)


class FeedError(Exception):
    """A feed could not be fetched or read; the message is what editors are shown."""


class UnknownHost(FeedError):
    """The name has no address now (which may change: it is tried again at each fetch)."""


@dataclass(frozen=True)
class ConditionalRequest:
    """A feed's address and the validators from its last successful fetch."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    #: What may come back: a feed, unless the fetcher is asked for something else (an image).
    accept: str = ACCEPT

    def headers(self, user_agent: str) -> dict[str, str]:
        headers = {"User-Agent": user_agent, "Accept": self.accept}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


@dataclass(frozen=True)
class FeedDocument:
    """A feed as the server sent it (after redirects)."""

    url: str
    body: bytes
    content_type: str | None
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True)
class FetchLimits:
    user_agent: str
    timeout: float
    max_bytes: int
    #: Whether feeds may live on this machine or the local network (tests, intranets).
    allow_private: bool = False


def resolve(host: str, port: int | None) -> list[str]:
    """Every address the name has, as the resolver answers now."""
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise UnknownHost(f"The address {host[:100]} could not be found.") from error
    return list(dict.fromkeys(str(answer[4][0]) for answer in answers))


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return ip.is_global and not ip.is_multicast


def checked_addresses(host: str, port: int | None, limits: FetchLimits) -> list[str]:
    """The addresses to connect to: looked up once, each one on the public web.

    An editor's feed address is fetched by the server, so it must not reach the machine
    itself, the local network or a cloud provider's metadata service.
    """
    addresses = resolve(host, port)
    if not limits.allow_private and not all(is_public(address) for address in addresses):
        raise FeedError(f"The address {host[:100]} is on a private network, not the web.")
    return addresses


def check_public_address(url: str, limits: FetchLimits) -> None:
    """Refuse a web address that leads inside the network the blog runs in."""
    parts = urlsplit(url)
    checked_addresses(parts.hostname or "", parts.port, limits)


def connect_to_checked_address(
    limits: FetchLimits,
    host_and_port: tuple[str, int],
    timeout: float | None = None,
    source_address: tuple[str, int] | None = None,
) -> socket.socket:
    """A socket to one of the addresses the host was checked to have, never to a fresh
    lookup's answer; the name itself stays in the Host header and the TLS check."""
    host, port = host_and_port
    failure: OSError = OSError(f"no address for {host}")
    for address in checked_addresses(host, port, limits):
        try:
            return socket.create_connection((address, port), timeout, source_address)
        except OSError as error:
            failure = error
    raise failure


class PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args, limits: FetchLimits, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # http.client opens its socket through this attribute (HTTPS wraps it afterwards,
        # with the host name for SNI and the certificate check).
        self._create_connection = partial(connect_to_checked_address, limits)


class PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args, limits: FetchLimits, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = partial(connect_to_checked_address, limits)


class PinnedHTTPHandler(HTTPHandler):
    def __init__(self, limits: FetchLimits) -> None:
        super().__init__()
        self.limits = limits

    def http_open(self, req: Request) -> http.client.HTTPResponse:
        return self.do_open(partial(PinnedHTTPConnection, limits=self.limits), req)


class PinnedHTTPSHandler(HTTPSHandler):
    def __init__(self, limits: FetchLimits) -> None:
        super().__init__()
        self.limits = limits

    def https_open(self, req: Request) -> http.client.HTTPResponse:
        return self.do_open(
            partial(PinnedHTTPSConnection, limits=self.limits), req, context=self._context
        )


class WebOnlyRedirects(HTTPRedirectHandler):
    """Follow redirects to public http and https addresses only."""

    def __init__(self, limits: FetchLimits) -> None:
        self.limits = limits

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urlsplit(newurl).scheme.lower() not in WEB_SCHEMES:
            fp.close()
            raise FeedError(f"The feed redirected to {newurl[:200]}, which is not a web address.")
        check_public_address(newurl, self.limits)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def web_opener(limits: FetchLimits) -> OpenerDirector:
    """An opener that speaks http and https only: no file:, ftp: or data: handlers, and no
    proxy (a proxy would look the name up again, past the check)."""
    opener = OpenerDirector()
    for handler in (
        UnknownHandler(),
        PinnedHTTPHandler(limits),
        PinnedHTTPSHandler(limits),
        HTTPDefaultErrorHandler(),
        WebOnlyRedirects(limits),
        HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def read_limited(response: http.client.HTTPResponse, limits: FetchLimits, deadline: float) -> bytes:
    """The body, refused when it is larger than allowed or trickles in past the deadline."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limits.max_bytes:
        raise FeedError(too_large_message(limits.max_bytes))
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read1(READ_CHUNK):  # what one receive brings, so a trickle is seen
        size += len(chunk)
        if size > limits.max_bytes:
            raise FeedError(too_large_message(limits.max_bytes))
        if monotonic() > deadline:
            raise FeedError(timeout_message(limits.timeout))
        chunks.append(chunk)
    return b"".join(chunks)


def too_large_message(max_bytes: int) -> str:
    return f"The feed is larger than the {max_bytes:,} bytes allowed."


def timeout_message(timeout: float) -> str:
    return f"The server did not send the feed within {timeout:g} seconds."


def fetch_feed(request: ConditionalRequest, limits: FetchLimits) -> FeedDocument | None:
    """GET the feed; None when the server says it has not changed (304)."""
    if urlsplit(request.url).scheme.lower() not in WEB_SCHEMES:
        raise FeedError("Only http:// and https:// feeds can be fetched.")
    deadline = monotonic() + limits.timeout
    outgoing = Request(request.url, headers=request.headers(limits.user_agent))  # noqa: S310
    try:
        with web_opener(limits).open(outgoing, timeout=limits.timeout) as response:
            body = read_limited(response, limits, deadline)
            return FeedDocument(
                url=response.geturl(),
                body=body,
                content_type=response.headers.get("Content-Type"),
                etag=response.headers.get("ETag"),
                last_modified=response.headers.get("Last-Modified"),
            )
    except HTTPError as error:
        error.close()
        if error.code == 304:
            return None
        raise FeedError(f"The server answered HTTP {error.code} {error.reason}.") from error
    except TimeoutError as error:
        raise FeedError(timeout_message(limits.timeout)) from error
    except URLError as error:
        if isinstance(error.reason, TimeoutError):
            raise FeedError(timeout_message(limits.timeout)) from error
        raise FeedError(f"Could not connect to the server: {error.reason}.") from error
    except (OSError, http.client.HTTPException, ValueError) as error:
        raise FeedError(f"The connection failed: {error or type(error).__name__}.") from error

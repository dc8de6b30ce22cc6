"""A local HTTP server serving feeds the test writes, honouring conditional GET."""

import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@dataclass
class Route:
    """What the server answers at one path."""

    body: bytes = b""
    content_type: str = "application/rss+xml; charset=utf-8"
    status: int = 200
    etag: str | None = None
    last_modified: str | None = None
    #: Wait this long (or until the server stops) before answering at all.
    delay: float = 0.0
    #: Send the body one byte at a time, this many seconds apart.
    trickle: float = 0.0
    location: str | None = None


@dataclass
class FeedServer:
    routes: dict[str, Route] = field(default_factory=dict)
    #: (path, headers) of every request received.
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)
    address: str = ""

    def url(self, path: str) -> str:
        return f"{self.address}{path}"

    def serve(self, path: str, body: bytes | str = b"", **options: object) -> str:
        """Answer ``path`` with ``body``; returns the full URL."""
        data = body.encode() if isinstance(body, str) else body
        self.routes[path] = Route(body=data, **options)
        return self.url(path)

    def requests_to(self, path: str) -> list[dict[str, str]]:
        return [headers for requested, headers in self.requests if requested == path]


def handler_for(server: FeedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the tests read ``server.requests`` instead."""

        def do_GET(self) -> None:
            server.requests.append((self.path, dict(self.headers.items())))
            route = server.routes.get(self.path)
            if route is None:
                self.send_error(404)
                return
            if route.delay:
                server.stopping.wait(route.delay)
            if self.not_modified(route):
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(route.status)
            self.send_header("Content-Type", route.content_type)
            self.send_header("Content-Length", str(len(route.body)))
            for name, value in (
                ("ETag", route.etag),
                ("Last-Modified", route.last_modified),
                ("Location", route.location),
            ):
                if value:
                    self.send_header(name, value)
            self.end_headers()
            self.send_body(route)

        def not_modified(self, route: Route) -> bool:
            etag = self.headers.get("If-None-Match")
            since = self.headers.get("If-Modified-Since")
            if route.etag and etag is not None:
                return etag == route.etag
            return bool(route.last_modified and since == route.last_modified)

        def send_body(self, route: Route) -> None:
            if not route.trickle:
                self.wfile.write(route.body)
                return
            for index in range(len(route.body)):
                if server.stopping.is_set():
                    return
                self.wfile.write(route.body[index : index + 1])
                self.wfile.flush()
                time.sleep(route.trickle)

    return Handler


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that gave up (a timeout test) is expected; nothing to report."""


@contextmanager
def feed_server(tls: ssl.SSLContext | None = None) -> Iterator[FeedServer]:
    """A server on 127.0.0.1; over https with ``tls`` (a server-side context)."""
    server = FeedServer()
    httpd = QuietServer(("127.0.0.1", 0), handler_for(server))
    if tls is not None:
        httpd.socket = tls.wrap_socket(httpd.socket, server_side=True)
    scheme = "https" if tls is not None else "http"
    server.address = f"{scheme}://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stopping.set()
        httpd.shutdown()
        thread.join(timeout=10)
        httpd.server_close()


def self_signed_certificate(name: str, folder: Path) -> tuple[Path, Path]:
    """A certificate for the host ``name`` and its key, made by openssl."""
    certificate, key = folder / f"{name}.pem", folder / f"{name}.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(certificate), "-subj", f"/CN={name}",
         "-addext", f"subjectAltName=DNS:{name},IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    return certificate, key


def tls_context(certificate: Path, key: Path) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate, key)
    return context

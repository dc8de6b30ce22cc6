"""A small asyncio HTTP/1.1 client for the load test: one connection per request, cookies kept.

Light on purpose: on a 2-core machine every cycle the load generator spends is taken from the
server it measures. Each request opens a connection, sends ``Connection: close`` (gunicorn's
sync workers close it anyway) and reads the answer to the end, timing all of it.
"""

import asyncio
import re
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
REQUEST_TIMEOUT = 30.0


class TransportError(Exception):
    """No HTTP answer: the connection was refused, reset or timed out."""


@dataclass
class Answer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    seconds: float

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key.lower() == name), None)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


@dataclass
class Browser:
    """One visitor: its own cookies, sent with every request it makes."""

    cookies: dict[str, str] = field(default_factory=dict)

    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def keep_cookies(self, answer: Answer) -> None:
        for key, value in answer.headers:
            if key.lower() != "set-cookie":
                continue
            pair, _, attributes = value.partition(";")
            name, _, content = pair.strip().partition("=")
            expired = "max-age=0" in attributes.lower().replace(" ", "") or not content
            if expired:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = content


def request_bytes(
    host: str, method: str, path: str, cookie: str, form: dict[str, str] | None
) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", "Connection: close",
             "Accept-Encoding: identity", "User-Agent: blogapp-load"]  # fmt: skip
    if cookie:
        lines.append(f"Cookie: {cookie}")
    body = urlencode(form).encode() if form is not None else b""
    if form is not None:
        lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def dechunk(body: bytes) -> bytes:
    parts, rest = [], body
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        parts.append(rest[:size])
        rest = rest[size + 2 :]
    return b"".join(parts)


def parse_answer(raw: bytes, seconds: float) -> Answer:
    head, separator, body = raw.partition(b"\r\n\r\n")
    if not separator:
        raise TransportError("the connection closed before the headers ended")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = [tuple(part.strip() for part in line.split(":", 1)) for line in header_lines]
    answer = Answer(int(status_line.split()[1]), headers, body, seconds)
    if (answer.header("transfer-encoding") or "").lower() == "chunked":
        answer.body = dechunk(body)
    return answer


async def exchange(host: str, port: int, payload: bytes) -> bytes:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(payload)
        await writer.drain()
        return await reader.read()
    finally:
        writer.close()


async def fetch(
    address: tuple[str, int],
    browser: Browser,
    path: str,
    form: dict[str, str] | None = None,
) -> Answer:
    """GET ``path`` (POST ``form`` when given) as ``browser``; redirects are not followed."""
    host, port = address
    method = "GET" if form is None else "POST"
    payload = request_bytes(f"{host}:{port}", method, path, browser.cookie_header(), form)
    started = time.perf_counter()
    try:
        raw = await asyncio.wait_for(exchange(host, port, payload), REQUEST_TIMEOUT)
    except (OSError, TimeoutError) as error:
        raise TransportError(f"{method} {path}: {error!r}") from error
    answer = parse_answer(raw, time.perf_counter() - started)
    browser.keep_cookies(answer)
    return answer


def csrf_token(page: str) -> str | None:
    match = CSRF_INPUT.search(page)
    return match.group(1) if match else None

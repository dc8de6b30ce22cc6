"""The commands an operator runs, as deploy/ and the README give them, and a small crawler
that reads every page a served blog links to."""

import json
import shlex
import subprocess
import time
import urllib.error
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from support.services import REPO_ROOT

DEPLOY = REPO_ROOT / "deploy"
#: The steps the Dockerfile, compose.yaml and the systemd units take, in their words.
BUILD_WHEEL = ("pip", "wheel", "--no-deps", "--wheel-dir", "dist", ".")
MIGRATE = ("flask", "--app", "blogapp", "db", "upgrade")
SCHEDULER = ("flask", "--app", "blogapp", "scheduler")
SERVE_IN_CONTAINER = (
    "gunicorn",
    "--bind",
    "0.0.0.0:8000",
    "--workers",
    "4",
    "--access-logfile",
    "-",
    "--forwarded-allow-ips",
    "*",
    "blogapp.wsgi:app",
)
#: Links a crawl must not follow: they change state or leave the blog.
NOT_FOLLOWED = ("/logout", "mailto:", "javascript:")


class LinkCollector(HTMLParser):
    """Every href and src on a page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


def links_on(page: str, address: str) -> list[str]:
    collector = LinkCollector()
    collector.feed(page)
    return [urljoin(address, link).split("#")[0] for link in collector.links]


def fetch(address: str) -> tuple[int, str, str]:
    """Status, content type and text of ``address`` (redirects followed)."""
    try:
        with urllib.request.urlopen(address, timeout=30) as response:  # noqa: S310 - local test server
            return response.status, response.headers.get_content_type(), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get_content_type(), error.read().decode()


def crawl(base: str, limit: int = 120) -> dict[str, int]:
    """Read the blog from its home page outwards; returns each address read and its status."""
    origin = urlsplit(base).netloc
    seen: dict[str, int] = {}
    waiting = [base + "/"]
    while waiting and len(seen) < limit:
        address = waiting.pop(0)
        if address in seen:
            continue
        status, content_type, text = fetch(address)
        seen[address] = status
        if content_type != "text/html":
            continue
        for link in links_on(text, address):
            followed = urlsplit(link).netloc == origin and not any(
                marker in link for marker in NOT_FOLLOWED
            )
            if followed and link not in seen:
                waiting.append(link)
    return seen


def wait_until_serving(address: str, process: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server stopped with {process.returncode}")
        try:
            urllib.request.urlopen(address + "/healthz", timeout=2)  # noqa: S310 - local
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"nothing answered at {address} within {seconds} s")


def dockerfile_commands() -> list[tuple[str, ...]]:
    """The Dockerfile's RUN lines and its CMD, each split as a shell would."""
    commands = []
    for line in (REPO_ROOT / "Dockerfile").read_text().splitlines():
        if line.startswith("RUN "):
            commands.extend(tuple(shlex.split(step)) for step in line[4:].split("&&"))
        if line.startswith("CMD "):
            commands.append(tuple(json.loads(line[4:])))
    return commands


def unit_exec_start(unit: Path) -> tuple[str, ...]:
    """A systemd unit's ExecStart, without the virtual environment's folder."""
    for line in unit.read_text().splitlines():
        if line.startswith("ExecStart="):
            program, *arguments = shlex.split(line.removeprefix("ExecStart="))
            return (Path(program).name, *arguments)
    raise AssertionError(f"{unit.name} has no ExecStart")

"""``make run``'s server, started as a person starts it: links follow the port it serves on
unless SITE_URL says otherwise (and then it says so once), and a busy port is named."""

import os
import re
import signal
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from support.database import copy_sqlite_template
from support.digests import wait_for
from support.smtp import free_port

from blogapp.serve import listening_address

pytestmark = pytest.mark.slow

#: Settings a developer's shell may hold that would change what these servers do.
UNSET = ("SITE_URL", "MAIL_SERVER", "DATABASE_URL", "SECRET_KEY", "BLOGAPP_INSTANCE_PATH")


@pytest.fixture
def serve_environment(sqlite_template: Path, tmp_path: Path) -> dict[str, str]:
    environment = {name: value for name, value in os.environ.items() if name not in UNSET}
    return {
        **environment,
        "BLOGAPP_INSTANCE_PATH": str(tmp_path / "instance"),
        "DATABASE_URL": copy_sqlite_template(sqlite_template, tmp_path / "blog.db"),
        "SECRET_KEY": "a-serve-test-key-that-is-long-enough",
        "MAIL_CATCHER_PORT": str(free_port()),
    }


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
            return response.status == 200
    except OSError:
        return False


@contextmanager
def flask_serve(
    environment: dict[str, str], port: int, stop_with: int = signal.SIGTERM
) -> Iterator[list[str]]:
    """``flask serve`` on ``port`` until the block ends (then ``stop_with`` stops it); yields
    what it printed, once it answers (the list is filled in when the server has stopped,
    its last line its exit code)."""
    command = [sys.executable, "-m", "flask", "--app", "blogapp", "serve", "--port", str(port)]
    server = subprocess.Popen(
        command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    printed: list[str] = []
    try:
        assert wait_for(
            lambda: answers(f"http://127.0.0.1:{port}/healthz") or server.poll() is not None
        )
        yield printed
    finally:
        server.send_signal(stop_with)
        output, _ = server.communicate(timeout=30)
        printed += [*output.splitlines(), f"exit code {server.returncode}"]


def robots_txt(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/robots.txt", timeout=5) as response:
        return response.read().decode()


def test_links_follow_the_port_served_on_when_site_url_is_unset(serve_environment):
    port = free_port()
    with flask_serve(serve_environment, port) as printed:
        robots = robots_txt(port)

    assert f"Sitemap: http://127.0.0.1:{port}/sitemap.xml" in robots
    assert f"is at http://127.0.0.1:{port}/" in "\n".join(printed)
    assert not [line for line in printed if "SITE_URL is" in line]


def test_a_site_url_elsewhere_is_kept_and_said_once(serve_environment):
    port = free_port()
    environment = {**serve_environment, "SITE_URL": "https://blog.example.org"}
    with flask_serve(environment, port) as printed:
        robots = robots_txt(port)
        robots_txt(port)

    assert "Sitemap: https://blog.example.org/sitemap.xml" in robots
    warnings = [line for line in printed if "SITE_URL is https://blog.example.org" in line]
    assert len(warnings) == 1
    assert f"this server listens on http://127.0.0.1:{port}" in warnings[0]


def test_waitress_serves_logs_each_request_and_stops_cleanly_on_ctrl_c(serve_environment):
    port = free_port()
    with flask_serve(serve_environment, port, stop_with=signal.SIGINT) as printed:
        robots_txt(port)

    output = "\n".join(printed)
    assert "development server" not in output
    assert "Do not use it in a production deployment" not in output
    assert re.search(
        r"blogapp.access: GET /robots.txt 200 [0-9.]+ ms pid=\d+ from 127.0.0.1", output
    )
    assert "Scheduler has been shut down" in output
    assert "Running job" not in output
    assert printed[-2:] == ["  Stopped.", "exit code 0"]
    assert "Traceback" not in output


def test_a_busy_port_is_named_before_anything_starts(serve_environment):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        command = [sys.executable, "-m", "flask", "--app", "blogapp", "serve", "--port", str(port)]
        result = subprocess.run(
            command, env=serve_environment, capture_output=True, text=True, timeout=60
        )

    assert result.returncode != 0
    assert f"Port {port} is busy" in result.stderr
    assert f"make run PORT={port + 1}" in result.stderr
    assert "is at http" not in result.stdout


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("127.0.0.1", "http://127.0.0.1:8000"),
        ("0.0.0.0", "http://127.0.0.1:8000"),  # noqa: S104 - a host name given, not bound
        ("::", "http://[::1]:8000"),
        ("::1", "http://[::1]:8000"),
        ("blog.lan", "http://blog.lan:8000"),
    ],
)
def test_links_name_an_address_a_browser_can_open(host, address):
    assert listening_address(host, 8000) == address

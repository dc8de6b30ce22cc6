"""/metrics under gunicorn with several workers (each replaced after 30 requests, so many
processes answer): with PROMETHEUS_MULTIPROC_DIR set, whichever
worker answers the scrape reports every worker's requests."""

import os
import re
import secrets
import subprocess
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from support.database import copy_sqlite_template
from support.digests import wait_for
from support.smtp import free_port

pytestmark = pytest.mark.slow

PROJECT = Path(__file__).resolve().parents[2]
TOKEN = "a-long-metrics-token-for-tests"
REQUESTS = 240


def fetch(url: str, headers: dict[str, str] | None = None) -> str:
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - loopback
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
        return response.read().decode()


def answers(url: str) -> bool:
    try:
        fetch(url)
    except OSError:
        return False
    return True


def robots_requests(exposition: str) -> float:
    for family in text_string_to_metric_families(exposition):
        for sample in family.samples:
            if sample.name == "blogapp_http_requests_total" and sample.labels == {
                "endpoint": "blog.robots",
                "method": "GET",
                "status": "200",
            }:
                return sample.value
    return 0


def test_every_workers_requests_are_counted_whichever_answers(sqlite_template, tmp_path):
    metrics_folder = tmp_path / "metrics"
    metrics_folder.mkdir()
    port = free_port()
    environment = {
        **{name: value for name, value in os.environ.items() if not name.startswith("BLOGAPP")},
        "BLOGAPP_INSTANCE_PATH": str(tmp_path / "instance"),
        "DATABASE_URL": copy_sqlite_template(sqlite_template, tmp_path / "blog.db"),
        "SECRET_KEY": secrets.token_hex(32),
        "SITE_URL": f"http://127.0.0.1:{port}",
        "ALLOW_HTTP": "1",
        "MAIL_SERVER": "127.0.0.1",
        "METRICS_TOKEN": TOKEN,
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_folder),
    }
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-w",
        "3",
        "--max-requests",
        "30",
        "-b",
        f"127.0.0.1:{port}",
        "blogapp.wsgi:app",
    ]
    server = subprocess.Popen(
        command,
        cwd=PROJECT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        assert wait_for(lambda: answers(f"{base}/healthz") or server.poll() is not None)
        with ThreadPoolExecutor(max_workers=24) as threads:
            list(threads.map(lambda _: fetch(f"{base}/robots.txt"), range(REQUESTS)))
        scrapes = [fetch(f"{base}/metrics", {"Authorization": f"Bearer {TOKEN}"}) for _ in range(6)]
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)

    served_by = set(re.findall(r"GET /robots.txt 200 [0-9.]+ ms pid=(\d+)", output))
    assert len(served_by) >= 2
    assert [robots_requests(scrape) for scrape in scrapes] == [REQUESTS] * len(scrapes)

"""The blog as an operator installs it: a wheel built from the checkout, installed in a fresh
virtual environment, run from an empty folder with the commands deploy/ gives."""

import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest
from support.deployment import BUILD_WHEEL, MIGRATE, SERVE_IN_CONTAINER, crawl, wait_until_serving
from support.services import REPO_ROOT
from support.smtp import free_port

pytestmark = pytest.mark.slow

#: What a copy of the checkout for building leaves out (as .dockerignore does).
NOT_BUILT_FROM = (".git", ".venv", "instance", "bench", "tests", "build", "dist", "*.egg-info")


def build_wheel(folder: Path) -> Path:
    """The Dockerfile's build step, on a copy of the checkout.

    Without build isolation: the suite's environment already has setuptools, and the test
    then needs no package index.
    """
    source = folder / "source"
    shutil.copytree(REPO_ROOT, source, ignore=shutil.ignore_patterns(*NOT_BUILT_FROM))
    command = [sys.executable, "-m", *BUILD_WHEEL[:2], "--no-build-isolation", *BUILD_WHEEL[2:]]
    subprocess.run(command, cwd=source, check=True, capture_output=True, timeout=300)
    (wheel,) = (source / "dist").glob("blogapp-*.whl")
    return wheel


def fresh_environment(folder: Path, wheel: Path) -> Path:
    """A new virtual environment with ``wheel`` installed, borrowing this one's dependencies.

    Its site-packages gets a path file naming ours, so the libraries are found without a
    download; our editable blogapp is not, because path files inside a borrowed folder are
    not read. The path file comes after the install, so pip never sees our blogapp.
    """
    venv.create(folder, with_pip=False)
    python = folder / "bin" / "python"
    subprocess.run(
        [
            *(sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet"),
            *("--no-deps", "--no-index", str(wheel)),
        ],
        env=without_python_path(),
        check=True,
        capture_output=True,
        timeout=300,
    )
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    Path(purelib, "borrowed-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return python


def without_python_path() -> dict[str, str]:
    """This environment, less PYTHONPATH: a checkout on it would look like blogapp installed."""
    return {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}


def operator_environment(site: Path, port: int) -> dict[str, str]:
    """Only what an operator sets: none of the suite's own variables, no checkout on the path."""
    kept = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("BLOGAPP_", "FLASK_", "TEST_", "PYTHON"))
        and name not in ("SECRET_KEY", "DATABASE_URL", "SITE_URL")
    }
    return kept | {
        "SECRET_KEY": "an-operator-key-that-is-long-and-random-enough-9f8e7d6c5b4a",
        "DATABASE_URL": f"sqlite:///{site / 'blog.db'}",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "ALLOW_HTTP": "1",
    }


def as_module(command: tuple[str, ...], python: Path) -> list[str]:
    """``flask …`` or ``gunicorn …`` run by the environment's Python."""
    program, *arguments = command
    return [str(python), "-m", program, *arguments]


def served_here(command: tuple[str, ...], port: int) -> tuple[str, ...]:
    """The container's command, bound to a local port with two workers."""
    replaced = {"0.0.0.0:8000": f"127.0.0.1:{port}", "4": "2"}
    return tuple(replaced.get(argument, argument) for argument in command)


@pytest.fixture
def installed(tmp_path):
    """blogapp installed from its wheel in a fresh environment; yields (python, site)."""
    python = fresh_environment(tmp_path / "venv", build_wheel(tmp_path / "build"))
    site = tmp_path / "site"
    site.mkdir()
    return python, site


def test_the_wheel_installs_and_serves_every_page_outside_the_checkout(installed, tmp_path):
    python, site = installed
    port = free_port()
    environment = operator_environment(site, port)

    def run(*command: str) -> str:
        return subprocess.run(
            command, cwd=site, env=environment, check=True, capture_output=True, text=True
        ).stdout

    where = run(str(python), "-c", "import blogapp; print(blogapp.__file__)")
    assert str(tmp_path / "venv") in where
    run(*as_module(MIGRATE, python))
    run(*as_module(("flask", "--app", "blogapp", "demo"), python))
    server = subprocess.Popen(
        as_module(served_here(SERVE_IN_CONTAINER, port), python),
        cwd=site,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_until_serving(f"http://127.0.0.1:{port}", server)
        statuses = crawl(f"http://127.0.0.1:{port}")
    finally:
        server.send_signal(signal.SIGTERM)
        log = server.communicate(timeout=60)[0]
    broken = {address: status for address, status in statuses.items() if status != 200}
    assert not broken, log[-3000:]
    assert len(statuses) > 40
    assert any(address.endswith("/static/css/site.css") for address in statuses)
    assert "TemplateNotFound" not in log
    assert '"GET / HTTP/1.1" 200' in log
    assert (tmp_path / "venv" / "var" / "blogapp-instance").is_dir()

"""Browser tests: the app served on a real port, Chromium driven by Playwright (SQLite only)."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from support.browser import CHROMIUM, CHROMIUM_ARGS, serving
from support.database import copy_sqlite_template
from support.services import skip_or_fail
from support.smtp import free_port


@pytest.fixture
def database_url(tmp_path: Path, sqlite_template: Path) -> str:
    """Browser tests run on SQLite only: they test pages, not databases."""
    return copy_sqlite_template(sqlite_template, tmp_path / "blog.db")


@pytest.fixture
def live_port() -> int:
    return free_port()


@pytest.fixture
def app_config(app_config: dict, live_port: int) -> dict:
    """Links in mail and feeds point at the live server."""
    return {**app_config, "SITE_URL": f"http://127.0.0.1:{live_port}"}


@pytest.fixture
def live_server(app, live_port: int) -> Iterator[str]:
    with serving(app, live_port) as address:
        yield address


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        skip_or_fail(f"Chromium is not installed at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("Playwright is not installed")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server: str):
    """A fresh browser tab whose relative URLs go to the live server."""
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()

"""A live server in a thread and Debian's Chromium driven by Playwright."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def serving(app: Flask, port: int) -> Iterator[str]:
    """Serve ``app`` on 127.0.0.1:``port`` in a background thread."""
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


def signed_in_tab(browser, live_server: str, cast, role: str, viewport: dict | None = None):
    """A browser tab carrying the session cookie of ``role``'s test client in ``cast``."""
    size = viewport or {"width": 1280, "height": 900}
    context = browser.new_context(base_url=live_server, viewport=size)
    cookie = cast.clients[role].get_cookie("session")
    if cookie is not None:
        context.add_cookies([{"name": "session", "value": cookie.value, "url": live_server}])
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    return tab

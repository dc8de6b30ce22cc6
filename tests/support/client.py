"""A test client that fills in CSRF tokens the way a browser's form would."""

import re

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

CSRF_INPUT = re.compile(
    r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"'
)


class BlogClient(FlaskClient):
    """``submit`` reads the token from the page the form is on, then posts the form.

    Each request runs in an application context of its own, as it does in a server, even
    though the test itself holds one open: ``g`` (where Flask-Login keeps the current user)
    and the database session are never carried from one request to the next.
    """

    def open(self, *args, **kwargs) -> TestResponse:
        with self.application.app_context():
            return super().open(*args, **kwargs)

    def csrf_token(self, page: str) -> str:
        response = self.get(page)
        match = CSRF_INPUT.search(response.get_data(as_text=True))
        if match is None:
            raise AssertionError(f"no CSRF token on {page} ({response.status})")
        return match.group(1) or match.group(2)

    def submit(
        self, url: str, data: dict | None = None, *, page: str | None = None, **kwargs
    ) -> TestResponse:
        token = self.csrf_token(page or url)
        return self.post(url, data={**(data or {}), "csrf_token": token}, **kwargs)

    def login(self, email: str, password: str, **kwargs) -> TestResponse:
        return self.submit(
            "/auth/login", {"email": email, "password": password}, page="/auth/login", **kwargs
        )

    def logout(self) -> TestResponse:
        return self.submit("/auth/logout", page="/")

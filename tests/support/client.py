"""A test client that fills in CSRF tokens the way a browser's form would."""

import re

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

CSRF_INPUT = re.compile(
    r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"'
)
#: When the form was shown, signed: a browser sends it back with the form.
SHOWN_AT_INPUT = re.compile(r'name="form_shown_at"[^>]*value="([^"]+)"')


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
        return self.form_fields(page)["csrf_token"]

    def form_fields(self, page: str) -> dict[str, str]:
        """The hidden fields a browser would send back with the (first) form on ``page``."""
        response = self.get(page)
        html = response.get_data(as_text=True)
        match = CSRF_INPUT.search(html)
        if match is None:
            raise AssertionError(f"no CSRF token on {page} ({response.status})")
        fields = {"csrf_token": match.group(1) or match.group(2)}
        shown_at = SHOWN_AT_INPUT.search(html)
        if shown_at is not None:
            fields["form_shown_at"] = shown_at.group(1)
        return fields

    def submit(
        self, url: str, data: dict | None = None, *, page: str | None = None, **kwargs
    ) -> TestResponse:
        hidden = self.form_fields(page or url)
        data = {**hidden, **(data or {}), "csrf_token": hidden["csrf_token"]}
        return self.post(url, data=data, **kwargs)

    def login(self, email: str, password: str, **kwargs) -> TestResponse:
        return self.submit(
            "/auth/login", {"email": email, "password": password}, page="/auth/login", **kwargs
        )

    def logout(self) -> TestResponse:
        return self.submit("/auth/logout", page="/")

"""Showing email HTML to editors safely: in a sandboxed frame, under a strict policy."""

from flask import make_response
from werkzeug.wrappers import Response

#: The page and the sandboxed ``srcdoc`` frame (which inherits it): no scripts, no remote
#: images or fonts, no forms posting elsewhere; inline styles allowed, as mail needs them.
PREVIEW_POLICY = "; ".join(
    (
        "default-src 'none'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    )
)


def with_strict_preview_policy(page: str) -> Response:
    response = make_response(page)
    response.headers["Content-Security-Policy"] = PREVIEW_POLICY
    return response

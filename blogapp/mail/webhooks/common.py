"""What the provider modules share: the refusal, and reading a JSON body safely."""

import hmac
import json
from typing import Any

#: The most of a webhook body that is read; providers send a few kilobytes.
MAX_BODY_BYTES = 256 * 1024


class Refused(Exception):
    """A call that is not what it claims to be; the message says why (for the log)."""


def json_object(body: bytes) -> dict[str, Any]:
    """The body as a JSON object, or Refused."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise Refused("the body is not JSON") from error
    if not isinstance(data, dict):
        raise Refused("the body is not a JSON object")
    return data


def same_secret(given: str | None, expected: str) -> bool:
    """Whether ``given`` is ``expected``, compared in constant time."""
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


def text(value: object) -> str:
    """A JSON value as text ('' for nothing)."""
    return "" if value is None else str(value)

"""Test accounts: the password every test account gets (import it from here, not conftest).

``from conftest import …`` is ambiguous once tests/browser has a conftest of its own.
"""

TEST_PASSWORD = "correct horse battery staple"


class SigningClock:
    """The time signed links are stamped with and checked against (itsdangerous reads it
    through ``TimestampSigner.get_timestamp``); tests move it instead of waiting."""

    def __init__(self, now: int) -> None:
        self.now = now

    def advance(self, seconds: float) -> None:
        self.now += int(seconds)

"""Test accounts: the password every test account gets (import it from here, not conftest).

``from conftest import …`` is ambiguous once tests/browser has a conftest of its own.
"""

TEST_PASSWORD = "correct horse battery staple"

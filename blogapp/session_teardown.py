"""Closing each request's database session with the garbage collector paused (CPython 3.11).

CPython 3.11 has a use-after-free (fixed in 3.12): when the cyclic garbage collector runs
while an attribute is being added to an object whose instance dictionary is about to be
built, and a weak-reference callback of that same object changes it, the interpreter reads
freed memory. SQLAlchemy meets exactly that when a session closes: it sets attributes on
every instance state while the objects themselves are cyclic garbage whose weak-reference
callbacks write to those states. Under load the worker crashes with a segmentation fault.
Pausing the collector for the moment the session closes avoids it; it runs again right after.
"""

import gc
import sys
from collections.abc import Callable

from flask import Flask

from .extensions import db

NEEDS_PAUSED_COLLECTOR = sys.version_info < (3, 12)


def close_with_collector_paused(remove: Callable[[], None]) -> None:
    """Run ``remove`` with the cyclic collector off, restoring it as it was."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        remove()
    finally:
        if was_enabled:
            gc.enable()


def close_session(_error: BaseException | None = None) -> None:
    close_with_collector_paused(db.session.remove)


def register_session_teardown(app: Flask) -> None:
    """Close the session before Flask-SQLAlchemy's own teardown would (it then has nothing left)."""
    if NEEDS_PAUSED_COLLECTOR:
        app.teardown_appcontext(close_session)

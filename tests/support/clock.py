"""A fake clock for the app's own idea of now (``blogapp.dates.utcnow``).

Every blogapp module that imported ``utcnow`` is pointed at the clock, wherever the function
has moved to, so pages, caches and operations agree on the time while the test moves it.
Column defaults bound to ``utcnow`` when the models were defined keep the real time.
"""

import sys
from datetime import datetime, timedelta

import pytest

from blogapp import dates


class AppClock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


def stop_the_app_clock(monkeypatch: pytest.MonkeyPatch, start: datetime) -> AppClock:
    clock = AppClock(start)
    real = dates.utcnow
    for name, module in list(sys.modules.items()):
        if name.split(".")[0] == "blogapp" and getattr(module, "utcnow", None) is real:
            monkeypatch.setattr(module, "utcnow", clock)
    return clock

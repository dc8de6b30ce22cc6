"""Helpers for digest tests: a fixed clock around the 24 September 2016 digest."""

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from blogapp.extensions import db
from blogapp.models import DeliveryState, DigestDelivery, DigestRun, User

#: Saturday 24 September 2016, 10:00 in London: after that day's 07:00 (06:00 UTC) digest.
SATURDAY = datetime(2016, 9, 24, 9, 0, tzinfo=UTC)
#: The window of the first run at SATURDAY: Friday 07:00 to Saturday 07:00, London time.
WINDOW_START = datetime(2016, 9, 23, 6, 0, tzinfo=UTC)
WINDOW_END = datetime(2016, 9, 24, 6, 0, tzinfo=UTC)
#: Friday evening, 21:42 in London: inside the window.
FRIDAY_EVENING = datetime(2016, 9, 23, 20, 42, tzinfo=UTC)


def at(moment: datetime) -> Callable[[], datetime]:
    """A clock stopped at ``moment``."""
    return lambda: moment


def later(minutes: int) -> Callable[[], datetime]:
    return at(SATURDAY + timedelta(minutes=minutes))


def deliveries() -> dict[str, DigestDelivery]:
    """Every delivery, by the subscriber's address."""
    db.session.expire_all()
    rows = db.session.execute(
        select(User.email, DigestDelivery).join(User, User.id == DigestDelivery.user_id)
    )
    return dict(rows.all())


def states() -> dict[str, DeliveryState]:
    return {email: delivery.state for email, delivery in deliveries().items()}


def runs() -> list[DigestRun]:
    db.session.expire_all()
    return list(db.session.scalars(select(DigestRun).order_by(DigestRun.window_end)))


def wait_for(condition, seconds: float = 30) -> bool:
    """Poll ``condition`` until it holds (True) or ``seconds`` pass (False)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False

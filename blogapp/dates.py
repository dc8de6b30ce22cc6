"""Times are stored in UTC and shown in the blog's zone, in the blog's own style."""

from datetime import MAXYEAR, UTC, date, datetime
from functools import cache
from zoneinfo import ZoneInfo

from flask import Flask, current_app

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


@cache
def zone_named(name: str) -> ZoneInfo:
    """A cached ZoneInfo, so formatting a page of dates does not reload tz data."""
    return ZoneInfo(name)


def blog_zone() -> ZoneInfo:
    """The zone readers see times in (``BLOG_TIMEZONE``, Europe/London by default)."""
    return zone_named(current_app.config["BLOG_TIMEZONE"])


def to_local(moment: datetime) -> datetime:
    """``moment`` in the blog's zone."""
    return moment.astimezone(blog_zone())


def local_date(moment: datetime) -> date:
    """The calendar day ``moment`` falls on for readers."""
    return to_local(moment).date()


def month_name(month: int) -> str:
    """January for 1."""
    return MONTH_NAMES[month - 1]


def format_day_heading(day: date | datetime) -> str:
    """'Saturday, 24 September 2016'."""
    if isinstance(day, datetime):
        day = local_date(day)
    return f"{DAY_NAMES[day.weekday()]}, {day.day} {month_name(day.month)} {day.year}"


def format_date(moment: datetime) -> str:
    """'24 September 2016', in the blog's zone."""
    day = local_date(moment)
    return f"{day.day} {month_name(day.month)} {day.year}"


def format_time(moment: datetime) -> str:
    """'22:42', in the blog's zone."""
    return f"{to_local(moment):%H:%M}"


def format_date_time(moment: datetime, zone: ZoneInfo | None = None) -> str:
    """'19 June 2014 at 22:42', as comment threads show it (``zone`` saves looking it up)."""
    local = moment.astimezone(zone or blog_zone())
    return f"{local.day} {MONTH_NAMES[local.month - 1]} {local.year} at {local:%H:%M}"


#: Where time runs out: the end of a period that closes after the year 9999.
END_OF_TIME = datetime.max.replace(tzinfo=UTC)
#: Where time begins: the start of a day that began before 1 January of the year 1 in UTC.
START_OF_TIME = datetime.min.replace(tzinfo=UTC)


def local_midnight(day: date) -> datetime:
    """The UTC instant at which ``day`` begins for readers (the first instant there is, for
    the year 1's first day in a zone ahead of UTC)."""
    try:
        return datetime(day.year, day.month, day.day, tzinfo=blog_zone()).astimezone(UTC)
    except OverflowError:
        return START_OF_TIME


def local_month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """[start, end) in UTC of a calendar month in the blog's zone."""
    next_year, next_month = year + month // 12, month % 12 + 1
    return local_midnight(date(year, month, 1)), start_of_month(next_year, next_month)


def local_year_bounds(year: int) -> tuple[datetime, datetime]:
    """[start, end) in UTC of a calendar year in the blog's zone."""
    return local_midnight(date(year, 1, 1)), start_of_month(year + 1, 1)


def start_of_month(year: int, month: int) -> datetime:
    """When a month begins in UTC; a month after the year 9999 has not begun by the end."""
    return local_midnight(date(year, month, 1)) if year <= MAXYEAR else END_OF_TIME


def parse_local_datetime(text: str) -> datetime:
    """A 'YYYY-MM-DDTHH:MM' typed in the blog's zone, as an aware UTC datetime."""
    naive = datetime.fromisoformat(text)
    if naive.tzinfo is not None:
        return naive.astimezone(UTC)
    return naive.replace(tzinfo=blog_zone()).astimezone(UTC)


def format_local_input(moment: datetime | None) -> str:
    """The value a ``datetime-local`` input shows for ``moment``."""
    return f"{to_local(moment):%Y-%m-%dT%H:%M}" if moment else ""


def register_date_filters(app: Flask) -> None:
    """Make the formats available to templates."""
    app.add_template_filter(format_day_heading, "day_heading")
    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_time, "time")
    app.add_template_filter(format_date_time, "date_time")
    app.add_template_filter(month_name, "month_name")
    app.add_template_filter(lambda moment: moment.isoformat(), "iso")

"""Dates in the blog's style and zone."""

from datetime import UTC, date, datetime

import pytest
from flask import Flask

from blogapp.dates import (
    END_OF_TIME,
    START_OF_TIME,
    format_date_time,
    format_day_heading,
    format_time,
    local_month_bounds,
    local_year_bounds,
    parse_local_datetime,
)


@pytest.fixture(autouse=True)
def blog_zone():
    app = Flask("dates")
    app.config["BLOG_TIMEZONE"] = "Europe/London"
    with app.app_context():
        yield


def test_day_heading_in_the_blogs_style():
    assert format_day_heading(date(2016, 9, 24)) == "Saturday, 24 September 2016"


def test_summer_times_are_shown_in_british_summer_time():
    moment = datetime(2014, 6, 19, 21, 42, tzinfo=UTC)

    assert format_time(moment) == "22:42"
    assert format_date_time(moment) == "19 June 2014 at 22:42"


def test_winter_times_are_shown_in_greenwich_mean_time():
    moment = datetime(2014, 12, 19, 22, 42, tzinfo=UTC)

    assert format_date_time(moment) == "19 December 2014 at 22:42"


def test_month_bounds_are_local_midnights_in_utc():
    start, end = local_month_bounds(2016, 9)

    assert start == datetime(2016, 8, 31, 23, 0, tzinfo=UTC)
    assert end == datetime(2016, 9, 30, 23, 0, tzinfo=UTC)
    assert local_month_bounds(2016, 12)[1] == datetime(2017, 1, 1, 0, 0, tzinfo=UTC)


def test_the_last_month_a_date_holds_runs_to_the_end_of_time():
    assert local_month_bounds(9999, 12) == (datetime(9999, 12, 1, tzinfo=UTC), END_OF_TIME)
    assert local_year_bounds(9999)[1] == END_OF_TIME


def test_the_first_year_begins_at_the_start_of_time_in_a_zone_ahead_of_utc():
    app = Flask("tokyo")
    app.config["BLOG_TIMEZONE"] = "Asia/Tokyo"
    with app.app_context():
        assert local_year_bounds(1)[0] == START_OF_TIME


def test_typed_local_times_are_stored_in_utc():
    assert parse_local_datetime("2016-07-01T09:30") == datetime(2016, 7, 1, 8, 30, tzinfo=UTC)
    assert parse_local_datetime("2016-01-01T09:30") == datetime(2016, 1, 1, 9, 30, tzinfo=UTC)

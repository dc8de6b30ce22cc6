"""The stand-in a process keeps while the shared cache is away: short-lived and bounded."""

from datetime import timedelta

from support.clock import stop_the_app_clock

from blogapp.caching.stand_in import StandInCache
from blogapp.dates import utcnow

LIFETIME = timedelta(seconds=5)


def test_a_value_lives_for_the_lifetime_whatever_timeout_it_was_given(monkeypatch):
    clock = stop_the_app_clock(monkeypatch, utcnow())
    stand_in = StandInCache(LIFETIME, kept=10)
    stand_in.set("generation", "g1", timeout=0)
    stand_in.set_many({"page": "p1"}, timeout=3600)

    clock.advance(LIFETIME - timedelta(seconds=1))
    assert stand_in.get_many("generation", "page") == ["g1", "p1"]
    clock.advance(timedelta(seconds=1))
    assert stand_in.get_many("generation", "page") == [None, None]
    assert not stand_in.has("page")


def test_add_keeps_what_is_there_until_it_expires(monkeypatch):
    clock = stop_the_app_clock(monkeypatch, utcnow())
    stand_in = StandInCache(LIFETIME, kept=10)

    assert stand_in.add("generation", "first")
    assert not stand_in.add("generation", "second")
    assert stand_in.get("generation") == "first"
    clock.advance(LIFETIME)
    assert stand_in.add("generation", "third")
    assert stand_in.get("generation") == "third"


def test_the_least_recently_used_goes_first_when_it_is_full():
    stand_in = StandInCache(LIFETIME, kept=2)
    stand_in.set("a", 1)
    stand_in.set("b", 2)
    stand_in.get("a")
    stand_in.set("c", 3)

    assert stand_in.get_many("a", "b", "c") == [1, None, 3]

"""The throttle's arithmetic: how long a key waits, given its newest failures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from broker.services.login_throttle import key_of, wait_for

START = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def at(second: float) -> datetime:
    return START + timedelta(seconds=second)


def test_under_the_limit_a_key_may_try_at_once() -> None:
    assert wait_for([at(20), at(10)], 3, 60, at(21)) == 0


def test_at_the_limit_a_key_waits_until_its_limit_th_newest_failure_ages_out() -> None:
    newest_first = [at(20), at(10), at(0)]
    assert wait_for(newest_first, 3, 60, at(20.5)) == 39.5
    assert wait_for([at(60), *newest_first], 3, 60, at(61)) == 9  # at(10) ages out at 70
    assert wait_for(newest_first, 3, 60, at(60)) == 0


def test_a_limit_of_zero_throttles_nothing() -> None:
    assert wait_for([at(s) for s in range(100, 0, -1)], 0, 60, at(100)) == 0


def test_keys_are_fixed_size_digests_of_the_text() -> None:
    assert key_of("ann") == key_of("ann") != key_of("Ann")
    assert len(key_of("u" * 1_000_000)) == len(key_of("")) == 32
    assert "ann" not in key_of("ann")

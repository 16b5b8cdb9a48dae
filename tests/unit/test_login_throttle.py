"""Throttling of failed logins: per username, per address, over a window, bounded in memory."""

from __future__ import annotations

from broker.services.login_throttle import LoginThrottle


def test_trust_08_a_username_over_its_limit_waits_until_its_oldest_failure_ages_out() -> None:
    throttle = LoginThrottle(per_user=3, per_address=100, window=60)
    for second in (0, 10, 20):
        assert throttle.retry_after("ann", "10.0.0.1", second) == 0
        throttle.failed("ann", "10.0.0.1", second)
    assert throttle.retry_after("ann", "10.0.0.2", 20.5) == 40  # ceil(0 + 60 - 20.5)
    assert throttle.retry_after("bob", "10.0.0.2", 20.5) == 0
    assert throttle.retry_after("ann", "10.0.0.2", 60) == 0  # the first failure aged out
    throttle.failed("ann", "10.0.0.2", 60)
    assert throttle.retry_after("ann", "10.0.0.2", 61) == 9


def test_trust_08_an_address_over_its_limit_waits_whatever_username_it_tries() -> None:
    throttle = LoginThrottle(per_user=100, per_address=2, window=30)
    throttle.failed("x1", "10.0.0.9", 0)
    throttle.failed("x2", "10.0.0.9", 1)
    assert throttle.retry_after("carl", "10.0.0.9", 2) == 28
    assert throttle.retry_after("carl", "10.0.0.8", 2) == 0


def test_trust_08_a_success_clears_the_usernames_failures_not_the_addresses() -> None:
    throttle = LoginThrottle(per_user=2, per_address=3, window=60)
    throttle.failed("ann", "10.0.0.1", 0)
    throttle.succeeded("ann")
    throttle.failed("ann", "10.0.0.1", 1)
    assert throttle.retry_after("ann", "10.0.0.2", 2) == 0
    throttle.failed("bob", "10.0.0.1", 2)
    assert throttle.retry_after("carl", "10.0.0.1", 3) == 57


def test_trust_08_a_limit_of_zero_throttles_nothing() -> None:
    throttle = LoginThrottle(per_user=0, per_address=0, window=60)
    for second in range(100):
        throttle.failed("ann", "10.0.0.1", second)
    assert throttle.retry_after("ann", "10.0.0.1", 100) == 0
    assert throttle.tracked() == (0, 0)


def test_trust_08_memory_stays_bounded_however_many_names_fail() -> None:
    """At most `max_keys` usernames and addresses, each with at most `limit` failure times."""
    throttle = LoginThrottle(per_user=3, per_address=3, window=60, max_keys=100)
    for index in range(10_000):
        throttle.failed("u" * 10_000 + str(index), f"10.{index // 256}.{index % 256}.1", 1)
    assert throttle.tracked() == (100, 100)
    # The most recent failures are the ones kept.
    for _ in range(5):
        throttle.failed("ann", "10.0.0.1", 2)
    assert throttle.retry_after("ann", "192.0.2.1", 3) == 59

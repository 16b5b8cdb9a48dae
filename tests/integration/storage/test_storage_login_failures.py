"""Failed logins counted in the database: every broker on it sees the same counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from broker.services.login_throttle import LoginThrottle
from broker.storage.interface import Storage

START = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def at(second: float) -> datetime:
    return START + timedelta(seconds=second)


async def test_trust_08_a_username_over_its_limit_waits_until_its_oldest_failure_ages_out(
    storage: Storage,
) -> None:
    throttle = LoginThrottle(storage, per_user=3, per_address=100, window=60)
    for second in (0, 10, 20):
        assert await throttle.retry_after("ann", "10.0.0.1", at(second)) == (0, second > 0)
        await throttle.failed("ann", "10.0.0.1", at(second))
    assert await throttle.retry_after("ann", "10.0.0.2", at(20.5)) == (40, True)
    assert await throttle.retry_after("bob", "10.0.0.2", at(20.5)) == (0, False)
    assert (await throttle.retry_after("ann", "10.0.0.2", at(60)))[0] == 0  # the first aged out
    await throttle.failed("ann", "10.0.0.2", at(60))
    assert (await throttle.retry_after("ann", "10.0.0.2", at(61)))[0] == 9


async def test_trust_08_an_address_over_its_limit_waits_whatever_username_it_tries(
    storage: Storage,
) -> None:
    throttle = LoginThrottle(storage, per_user=100, per_address=2, window=30)
    await throttle.failed("x1", "10.0.0.9", at(0))
    await throttle.failed("x2", "10.0.0.9", at(1))
    assert await throttle.retry_after("carl", "10.0.0.9", at(2)) == (28, False)
    assert await throttle.retry_after("carl", "10.0.0.8", at(2)) == (0, False)


async def test_trust_08_a_success_clears_the_usernames_failures_not_the_addresses(
    storage: Storage,
) -> None:
    throttle = LoginThrottle(storage, per_user=2, per_address=3, window=60)
    await throttle.failed("ann", "10.0.0.1", at(0))
    await throttle.succeeded("ann")
    await throttle.failed("ann", "10.0.0.1", at(1))
    assert await throttle.retry_after("ann", "10.0.0.2", at(2)) == (0, True)
    await throttle.failed("bob", "10.0.0.1", at(2))
    assert (await throttle.retry_after("carl", "10.0.0.1", at(3)))[0] == 57


async def test_trust_08_two_brokers_on_one_database_count_the_same_failures(
    storage: Storage,
) -> None:
    one = LoginThrottle(storage, per_user=3, per_address=100, window=60)
    other = LoginThrottle(storage, per_user=3, per_address=100, window=60)
    await one.failed("ann", "10.0.0.1", at(0))
    await other.failed("ann", "10.0.0.2", at(1))
    await one.failed("ann", "10.0.0.3", at(2))
    assert (await other.retry_after("ann", "10.0.0.4", at(3)))[0] == 57


async def test_trust_08_failures_out_of_the_window_are_deleted_as_new_ones_come(
    storage: Storage,
) -> None:
    throttle = LoginThrottle(storage, per_user=3, per_address=3, window=60)
    for index in range(200):
        await throttle.failed(f"user{index}", f"10.0.{index}.1", at(index))
    counted = await _rows(storage)
    # A failure at 199 s deletes those before 139 s: 60 windows' worth stay, each of 2 keys.
    assert counted == 2 * 61


async def test_trust_08_a_limit_of_zero_throttles_and_stores_nothing(storage: Storage) -> None:
    throttle = LoginThrottle(storage, per_user=0, per_address=0, window=60)
    for second in range(20):
        await throttle.failed("ann", "10.0.0.1", at(second))
    assert await throttle.retry_after("ann", "10.0.0.1", at(20)) == (0, False)
    assert await _rows(storage) == 0


async def _rows(storage: Storage) -> int:
    async with storage.transaction() as tx:
        return int(await tx._db.fetchval("SELECT count(*) FROM login_failures"))  # type: ignore[attr-defined]

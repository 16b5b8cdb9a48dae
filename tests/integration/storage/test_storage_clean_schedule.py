"""The clean schedule (`ACCORD_CLEAN_SCHEDULE`) on both backends: one cleaner at a time through
`Storage.exclusive`, a turn skipped while another holds it, and the loop cleaning until stopped."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from broker.clean_schedule import LOCK, CleanSchedule
from broker.domain.audit import AuditFilters
from broker.domain.model import Environment, Page
from broker.settings import Settings
from broker.storage.factory import open_storage
from broker.storage.interface import Storage
from tests.integration.storage.test_storage_retention import history, numbers


def settings(interval: float) -> Settings:
    return Settings(
        database_url="unused:",
        clean_schedule=interval,
        clean_options=("--keep-latest-per-branch", "1", "--batch-size", "2"),
    )


async def audited(storage: Storage) -> list[str]:
    async with storage.transaction() as tx:
        entries, _ = await tx.list_audit_entries(
            AuditFilters(action="retention.clean"), Page(number=1, size=10)
        )
    return [e.record.actor for e in entries]


async def test_a_named_lock_has_one_holder_at_a_time(storage: Storage) -> None:
    async with storage.exclusive(LOCK) as first:
        async with storage.exclusive(LOCK) as second:
            assert (first, second) == (True, False)
        async with storage.exclusive("another lock") as other:
            assert other
    async with storage.exclusive(LOCK) as again:
        assert again


async def test_two_postgresql_brokers_share_the_lock(clean_postgres_database_url: str) -> None:
    one = await open_storage(clean_postgres_database_url)
    two = await open_storage(clean_postgres_database_url)
    try:
        async with one.exclusive(LOCK) as first, two.exclusive(LOCK) as second:
            assert (first, second) == (True, False)
        async with two.exclusive(LOCK) as later:
            assert later
    finally:
        await one.close()
        await two.close()


async def test_a_turn_is_skipped_while_another_broker_cleans(
    storage: Storage, environment: Environment, now: datetime
) -> None:
    h = await history(storage, environment, now)
    schedule = CleanSchedule(storage, settings(3600), lambda: now + timedelta(days=1))
    async with storage.exclusive(LOCK):
        assert await schedule.run_once() is None
    assert "w1" in await numbers(storage, h.web)
    report = await schedule.run_once()
    assert report is not None
    assert report.totals.versions == 5
    assert "w1" not in await numbers(storage, h.web)
    assert await audited(storage) == ["schedule:clean"]


async def test_the_schedule_cleans_each_interval_until_stopped(
    storage: Storage, environment: Environment, now: datetime
) -> None:
    h = await history(storage, environment, now)
    schedule = CleanSchedule(storage, settings(0.05), lambda: now + timedelta(days=1))
    running = asyncio.create_task(schedule.run())
    try:
        async with asyncio.timeout(60):
            while len(await audited(storage)) < 2:  # the second clean finds nothing more
                await asyncio.sleep(0.05)
    finally:
        schedule.stop()
        await running
    assert await numbers(storage, h.web) == {"w2", "w3", "w5", "w7", "w8", "w10", "w11", "w12"}

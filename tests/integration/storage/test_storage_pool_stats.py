"""What storage tells `/metrics` of itself: connections in use and waiting, statement times."""

from __future__ import annotations

import asyncio

import pytest

from broker.settings import DEFAULT_STATEMENT_CACHE
from broker.storage.interface import Storage
from broker.storage.postgres import PostgresStorage


async def test_pool_stats_count_transactions_holding_and_waiting_for_a_connection(
    storage: Storage,
) -> None:
    idle = storage.pool_stats()
    assert (idle.in_use, idle.waiting) == (0, 0)
    assert 1 <= idle.size <= idle.max_size
    release = asyncio.Event()
    entered: list[int] = []

    async def hold() -> None:
        async with storage.transaction() as tx:
            entered.append(len(await tx.count_change_requests()))
            await release.wait()

    extra = 2
    holders = [asyncio.create_task(hold()) for _ in range(idle.max_size + extra)]
    try:
        async with asyncio.timeout(30):
            while len(entered) < idle.max_size or storage.pool_stats().waiting < extra:
                await asyncio.sleep(0.01)
        busy = storage.pool_stats()
        assert (busy.in_use, busy.waiting) == (idle.max_size, extra)
        assert busy.size == idle.max_size
    finally:
        release.set()
        await asyncio.gather(*holders)
    assert len(entered) == idle.max_size + extra
    done = storage.pool_stats()
    assert (done.in_use, done.waiting) == (0, 0)


async def test_each_statement_is_timed_for_the_observer_until_it_is_removed(
    storage: Storage,
) -> None:
    seen: list[tuple[str, float]] = []
    storage.observe_queries(lambda operation, seconds: seen.append((operation, seconds)))
    try:
        async with storage.transaction() as tx:
            await tx.count_change_requests()
            await tx.count_deliveries("pending")
        operations = [operation for operation, _ in seen]
        # SQLite's BEGIN and COMMIT are statements too (execute); PostgreSQL's are not.
        assert [o for o in operations if o != "execute"] == ["fetch", "fetchval"]
        assert all(seconds >= 0 for _, seconds in seen)
    finally:
        storage.observe_queries(None)
    counted = len(seen)
    async with storage.transaction() as tx:
        await tx.count_change_requests()
    assert len(seen) == counted


@pytest.mark.postgres
@pytest.mark.parametrize(("cache", "prepared"), [(0, False), (DEFAULT_STATEMENT_CACHE, True)])
async def test_the_statement_cache_setting_decides_whether_statements_stay_prepared(
    clean_postgres_database_url: str, cache: int, prepared: bool
) -> None:
    """With 0 (PgBouncer in transaction mode) no named statement outlives its use."""
    storage = await PostgresStorage.open(clean_postgres_database_url, statement_cache=cache)
    kept = 0
    try:
        for _ in range(2):
            async with storage.transaction() as tx:
                assert await tx.count_change_requests() == {}
                assert await tx.count_deliveries("pending") == 0
                kept = await tx._db.fetchval("SELECT count(*) FROM pg_prepared_statements")
        assert (kept > 0) is prepared
    finally:
        await storage.close()


@pytest.mark.postgres
@pytest.mark.parametrize(("cache", "mode"), [(0, "auto"), (DEFAULT_STATEMENT_CACHE, "generic")])
async def test_with_the_statement_cache_a_statement_is_planned_once_for_all_its_runs(
    clean_postgres_database_url: str, cache: int, mode: str
) -> None:
    """PostgreSQL's default plans a statement's first five runs for their parameters."""
    storage = await PostgresStorage.open(clean_postgres_database_url, statement_cache=cache)
    try:
        async with storage.transaction() as tx:
            assert await tx.count_deliveries("pending") == 0
            setting = await tx._db.fetchval("SHOW plan_cache_mode")
            plans = await tx._db.fetch(
                "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
                " WHERE statement LIKE 'SELECT count(*) FROM webhook_deliveries %'"
            )
        if mode == "generic":
            assert setting == "force_generic_plan"
            assert [(p["generic_plans"], p["custom_plans"]) for p in plans] == [(1, 0)]
        else:
            # Behind PgBouncer in transaction mode: no session setting, no statement kept.
            assert setting == "auto"
            assert plans == []
    finally:
        await storage.close()

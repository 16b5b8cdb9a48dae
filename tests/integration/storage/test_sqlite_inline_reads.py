"""SQLite reads on the event loop: quick ones stay there, slow or waiting ones go to the thread.

`broker.storage.sqlite.Connection.read` runs a SELECT on the loop under a time budget and a zero
busy timeout; these tests check that each way out of the loop still gives the right answer, that
the loop keeps turning while a statement waits for another process's lock, and that a
transaction's writes are committed whole.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from broker.domain.model import PacticipantChanges
from broker.storage.sqlite import SQLiteStorage

NOW = datetime(2024, 5, 17, 9, 30, tzinfo=UTC)
# A plain SELECT that runs for far longer than the loop's budget (tens of milliseconds).
SLOW_COUNT = (
    "SELECT (WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 300000)"
    " SELECT count(*) FROM n)"
)


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[SQLiteStorage]:
    opened = await SQLiteStorage.open(str(tmp_path / "broker.db"))
    await opened.migrate()
    yield opened
    await opened.close()


def inline_reads(storage: SQLiteStorage) -> int:
    return storage._connection.inline_reads


async def test_a_quick_read_in_a_transaction_is_answered_on_the_loop(
    storage: SQLiteStorage,
) -> None:
    async with storage.transaction() as tx:
        await tx.insert_pacticipant("Foo", PacticipantChanges(), NOW)
    before = inline_reads(storage)
    async with storage.transaction() as tx:
        found = await tx.find_pacticipant("Foo")
    assert found is not None
    assert found.name == "Foo"
    assert inline_reads(storage) == before + 1


async def test_a_read_over_the_budget_is_interrupted_and_answered_whole_by_the_thread(
    storage: SQLiteStorage,
) -> None:
    driver = storage._db
    before = inline_reads(storage)
    async with storage.transaction():
        assert await driver.fetchval(SLOW_COUNT) == 300000
        assert await driver.fetchval("SELECT 41 + 1") == 42
    # The slow one was given up on the loop; the quick one after it was not.
    assert inline_reads(storage) == before + 1
    assert storage._connection.overruns == 1
    # Once it outran the budget, the slow one goes straight to the thread for a while.
    async with storage.transaction():
        assert await driver.fetchval(SLOW_COUNT) == 300000
    assert storage._connection.overruns == 1
    assert inline_reads(storage) == before + 1


async def test_the_loop_keeps_turning_while_a_transaction_waits_for_another_process(
    storage: SQLiteStorage, tmp_path: Path
) -> None:
    other = sqlite3.connect(tmp_path / "broker.db", isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    ticks = 0
    released = threading.Event()

    async def tick() -> None:
        nonlocal ticks
        while not released.is_set():
            ticks += 1
            await asyncio.sleep(0.005)

    def release_later() -> None:
        try:
            threading.Event().wait(0.3)
            other.execute(
                "INSERT INTO environments (uuid, name, display_name, production, contacts,"
                " created_at, updated_at) VALUES ('u-1', 'staging', 'Staging', 0, '[]',"
                " '2024-05-17T09:30:00.000000+00:00', '2024-05-17T09:30:00.000000+00:00')"
            )
        finally:
            other.execute("COMMIT")
            released.set()

    ticking = asyncio.create_task(tick())
    threading.Thread(target=release_later).start()
    async with storage.transaction() as tx:
        # BEGIN IMMEDIATE could not run on the loop: the thread waited out the lock.
        assert released.is_set()
        ticks_while_waiting = ticks
        found = await tx.find_environment_by_name("staging")
    await ticking
    other.close()
    assert found is not None  # the other process's commit is seen
    assert ticks_while_waiting > 5  # the loop was not held while the lock was waited for


async def test_a_transaction_that_wrote_commits_everything_it_wrote(
    storage: SQLiteStorage, tmp_path: Path
) -> None:
    async with storage.transaction() as tx:
        await tx.insert_pacticipant("Foo", PacticipantChanges(), NOW)
        assert await tx.find_pacticipant("Foo") is not None  # read on the loop, mid-write
        await tx.insert_pacticipant("Bar", PacticipantChanges(), NOW)
    reader = sqlite3.connect(tmp_path / "broker.db")
    names = {row[0] for row in reader.execute("SELECT name FROM pacticipants")}
    reader.close()
    assert names == {"Foo", "Bar"}


async def test_reads_and_a_failed_transaction_leave_the_connection_usable(
    storage: SQLiteStorage,
) -> None:
    with pytest.raises(RuntimeError):
        async with storage.transaction() as tx:
            await tx.insert_pacticipant("Foo", PacticipantChanges(), NOW)
            raise RuntimeError
    async with storage.browse() as tx:
        assert await tx.find_pacticipant("Foo") is None
    # Reads outside a transaction, from many tasks at once, all answer.
    answers = await asyncio.gather(*(storage.check() for _ in range(20)))
    assert answers == [None] * 20

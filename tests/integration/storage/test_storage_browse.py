"""`Storage.browse`: read-only on every backend; with a read replica that cannot serve, the
primary answers (a standby that does serve is in tests/e2e/test_read_replica.py)."""

from __future__ import annotations

import sqlite3
from datetime import datetime

import asyncpg
import pytest

from broker.domain.model import PacticipantChanges
from broker.storage.interface import Storage
from broker.storage.postgres import PostgresStorage
from broker.storage.replica import NOT_A_STANDBY, UNREACHABLE
from tests.e2e.conftest import free_port


async def test_browsing_reads_what_was_committed_and_refuses_to_write(
    storage: Storage, now: datetime
) -> None:
    async with storage.transaction() as tx:
        await tx.insert_pacticipant("Shop", PacticipantChanges(), now)
    async with storage.browse() as tx:
        found = await tx.find_pacticipant("Shop")
    assert found is not None and found.name == "Shop"
    refused = pytest.raises((sqlite3.OperationalError, asyncpg.ReadOnlySQLTransactionError))
    with refused:
        async with storage.browse() as tx:
            await tx.insert_pacticipant("Stock", PacticipantChanges(), now)
    # Writing is refused to that transaction only: the next one writes.
    async with storage.transaction() as tx:
        await tx.insert_pacticipant("Stock", PacticipantChanges(), now)
    async with storage.browse() as tx:
        assert await tx.find_pacticipant("Stock") is not None
    assert await storage.read_replica() is None


async def test_with_the_replica_down_browsing_reads_the_primary(
    clean_postgres_database_url: str, now: datetime
) -> None:
    nothing_listens = f"postgresql://postgres@127.0.0.1:{free_port()}/accord"
    storage = await PostgresStorage.open(
        clean_postgres_database_url, read_dsn=nothing_listens, timeout=5
    )
    try:
        async with storage.transaction() as tx:
            await tx.insert_pacticipant("Shop", PacticipantChanges(), now)
        for _ in range(3):
            async with storage.browse() as tx:
                assert await tx.find_pacticipant("Shop") is not None
        status = await storage.read_replica()
        assert status is not None
        assert status.state == UNREACHABLE and not status.in_use, status
        assert "ConnectionRefusedError" in status.reason or "OSError" in status.reason, status
        assert status.lag is None
        assert status.pool.in_use == 0
    finally:
        await storage.close()


async def test_a_read_url_naming_a_primary_is_not_read_from(
    clean_postgres_database_url: str, now: datetime
) -> None:
    """Only a standby's lag can be measured: a read-write server is left alone."""
    storage = await PostgresStorage.open(
        clean_postgres_database_url, read_dsn=clean_postgres_database_url
    )
    try:
        async with storage.browse() as tx:
            assert await tx.find_pacticipant("Shop") is None
        status = await storage.read_replica()
        assert status is not None and status.state == NOT_A_STANDBY, status
        assert "pg_is_in_recovery() is false" in status.reason
    finally:
        await storage.close()

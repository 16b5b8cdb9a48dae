"""How the PostgreSQL adapter behaves when the database goes away and comes back.

The database is reached through a small TCP proxy on 127.0.0.1 that the test stops and starts:
stopping it drops every connection and refuses new ones, as a restarting server does.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from datetime import datetime
from urllib.parse import urlsplit

import pytest

from broker.domain.errors import StorageUnavailableError
from broker.domain.model import PacticipantChanges
from broker.storage.postgres import PostgresStorage, redact
from tests.support.tcp_proxy import Proxy, through

pytestmark = pytest.mark.postgres


@pytest.fixture
async def proxy(clean_postgres_database_url: str) -> AsyncIterator[Proxy]:
    parts = urlsplit(clean_postgres_database_url)
    started = Proxy(parts.hostname or "127.0.0.1", parts.port or 5432)
    await started.start()
    try:
        yield started
    finally:
        await started.stop()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def test_the_storage_recovers_when_the_database_comes_back(
    proxy: Proxy, clean_postgres_database_url: str, now: datetime
) -> None:
    storage = await PostgresStorage.open(
        through(clean_postgres_database_url, proxy.port), min_size=2, max_size=2, timeout=5
    )
    try:
        await storage.check()
        async with storage.transaction() as tx:
            await tx.insert_pacticipant("Before", PacticipantChanges(), now)

        await proxy.stop()
        with pytest.raises(StorageUnavailableError):
            await storage.check()
        with pytest.raises(StorageUnavailableError):
            async with storage.transaction() as tx:
                await tx.find_pacticipant("Before")

        await proxy.start()
        await storage.check()
        async with storage.transaction() as tx:
            assert await tx.find_pacticipant("Before") is not None
            await tx.insert_pacticipant("After", PacticipantChanges(), now)
        async with storage.transaction() as tx:
            assert await tx.find_pacticipant("After") is not None
    finally:
        await storage.close()


async def test_a_transaction_that_loses_its_connection_is_unavailable_and_stores_nothing(
    proxy: Proxy, clean_postgres_database_url: str, now: datetime
) -> None:
    storage = await PostgresStorage.open(through(clean_postgres_database_url, proxy.port))
    try:
        with pytest.raises(StorageUnavailableError):
            async with storage.transaction() as tx:
                await tx.insert_pacticipant("Lost", PacticipantChanges(), now)
                await proxy.stop()
                await tx.insert_pacticipant("Never", PacticipantChanges(), now)

        await proxy.start()
        async with storage.transaction() as tx:
            assert await tx.find_pacticipant("Lost") is None
            assert await tx.find_pacticipant("Never") is None
    finally:
        await storage.close()


async def test_opening_a_storage_where_nothing_listens_is_unavailable(
    clean_postgres_database_url: str,
) -> None:
    with pytest.raises(StorageUnavailableError):
        await PostgresStorage.open(through(clean_postgres_database_url, free_port()))


async def test_a_server_that_never_answers_is_unavailable_after_the_timeout() -> None:
    """A listening socket that never speaks stands in for a hung server."""
    accepted: list[asyncio.StreamWriter] = []
    silent = await asyncio.start_server(
        lambda _reader, writer: accepted.append(writer), "127.0.0.1", 0
    )
    port = silent.sockets[0].getsockname()[1]
    try:
        with pytest.raises(StorageUnavailableError):
            await PostgresStorage.open(f"postgresql://postgres@127.0.0.1:{port}/x", timeout=0.3)
    finally:
        silent.close()
        for writer in accepted:
            writer.transport.abort()
        await silent.wait_closed()


async def test_waiting_too_long_for_a_pooled_connection_is_unavailable(
    clean_postgres_database_url: str,
) -> None:
    storage = await PostgresStorage.open(
        clean_postgres_database_url, min_size=1, max_size=1, timeout=0.3
    )
    try:
        async with storage.transaction():
            with pytest.raises(StorageUnavailableError):
                await storage.check()
        await storage.check()
    finally:
        await storage.close()


async def test_the_description_is_the_url_without_a_password(
    clean_postgres_database_url: str,
) -> None:
    storage = await PostgresStorage.open(clean_postgres_database_url)
    try:
        assert storage.description == redact(clean_postgres_database_url)
    finally:
        await storage.close()


@pytest.mark.parametrize(
    ("dsn", "shown"),
    [
        (
            "postgresql://accord:s3cr%40t@db.example.com:5432/accord",
            "postgresql://accord:***@db.example.com:5432/accord",
        ),
        (
            "postgresql://accord@db.example.com/accord?password=s3cret&sslmode=require",
            "postgresql://accord@db.example.com/accord?password=***&sslmode=require",
        ),
        ("postgresql://db.example.com/accord", "postgresql://db.example.com/accord"),
    ],
    ids=["in-user-info", "in-query", "none"],
)
def test_a_password_never_shows_in_the_description(dsn: str, shown: str) -> None:
    assert redact(dsn) == shown

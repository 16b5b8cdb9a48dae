"""Schema migrations, on every backend, starting from an empty database."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import closing
from datetime import datetime
from pathlib import Path

import asyncpg
import msgspec
import pytest

from broker.domain.model import PacticipantChanges
from broker.storage.interface import Storage
from broker.storage.migrations import SchemaTooNewError, migrations_for
from broker.storage.postgres import PostgresStorage
from broker.storage.sqlite import SQLiteStorage

RECORD_A_FUTURE_MIGRATION = (
    "INSERT INTO schema_migrations (version, name, applied_at)"
    " VALUES (9999, 'from_a_newer_accord', '2030-01-01T00:00:00.000000+00:00')"
)


class EmptyDatabase(msgspec.Struct, frozen=True, kw_only=True):
    """A storage on a database nothing was migrated into, and a way around the adapter."""

    storage: Storage
    execute: Callable[[str], Awaitable[None]]


@pytest.fixture
async def sqlite_empty_database(tmp_path: Path) -> AsyncIterator[EmptyDatabase]:
    path = tmp_path / "accord.db"

    async def execute(sql: str) -> None:
        with closing(sqlite3.connect(path)) as connection, connection:
            connection.execute(sql)

    storage = await SQLiteStorage.open(str(path))
    try:
        yield EmptyDatabase(storage=storage, execute=execute)
    finally:
        await storage.close()


@pytest.fixture
async def postgres_empty_database(empty_postgres_database_url: str) -> AsyncIterator[EmptyDatabase]:
    async def execute(sql: str) -> None:
        connection = await asyncpg.connect(empty_postgres_database_url)
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    storage = await PostgresStorage.open(empty_postgres_database_url)
    try:
        yield EmptyDatabase(storage=storage, execute=execute)
    finally:
        await storage.close()


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ]
)
def empty_database(request: pytest.FixtureRequest) -> EmptyDatabase:
    database: EmptyDatabase = request.getfixturevalue(f"{request.param}_empty_database")
    return database


def test_both_backends_know_the_same_migrations() -> None:
    def names(backend: str) -> list[tuple[int, str]]:
        return [(m.version, m.name) for m in migrations_for(backend)]

    assert names("sqlite") == names("postgres")
    assert names("postgres")[0] == (1, "foundation")


async def test_migrating_an_empty_database_applies_every_migration_once(
    empty_database: EmptyDatabase, now: datetime
) -> None:
    storage = empty_database.storage
    expected = [f"{m.version:04d}_{m.name}" for m in migrations_for("sqlite")]

    assert await storage.migrate() == expected
    assert await storage.migrate() == []

    async with storage.transaction() as tx:
        await tx.insert_pacticipant("Foo", PacticipantChanges(), now)


async def test_a_database_migrated_by_a_newer_accord_is_refused(
    empty_database: EmptyDatabase,
) -> None:
    await empty_database.storage.migrate()
    await empty_database.execute(RECORD_A_FUTURE_MIGRATION)

    with pytest.raises(SchemaTooNewError, match="9999"):
        await empty_database.storage.migrate()


async def test_a_newer_schema_is_refused_before_anything_is_applied(
    empty_database: EmptyDatabase,
) -> None:
    await empty_database.execute(
        "CREATE TABLE schema_migrations"
        " (version integer PRIMARY KEY, name text NOT NULL, applied_at text NOT NULL)"
    )
    await empty_database.execute(RECORD_A_FUTURE_MIGRATION)

    with pytest.raises(SchemaTooNewError):
        await empty_database.storage.migrate()

    # Nothing of the known schema was created: inserting a pacticipant row fails.
    with pytest.raises((sqlite3.OperationalError, asyncpg.UndefinedTableError)):
        await empty_database.execute(
            "INSERT INTO pacticipants (name, created_at, updated_at) VALUES ('x', 'now', 'now')"
        )


@pytest.mark.postgres
async def test_two_processes_migrating_at_once_apply_each_migration_once(
    empty_postgres_database_url: str,
) -> None:
    """The advisory lock serialises them: each migration is applied by exactly one of the two."""
    first = await PostgresStorage.open(empty_postgres_database_url)
    second = await PostgresStorage.open(empty_postgres_database_url)
    try:
        applied = await asyncio.gather(first.migrate(), second.migrate())
    finally:
        await first.close()
        await second.close()

    expected = [f"{m.version:04d}_{m.name}" for m in migrations_for("postgres")]
    assert sorted(applied[0] + applied[1]) == expected

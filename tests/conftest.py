"""Fixtures the whole suite shares: a storage of each backend, and database URLs for the app.

PostgreSQL is never mocked: one throwaway database (`accord_test_<hex>`) on a real server serves
the whole run, migrated once, and each test starts from empty tables. Point the suite at another
server with `ACCORD_TEST_POSTGRES_DSN`.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
import pytest

from broker.storage.interface import Storage
from broker.storage.postgres import PostgresStorage
from broker.storage.sqlite import SQLiteStorage

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]


def database_url_on(server_dsn: str, database: str) -> str:
    """The URL of another database on the server `server_dsn` points at."""
    return urlsplit(server_dsn)._replace(path=f"/{database}").geturl()


async def create_database(server_dsn: str) -> str:
    """Create an empty `accord_test_<hex>` database; its URL."""
    name = f"accord_test_{secrets.token_hex(6)}"
    try:
        connection = await asyncpg.connect(server_dsn, timeout=10)
    except (OSError, asyncpg.PostgresError) as error:
        pytest.fail(
            f"PostgreSQL is not reachable at {server_dsn} ({error!r}). Start it, or point "
            "ACCORD_TEST_POSTGRES_DSN at a server where the user may create databases.",
            pytrace=False,
        )
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return database_url_on(server_dsn, name)


async def drop_database(server_dsn: str, url: str) -> None:
    """Drop a database made by `create_database`, closing whatever still uses it."""
    name = urlsplit(url).path.lstrip("/")
    connection = await asyncpg.connect(server_dsn, timeout=10)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


async def truncate_tables(url: str) -> None:
    """Empty every table but `schema_migrations`, restarting the row ids."""
    connection = await asyncpg.connect(url, timeout=10)
    try:
        tables = await connection.fetch(
            "SELECT quote_ident(tablename) AS name FROM pg_tables"
            " WHERE schemaname = current_schema() AND tablename <> 'schema_migrations'"
        )
        if tables:
            names = ", ".join(table["name"] for table in tables)
            await connection.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    finally:
        await connection.close()


@pytest.fixture(scope="session")
def postgres_server_dsn() -> str:
    """A server where the test user may create databases."""
    return os.environ.get(
        "ACCORD_TEST_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/postgres"
    )


@pytest.fixture(scope="session")
def postgres_database_url(postgres_server_dsn: str) -> Iterator[str]:
    """A migrated throwaway database for the whole run, dropped at the end."""

    # Session fixtures outlive each test's event loop, so this one runs its own.
    async def create_and_migrate() -> str:
        url = await create_database(postgres_server_dsn)
        storage = await PostgresStorage.open(url, max_size=1)
        try:
            await storage.migrate()
        finally:
            await storage.close()
        return url

    url = asyncio.run(create_and_migrate())
    try:
        yield url
    finally:
        asyncio.run(drop_database(postgres_server_dsn, url))


@pytest.fixture
async def clean_postgres_database_url(postgres_database_url: str) -> str:
    """The session database, with every table emptied for this test."""
    await truncate_tables(postgres_database_url)
    return postgres_database_url


@pytest.fixture
async def sqlite_storage(tmp_path: Path) -> AsyncIterator[Storage]:
    """A migrated SQLite storage in a file of its own."""
    storage = await SQLiteStorage.open(str(tmp_path / "accord.db"))
    try:
        await storage.migrate()
        yield storage
    finally:
        await storage.close()


@pytest.fixture
async def postgres_storage(clean_postgres_database_url: str) -> AsyncIterator[Storage]:
    """A migrated PostgreSQL storage on empty tables."""
    storage = await PostgresStorage.open(clean_postgres_database_url)
    try:
        await storage.migrate()
        yield storage
    finally:
        await storage.close()


@pytest.fixture(params=BACKENDS)
def storage(request: pytest.FixtureRequest) -> Storage:
    """A migrated, empty storage of each backend."""
    opened: Storage = request.getfixturevalue(f"{request.param}_storage")
    return opened


@pytest.fixture
async def empty_postgres_database_url(postgres_server_dsn: str) -> AsyncIterator[str]:
    """A database of its own for this test, not migrated, dropped after it."""
    url = await create_database(postgres_server_dsn)
    try:
        yield url
    finally:
        await drop_database(postgres_server_dsn, url)


@pytest.fixture
def sqlite_database_url(tmp_path: Path) -> str:
    """A SQLite database file that does not exist yet."""
    return f"sqlite:///{tmp_path / 'accord.db'}"


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest) -> str:
    """A URL for the app: a fresh SQLite file, or the session PostgreSQL database emptied."""
    fixture = "sqlite_database_url" if request.param == "sqlite" else "clean_postgres_database_url"
    url: str = request.getfixturevalue(fixture)
    return url

"""Fixtures the whole suite shares: a storage of each backend, and database URLs for the app.

PostgreSQL is never mocked: one throwaway database (`accord_test_<hex>`) on a real server serves
the whole run (of each xdist worker), migrated once, and each test starts from empty tables.
Point the suite at another server with `ACCORD_TEST_POSTGRES_DSN`. SQLite is migrated once too:
each test gets a copy of a migrated template file.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
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
        # A throwaway database need not wait for the disk at each commit.
        await connection.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
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
    """Empty every table but `schema_migrations`, restarting the row ids.

    DELETE with the foreign-key triggers off (a superuser's `session_replication_role`) takes
    milliseconds where TRUNCATE rewrites each table's files, about half a second a test; a user
    who may not do that gets the TRUNCATE.
    """
    connection = await asyncpg.connect(url, timeout=10)
    try:
        tables = [
            row["name"]
            for row in await connection.fetch(
                "SELECT quote_ident(tablename) AS name FROM pg_tables"
                " WHERE schemaname = current_schema() AND tablename <> 'schema_migrations'"
            )
        ]
        sequences = [
            row["name"]
            for row in await connection.fetch(
                "SELECT quote_ident(sequencename) AS name FROM pg_sequences"
                " WHERE schemaname = current_schema()"
            )
        ]
        if not tables:
            return
        try:
            async with connection.transaction():
                await connection.execute("SET LOCAL session_replication_role = replica")
                await connection.execute("; ".join(f"DELETE FROM {name}" for name in tables))
                for name in sequences:
                    await connection.execute(f"ALTER SEQUENCE {name} RESTART")
        except asyncpg.InsufficientPrivilegeError:
            names = ", ".join(tables)
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


@pytest.fixture(scope="session")
def migrated_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once for the run; tests get copies of it."""
    path = tmp_path_factory.mktemp("sqlite-template") / "accord.db"

    async def migrate() -> None:
        storage = await SQLiteStorage.open(str(path))
        try:
            await storage.migrate()
        finally:
            await storage.close()

    asyncio.run(migrate())
    return path


def migrated_sqlite_file(template: Path, folder: Path) -> Path:
    """A copy of the migrated template in `folder`: a database of its own, already migrated."""
    path = folder / "accord.db"
    shutil.copyfile(template, path)
    return path


@pytest.fixture
async def sqlite_storage(tmp_path: Path, migrated_sqlite_template: Path) -> AsyncIterator[Storage]:
    """A migrated SQLite storage in a file of its own."""
    storage = await SQLiteStorage.open(
        str(migrated_sqlite_file(migrated_sqlite_template, tmp_path))
    )
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
def sqlite_database_url(tmp_path: Path, migrated_sqlite_template: Path) -> str:
    """A SQLite database file of its own, already migrated (the app's migration finds no work)."""
    return f"sqlite:///{migrated_sqlite_file(migrated_sqlite_template, tmp_path)}"


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest) -> str:
    """A URL for the app: a fresh SQLite file, or the session PostgreSQL database emptied."""
    fixture = "sqlite_database_url" if request.param == "sqlite" else "clean_postgres_database_url"
    url: str = request.getfixturevalue(fixture)
    return url

"""The broker application in-process (litestar's test client) on real storage of each backend."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from broker.app import asgi_app
from broker.http.paths import EncodedSlashes
from broker.settings import Settings
from tests.conftest import migrated_sqlite_file

# Every table of the schema, the audit log included: a rejected write must leave none changed.
SQLITE_TABLES = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
POSTGRES_TABLES = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"


def settings_for(database_url: str, **overrides: Any) -> Settings:
    """Settings as `accord broker serve` would build them, on the given database.

    Webhook delivery is off unless a test turns it on (`webhook_delivery=True`): a webhook a
    test creates must not be called off 127.0.0.1.
    """
    return Settings(database_url=database_url, **{"webhook_delivery": False, **overrides})


_APPS: dict[Settings, EncodedSlashes] = {}


def broker_app(settings: Settings) -> EncodedSlashes:
    """The application for `settings`, built once per process and shared by the tests' clients.

    Building it costs about a third of a second (litestar reads every handler's signature);
    its lifespan, which opens the storage and the worker pool, still runs for each client.
    Give it to one client at a time: each client's start-up replaces the app's services.
    """
    app = _APPS.get(settings)
    if app is None:
        app = _APPS[settings] = asgi_app(settings)
    return app


@pytest.fixture(scope="session")
def stable_sqlite_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where every test of this folder finds its SQLite file: one path, so one app."""
    return tmp_path_factory.mktemp("http-sqlite")


@pytest.fixture
def sqlite_database_url(migrated_sqlite_template: Path, stable_sqlite_folder: Path) -> str:
    """A fresh copy of the migrated template, at the same path for every test here."""
    path = stable_sqlite_folder / "accord.db"
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)
    return f"sqlite:///{migrated_sqlite_file(migrated_sqlite_template, stable_sqlite_folder)}"


@pytest.fixture
async def client(database_url: str) -> AsyncIterator[AsyncTestClient]:  # type: ignore[type-arg]
    """A test client of the whole application (lifespan included) on each backend."""
    async with AsyncTestClient(app=broker_app(settings_for(database_url))) as test_client:
        yield test_client


async def dump_database(database_url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in a stable order: a snapshot to compare."""
    snapshot: dict[str, list[tuple[Any, ...]]] = {}
    if database_url.startswith("sqlite:///"):
        connection = sqlite3.connect(database_url.removeprefix("sqlite:///"))
        try:
            tables = [row[0] for row in connection.execute(SQLITE_TABLES)]
            assert "audit_log" in tables
            for table in tables:
                rows = connection.execute(f"SELECT * FROM {table}").fetchall()
                snapshot[table] = sorted(rows, key=repr)
        finally:
            connection.close()
        return snapshot
    pg = await asyncpg.connect(database_url)
    try:
        tables = [row[0] for row in await pg.fetch(POSTGRES_TABLES)]
        assert "audit_log" in tables
        for table in tables:
            rows = await pg.fetch(f"SELECT * FROM {table}")
            snapshot[table] = sorted((tuple(r) for r in rows), key=repr)
    finally:
        await pg.close()
    return snapshot


@pytest.fixture
def snapshot(database_url: str) -> Any:
    """`await snapshot()` dumps the database the client writes to."""

    async def take() -> dict[str, list[tuple[Any, ...]]]:
        return await dump_database(database_url)

    return take


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """A scratch folder."""
    return tmp_path

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
from broker.settings import Settings

TABLES = [
    "pacticipants",
    "labels",
    "versions",
    "branches",
    "branch_versions",
    "tags",
    "environments",
    "deployed_versions",
    "released_versions",
    "pact_versions",
    "pact_publications",
    "verifications",
]


def settings_for(database_url: str, **overrides: Any) -> Settings:
    """Settings as `accord broker serve` would build them, on the given database."""
    return Settings(database_url=database_url, **overrides)


@pytest.fixture
async def client(database_url: str) -> AsyncIterator[AsyncTestClient]:  # type: ignore[type-arg]
    """A test client of the whole application (lifespan included) on each backend."""
    async with AsyncTestClient(app=asgi_app(settings_for(database_url))) as test_client:  # type: ignore[arg-type]
        yield test_client


async def dump_database(database_url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in a stable order: a snapshot to compare."""
    snapshot: dict[str, list[tuple[Any, ...]]] = {}
    if database_url.startswith("sqlite:///"):
        connection = sqlite3.connect(database_url.removeprefix("sqlite:///"))
        try:
            for table in TABLES:
                rows = connection.execute(f"SELECT * FROM {table}").fetchall()
                snapshot[table] = sorted(rows, key=repr)
        finally:
            connection.close()
        return snapshot
    pg = await asyncpg.connect(database_url)
    try:
        for table in TABLES:
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

"""Fixtures of the storage suite: a fixed clock and a few rows most tests start from."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from broker.domain.model import Environment, Pacticipant, PacticipantChanges, Version
from broker.storage.interface import Storage

# Microseconds on purpose: both backends must keep them.
START = datetime(2024, 5, 17, 9, 30, 15, 123456, tzinfo=UTC)


@pytest.fixture
def now() -> datetime:
    """A fixed, timezone-aware UTC instant; tests add timedeltas to order events."""
    return START


@pytest.fixture
async def pacticipant(storage: Storage, now: datetime) -> Pacticipant:
    """A stored pacticipant named Foo."""
    async with storage.transaction() as tx:
        return await tx.insert_pacticipant("Foo", PacticipantChanges(), now)


@pytest.fixture
async def version(storage: Storage, pacticipant: Pacticipant, now: datetime) -> Version:
    """Version 1.0.0 of Foo."""
    async with storage.transaction() as tx:
        return await tx.insert_version(pacticipant.id, "1.0.0", None, now)


@pytest.fixture
async def environment(storage: Storage, now: datetime) -> Environment:
    """A stored production environment."""
    async with storage.transaction() as tx:
        return await tx.insert_environment(
            Environment(
                uuid="6f1c4a0e-0000-4000-8000-000000000001",
                name="production",
                display_name="Production",
                production=True,
                created_at=now,
                updated_at=now,
            )
        )


@pytest.fixture(params=["sqlite", "postgresql"])
def history_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database of each backend, not migrated (for `benchmarks/history.py`)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'history.db'}"
    url: str = request.getfixturevalue("empty_postgres_database_url")
    return url

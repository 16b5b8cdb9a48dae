"""Environments: their SQL and row mapping, written once for both drivers."""

from __future__ import annotations

from typing import Any

import msgspec

from broker.domain.errors import NotFoundError
from broker.domain.model import Contact, Environment
from broker.storage.driver import Driver, Row, json_text, record, written


def environment_of(row: Row | dict[str, Any]) -> Environment:
    """An `environments` row (or its columns by name) as an `Environment`."""
    contacts = msgspec.json.decode(row["contacts"], type=tuple[Contact, ...])
    return record(Environment, row, contacts=contacts)


class EnvironmentRows:
    """The `Environments` role of a transaction."""

    _db: Driver

    def _values(self, environment: Environment) -> tuple[object, ...]:
        return (
            environment.uuid,
            environment.name,
            environment.display_name,
            environment.production,
            json_text(environment.contacts),
            self._db.time(environment.created_at),
            self._db.time(environment.updated_at),
        )

    async def find_environment(self, uuid: str) -> Environment | None:
        row = await self._db.fetchrow("SELECT * FROM environments WHERE uuid = ?", uuid)
        return None if row is None else environment_of(row)

    async def find_environment_by_name(self, name: str) -> Environment | None:
        row = await self._db.fetchrow("SELECT * FROM environments WHERE name = ?", name)
        return None if row is None else environment_of(row)

    async def insert_environment(self, environment: Environment) -> Environment:
        row = await self._db.insert(
            "INSERT INTO environments (uuid, name, display_name, production, contacts,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *",
            *self._values(environment),
            conflict=f"An environment named {environment.name!r} already exists",
        )
        return environment_of(written(row))

    async def update_environment(self, environment: Environment) -> Environment:
        uuid, *values = self._values(environment)
        row = await self._db.insert(
            "UPDATE environments SET name = ?, display_name = ?, production = ?, contacts = ?,"
            " created_at = ?, updated_at = ? WHERE uuid = ? RETURNING *",
            *values,
            uuid,
            conflict=f"An environment named {environment.name!r} already exists",
        )
        if row is None:
            raise NotFoundError(f"No environment with uuid {environment.uuid!r} was found")
        return environment_of(row)

    async def delete_environment(self, environment: Environment) -> None:
        # ON DELETE CASCADE takes its deployment and release records along.
        await self._db.execute("DELETE FROM environments WHERE uuid = ?", environment.uuid)

    async def list_environments(self) -> list[Environment]:
        rows = await self._db.fetch("SELECT * FROM environments ORDER BY name")
        return [environment_of(row) for row in rows]

"""Pacticipants and their labels: their SQL and row mapping, written once for both drivers."""

from __future__ import annotations

from datetime import datetime
from typing import Final

import msgspec

from broker.domain.errors import NotFoundError
from broker.domain.model import Pacticipant, PacticipantChanges, Page
from broker.storage.driver import Driver, page_of, record, records, written

# The columns `PacticipantChanges` may set.
_FIELDS: Final = (
    "display_name",
    "repository_url",
    "repository_name",
    "repository_namespace",
    "main_branch",
)


class PacticipantRows:
    """The `Pacticipants` role of a transaction."""

    _db: Driver

    async def find_pacticipant(self, name: str) -> Pacticipant | None:
        row = await self._db.fetchrow("SELECT * FROM pacticipants WHERE name = ?", name)
        return None if row is None else record(Pacticipant, row)

    async def find_pacticipant_by_id(self, pacticipant_id: int) -> Pacticipant | None:
        row = await self._db.fetchrow("SELECT * FROM pacticipants WHERE id = ?", pacticipant_id)
        return None if row is None else record(Pacticipant, row)

    async def insert_pacticipant(
        self, name: str, changes: PacticipantChanges, now: datetime
    ) -> Pacticipant:
        values = [getattr(changes, field) for field in _FIELDS]
        row = await self._db.insert(
            "INSERT INTO pacticipants (name, display_name, repository_url, repository_name,"
            " repository_namespace, main_branch, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING *",
            name,
            *(None if value is msgspec.UNSET else value for value in values),
            self._db.time(now),
            self._db.time(now),
            conflict=f"A pacticipant named {name!r} already exists",
        )
        return record(Pacticipant, written(row))

    async def update_pacticipant(
        self, pacticipant: Pacticipant, changes: PacticipantChanges, now: datetime
    ) -> Pacticipant:
        fields = [f for f in _FIELDS if getattr(changes, f) is not msgspec.UNSET]
        if fields:
            # Only the fields set are written, so concurrent changes to other fields survive.
            assignments = "".join(f", {field} = ?" for field in fields)
            row = await self._db.fetchrow(
                f"UPDATE pacticipants SET updated_at = ?{assignments}"  # noqa: S608 - column names from _FIELDS
                " WHERE id = ? RETURNING *",
                self._db.time(now),
                *(getattr(changes, field) for field in fields),
                pacticipant.id,
            )
        else:
            row = await self._db.fetchrow("SELECT * FROM pacticipants WHERE id = ?", pacticipant.id)
        if row is None:
            raise NotFoundError(f"No pacticipant named {pacticipant.name!r} was found")
        return record(Pacticipant, row)

    async def list_pacticipants(self, page: Page) -> tuple[list[Pacticipant], int]:
        rows, total = await page_of(
            self._db,
            "SELECT * FROM pacticipants ORDER BY name LIMIT ? OFFSET ?",
            "SELECT count(*) FROM pacticipants",
            page=page,
        )
        return records(Pacticipant, rows), total

    async def lock_pacticipant(self, pacticipant: Pacticipant) -> None:
        # A row lock held until commit: a second transaction locking the same pacticipant waits
        # (on SQLite, BEGIN IMMEDIATE has serialised transactions already).
        await self._db.fetchrow(
            f"SELECT id FROM pacticipants WHERE id = ?{self._db.for_update}",  # noqa: S608 - a fixed clause
            pacticipant.id,
        )

    async def delete_pacticipant(self, pacticipant: Pacticipant) -> None:
        # ON DELETE CASCADE takes its versions, branches, tags, labels and deployments along.
        await self._db.execute("DELETE FROM pacticipants WHERE id = ?", pacticipant.id)

    # labels

    async def labels_of(self, pacticipant_id: int) -> list[str]:
        rows = await self._db.fetch(
            "SELECT name FROM labels WHERE pacticipant_id = ? ORDER BY name", pacticipant_id
        )
        return [row["name"] for row in rows]

    async def add_label(self, pacticipant_id: int, label: str, now: datetime) -> bool:
        row = await self._db.insert(
            "INSERT INTO labels (pacticipant_id, name, created_at) VALUES (?, ?, ?)"
            " ON CONFLICT DO NOTHING RETURNING name",
            pacticipant_id,
            label,
            self._db.time(now),
            conflict=f"The pacticipant already has label {label!r}",
            missing="The pacticipant to label does not exist",
        )
        return row is not None

    async def remove_label(self, pacticipant_id: int, label: str) -> bool:
        removed = await self._db.execute(
            "DELETE FROM labels WHERE pacticipant_id = ? AND name = ?", pacticipant_id, label
        )
        return removed > 0

    async def pacticipants_with_label(self, label: str) -> list[Pacticipant]:
        rows = await self._db.fetch(
            "SELECT p.* FROM pacticipants p JOIN labels l ON l.pacticipant_id = p.id"
            " WHERE l.name = ? ORDER BY p.name",
            label,
        )
        return records(Pacticipant, rows)

"""How the shared row implementations run SQL: four hooks each adapter supplies once.

`GovernanceRows` and `NotificationRows` are written once against these hooks; the SQLite and
PostgreSQL transactions mix in `SQLiteStatements` or `PostgresStatements`, which say how to run
a `?`-placeholder statement and how to pass a time on that backend.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from broker.storage.driver import Row


class Statements:
    """The hooks; an adapter's subclass implements them."""

    async def _one(self, query: str, *values: object) -> Row | None:
        raise NotImplementedError

    async def _all(self, query: str, *values: object) -> Sequence[Row]:
        raise NotImplementedError

    async def _run(self, query: str, *values: object) -> None:
        raise NotImplementedError

    async def _insert(self, query: str, *values: object, conflict: str, missing: str) -> Row | None:
        """Run a statement that may break a rule; its first row.

        `ConflictError(conflict)` if a uniqueness rule breaks, `NotFoundError(missing)` if a row
        it refers to does not exist (on PostgreSQL inside a savepoint).
        """
        raise NotImplementedError

    def _time(self, moment: datetime) -> Any:
        raise NotImplementedError

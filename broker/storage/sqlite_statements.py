"""How the shared row implementations run a statement and pass a time on SQLite."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from broker.storage.driver import Row
from broker.storage.sqlite_time import to_text
from broker.storage.statements import Statements

if TYPE_CHECKING:
    from broker.storage.sqlite import Connection


class SQLiteStatements(Statements):
    """Mixed into `SQLiteTransaction`, which provides the connection `_c`."""

    _c: Connection

    async def _one(self, query: str, *values: object) -> Row | None:
        return await self._c.fetch_one(query, values)

    async def _all(self, query: str, *values: object) -> Sequence[Row]:
        return await self._c.fetch_all(query, values)

    async def _run(self, query: str, *values: object) -> None:
        await self._c.execute(query, values)

    async def _insert(self, query: str, *values: object, conflict: str, missing: str) -> Row | None:
        del conflict, missing  # the transaction translates SQLite's integrity errors
        return await self._one(query, *values)

    def _time(self, moment: datetime) -> str:
        return to_text(moment)

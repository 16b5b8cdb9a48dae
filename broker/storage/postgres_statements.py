"""How the shared row implementations run a statement and pass a time on PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from broker.storage.driver import Row, numbered
from broker.storage.statements import Statements

if TYPE_CHECKING:
    import asyncpg


class PostgresStatements(Statements):
    """Mixed into `PostgresTransaction`, which provides the statement helpers declared here."""

    if TYPE_CHECKING:

        async def _fetch(self, query: str, *arguments: object) -> list[asyncpg.Record]: ...

        async def _fetchrow(self, query: str, *arguments: object) -> asyncpg.Record | None: ...

        async def _execute(self, query: str, *arguments: object) -> None: ...

        async def _write(
            self, query: str, *arguments: object, conflict: str, missing: str = ...
        ) -> asyncpg.Record | None: ...

    async def _one(self, query: str, *values: object) -> Row | None:
        return await self._fetchrow(numbered(query), *values)

    async def _all(self, query: str, *values: object) -> Sequence[Row]:
        return await self._fetch(numbered(query), *values)

    async def _run(self, query: str, *values: object) -> None:
        await self._execute(numbered(query), *values)

    async def _insert(self, query: str, *values: object, conflict: str, missing: str) -> Row | None:
        return await self._write(numbered(query), *values, conflict=conflict, missing=missing)

    def _time(self, moment: datetime) -> datetime:
        return moment

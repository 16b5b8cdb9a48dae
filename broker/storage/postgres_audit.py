"""The audit log on PostgreSQL.

Mixed into `PostgresTransaction`; the SQL is `audit_queries`'. Reading the newest entry first
takes a transaction-scoped advisory lock, so concurrent writers append one after the other and
the log stays a single chain; the lock goes with the commit or rollback.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from broker.domain.audit import AuditEntry, AuditFilters
from broker.domain.model import Page
from broker.storage import audit_queries as q
from broker.storage.audit_rows import audit_entry
from broker.storage.driver import numbered

if TYPE_CHECKING:
    import asyncpg


class PostgresAuditRows:
    """Mixed into `PostgresTransaction`, which provides the statement helpers declared here."""

    if TYPE_CHECKING:

        async def _fetch(self, query: str, *arguments: object) -> list[asyncpg.Record]: ...

        async def _fetchrow(self, query: str, *arguments: object) -> asyncpg.Record | None: ...

        async def _count(self, query: str, *arguments: object) -> int: ...

        async def _execute(self, query: str, *arguments: object) -> None: ...

    async def last_audit_entry(self) -> AuditEntry | None:
        await self._execute(q.CHAIN_LOCK)
        row = await self._fetchrow(q.LAST_ENTRY)
        return None if row is None else audit_entry(row)

    async def insert_audit_entry(self, entry: AuditEntry) -> None:
        await self._execute(numbered(q.INSERT_ENTRY), *q.entry_values(entry))

    async def list_audit_entries(
        self, filters: AuditFilters, page: Page
    ) -> tuple[list[AuditEntry], int]:
        where, values = q.filtered(filters)
        rows = await self._fetch(numbered(q.page_query(where)), *values, page.size, page.offset)
        total = await self._count(numbered(q.count_query(where)), *values)
        return [audit_entry(row) for row in rows], total

"""The audit log on SQLite.

Mixed into `SQLiteTransaction`; the SQL is `audit_queries`'. Transactions are serialised
(`BEGIN IMMEDIATE` behind one lock), so the newest entry cannot change under a writer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from broker.domain.audit import AuditEntry, AuditFilters
from broker.domain.model import Page
from broker.storage import audit_queries as q
from broker.storage.audit_rows import audit_entry

if TYPE_CHECKING:
    from broker.storage.sqlite import Connection


class SQLiteAuditRows:
    """Mixed into `SQLiteTransaction`, which provides the connection `_c`."""

    _c: Connection

    async def last_audit_entry(self) -> AuditEntry | None:
        row = await self._c.fetch_one(q.LAST_ENTRY)
        return None if row is None else audit_entry(row)

    async def insert_audit_entry(self, entry: AuditEntry) -> None:
        await self._c.execute(q.INSERT_ENTRY, q.entry_values(entry))

    async def list_audit_entries(
        self, filters: AuditFilters, page: Page
    ) -> tuple[list[AuditEntry], int]:
        where, values = q.filtered(filters)
        rows = await self._c.fetch_all(q.page_query(where), (*values, page.size, page.offset))
        total = await self._c.fetch_one(q.count_query(where), values)
        assert total is not None
        return [audit_entry(row) for row in rows], int(total[0])

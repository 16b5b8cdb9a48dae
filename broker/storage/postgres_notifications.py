"""Consumer notifications on PostgreSQL.

Mixed into `PostgresTransaction`; the SQL is `notification_queries`'.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from broker.domain.model import Page
from broker.domain.notifications import Notification, NotifiedChange
from broker.storage import notification_queries as q
from broker.storage.pact_queries import numbered

if TYPE_CHECKING:
    import asyncpg


class PostgresNotificationRows:
    """Mixed into `PostgresTransaction`, which provides the statement helpers declared here."""

    if TYPE_CHECKING:

        async def _fetch(self, query: str, *arguments: object) -> list[asyncpg.Record]: ...

        async def _fetchrow(self, query: str, *arguments: object) -> asyncpg.Record | None: ...

        async def _count(self, query: str, *arguments: object) -> int: ...

        async def _write(
            self, query: str, *arguments: object, conflict: str, missing: str = ...
        ) -> asyncpg.Record | None: ...

    async def insert_notification(
        self,
        *,
        consumer_id: int,
        provider_id: int,
        provider_version: str,
        summary: str,
        changes: Sequence[NotifiedChange],
        change_request_id: int | None,
        now: datetime,
    ) -> Notification:
        inserted = await self._write(
            numbered(q.INSERT_NOTIFICATION),
            consumer_id,
            provider_id,
            provider_version,
            now,
            summary,
            q.changes_text(changes),
            change_request_id,
            conflict="That notification already exists",
            missing="The consumer or the provider of the notification does not exist",
        )
        assert inserted is not None
        found = await self.find_notification(inserted["id"])
        assert found is not None
        return found

    async def find_notification(self, notification_id: int) -> Notification | None:
        row = await self._fetchrow(numbered(q.FIND_NOTIFICATION), notification_id)
        return None if row is None else q.notification(row)

    async def list_notifications(
        self, consumer_id: int, page: Page
    ) -> tuple[list[Notification], int]:
        rows = await self._fetch(
            numbered(q.LIST_NOTIFICATIONS), consumer_id, page.size, page.offset
        )
        total = await self._count(numbered(q.COUNT_NOTIFICATIONS), consumer_id)
        return [q.notification(row) for row in rows], total

    async def set_notification_change_request(
        self, notification_id: int, change_request_id: int | None
    ) -> Notification | None:
        row = await self._fetchrow(
            numbered(q.SET_CHANGE_REQUEST), change_request_id, notification_id
        )
        return None if row is None else await self.find_notification(notification_id)

    async def contract_published_before(self, provider_id: int, publication_id: int) -> int | None:
        row = await self._fetchrow(numbered(q.CONTRACT_BEFORE), provider_id, publication_id)
        return None if row is None else int(row["contract_version_id"])

"""Consumer notifications: one implementation for both adapters.

The statements are `notification_queries`'; each adapter supplies only how to run one and how
to pass a time (`broker.storage.statements`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from broker.domain.model import Page
from broker.domain.notifications import Notification, NotifiedChange
from broker.storage import notification_queries as q
from broker.storage.statements import Statements


class NotificationRows(Statements):
    """The notifications part of a transaction, on whichever backend provides the hooks."""

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
        inserted = await self._insert(
            q.INSERT_NOTIFICATION,
            consumer_id,
            provider_id,
            provider_version,
            self._time(now),
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
        row = await self._one(q.FIND_NOTIFICATION, notification_id)
        return None if row is None else q.notification(row)

    async def list_notifications(
        self, consumer_id: int, page: Page
    ) -> tuple[list[Notification], int]:
        rows = await self._all(q.LIST_NOTIFICATIONS, consumer_id, page.size, page.offset)
        total = await self._one(q.COUNT_NOTIFICATIONS, consumer_id)
        assert total is not None
        return [q.notification(row) for row in rows], int(total["total"])

    async def contract_published_before(self, provider_id: int, publication_id: int) -> int | None:
        row = await self._one(q.CONTRACT_BEFORE, provider_id, publication_id)
        return None if row is None else int(row["contract_version_id"])

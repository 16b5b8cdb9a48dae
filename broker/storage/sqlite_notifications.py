"""Consumer notifications on SQLite.

Mixed into `SQLiteTransaction`; the SQL is `notification_queries`'.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from broker.domain.model import Page
from broker.domain.notifications import Notification, NotifiedChange
from broker.storage import notification_queries as q
from broker.storage.sqlite_time import to_text

if TYPE_CHECKING:
    from broker.storage.sqlite import Connection


class SQLiteNotificationRows:
    """Mixed into `SQLiteTransaction`, which provides the connection `_c`."""

    _c: Connection

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
        values = (
            consumer_id,
            provider_id,
            provider_version,
            to_text(now),
            summary,
            q.changes_text(changes),
            change_request_id,
        )
        inserted = await self._c.fetch_one(q.INSERT_NOTIFICATION, values)
        assert inserted is not None
        found = await self.find_notification(inserted["id"])
        assert found is not None
        return found

    async def find_notification(self, notification_id: int) -> Notification | None:
        row = await self._c.fetch_one(q.FIND_NOTIFICATION, (notification_id,))
        return None if row is None else q.notification(row)

    async def list_notifications(
        self, consumer_id: int, page: Page
    ) -> tuple[list[Notification], int]:
        rows = await self._c.fetch_all(q.LIST_NOTIFICATIONS, (consumer_id, page.size, page.offset))
        total = await self._c.fetch_one(q.COUNT_NOTIFICATIONS, (consumer_id,))
        assert total is not None
        return [q.notification(row) for row in rows], int(total[0])

    async def set_notification_change_request(
        self, notification_id: int, change_request_id: int | None
    ) -> Notification | None:
        row = await self._c.fetch_one(q.SET_CHANGE_REQUEST, (change_request_id, notification_id))
        return None if row is None else await self.find_notification(notification_id)

    async def contract_published_before(self, provider_id: int, publication_id: int) -> int | None:
        row = await self._c.fetch_one(q.CONTRACT_BEFORE, (provider_id, publication_id))
        return None if row is None else int(row["contract_version_id"])

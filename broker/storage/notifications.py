"""Consumer notifications: their SQL and row mapping, written once for both drivers.

The changes are a JSON array in a text column on both backends; rows come back with the
pacticipants' names joined.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import msgspec

from broker.domain.model import Page
from broker.domain.notifications import Notification, NotifiedChange
from broker.storage.driver import Driver, Row, json_text, page_of, record, written

_NAMED = (
    "SELECT n.*, c.name AS consumer_name, p.name AS provider_name FROM notifications n"
    " JOIN pacticipants c ON c.id = n.consumer_id JOIN pacticipants p ON p.id = n.provider_id"
)

# The ids of the pacticipants some teams own (by name: a team may own one not yet published),
# followed by the parenthesised list of the teams' names.
_OWNED_BY_TEAMS = (
    "SELECT p.id FROM pacticipants p JOIN team_pacticipants o ON o.pacticipant_name = p.name"
    " JOIN teams t ON t.id = o.team_id WHERE t.name IN"
)


def _notification(row: Row) -> Notification:
    return record(
        Notification,
        row,
        consumer=row["consumer_name"],
        provider=row["provider_name"],
        changes=msgspec.json.decode(row["changes"], type=tuple[NotifiedChange, ...]),
    )


class NotificationRows:
    """The `Notifications` role of a transaction."""

    _db: Driver

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
        inserted = await self._db.insert(
            "INSERT INTO notifications (consumer_id, provider_id, provider_version, created_at,"
            " summary, changes, change_request_id) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            consumer_id,
            provider_id,
            provider_version,
            self._db.time(now),
            summary,
            json_text(changes),
            change_request_id,
            conflict="That notification already exists",
            missing="The consumer or the provider of the notification does not exist",
        )
        return written(await self.find_notification(written(inserted)["id"]))

    async def find_notification(self, notification_id: int) -> Notification | None:
        row = await self._db.fetchrow(f"{_NAMED} WHERE n.id = ?", notification_id)
        return None if row is None else _notification(row)

    async def list_notifications(
        self, consumer_id: int, page: Page
    ) -> tuple[list[Notification], int]:
        # Newest first: ids grow with time, and the (consumer_id, id) index serves the order.
        rows, total = await page_of(
            self._db,
            f"{_NAMED} WHERE n.consumer_id = ? ORDER BY n.id DESC LIMIT ? OFFSET ?",
            "SELECT count(*) FROM notifications WHERE consumer_id = ?",
            consumer_id,
            page=page,
        )
        return [_notification(row) for row in rows], total

    async def list_team_notifications(
        self, teams: Sequence[str] | None, page: Page
    ) -> tuple[list[Notification], int]:
        if teams is None:
            rows, total = await page_of(
                self._db,
                f"{_NAMED} ORDER BY n.id DESC LIMIT ? OFFSET ?",
                "SELECT count(*) FROM notifications",
                page=page,
            )
            return [_notification(row) for row in rows], total
        if not teams:
            return [], 0
        placeholders = ", ".join("?" for _ in teams)
        owned = f"{_OWNED_BY_TEAMS} ({placeholders})"
        rows, total = await page_of(
            self._db,
            f"{_NAMED} WHERE n.consumer_id IN ({owned}) ORDER BY n.id DESC LIMIT ? OFFSET ?",
            f"SELECT count(*) FROM notifications WHERE consumer_id IN ({owned})",  # noqa: S608 - placeholders only
            *teams,
            page=page,
        )
        return [_notification(row) for row in rows], total

    async def contract_published_before(self, provider_id: int, publication_id: int) -> int | None:
        # The document of the provider's publication just before another (ids grow with
        # publishing).
        found = await self._db.fetchval(
            "SELECT contract_version_id FROM provider_contract_publications"
            " WHERE provider_id = ? AND id < ? ORDER BY id DESC LIMIT 1",
            provider_id,
            publication_id,
        )
        return None if found is None else int(found)

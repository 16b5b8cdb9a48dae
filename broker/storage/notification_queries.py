"""The SQL of consumer notifications, shared by both adapters, and their row mapping.

`?` placeholders; `driver.numbered` converts them for PostgreSQL. The changes are a JSON
array in a text column on both backends; rows come back with the pacticipants' names joined.
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from broker.domain.notifications import Notification, NotifiedChange
from broker.storage.driver import Row, moment

INSERT_NOTIFICATION = (
    "INSERT INTO notifications (consumer_id, provider_id, provider_version, created_at, summary,"
    " changes, change_request_id) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id"
)
_NAMED = (
    "SELECT n.*, c.name AS consumer_name, p.name AS provider_name FROM notifications n"
    " JOIN pacticipants c ON c.id = n.consumer_id JOIN pacticipants p ON p.id = n.provider_id"
)
FIND_NOTIFICATION = f"{_NAMED} WHERE n.id = ?"
# Newest first: ids grow with time, and the (consumer_id, id) index serves the order.
LIST_NOTIFICATIONS = f"{_NAMED} WHERE n.consumer_id = ? ORDER BY n.id DESC LIMIT ? OFFSET ?"
COUNT_NOTIFICATIONS = "SELECT count(*) AS total FROM notifications WHERE consumer_id = ?"
# The document of the provider's publication just before another (ids grow with publishing).
CONTRACT_BEFORE = (
    "SELECT contract_version_id FROM provider_contract_publications"
    " WHERE provider_id = ? AND id < ? ORDER BY id DESC LIMIT 1"
)


def changes_text(changes: Sequence[NotifiedChange]) -> str:
    """The `changes` column: a JSON array of the changes."""
    return msgspec.json.encode(list(changes)).decode("utf-8")


def notification(row: Row) -> Notification:
    """A `notifications` row joined with its pacticipants' names."""
    return Notification(
        id=row["id"],
        consumer=row["consumer_name"],
        provider=row["provider_name"],
        provider_version=row["provider_version"],
        created_at=moment(row["created_at"]),
        summary=row["summary"],
        changes=msgspec.json.decode(row["changes"], type=tuple[NotifiedChange, ...]),
        change_request_id=row["change_request_id"],
    )

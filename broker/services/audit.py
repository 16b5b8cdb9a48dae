"""Appending to the audit log from inside a write, and reading it back.

Each write service calls `audit(...)` as the last step of its transaction, so the entry
commits with the write or not at all; on PostgreSQL the chain's lock is then held only from
the append to the commit.
"""

from __future__ import annotations

from datetime import datetime

import msgspec

from broker.domain.audit import (
    AuditEntry,
    AuditFilters,
    AuditRecord,
    append,
    audit_time,
    state_hash,
)
from broker.domain.model import Page
from broker.services.actor import current_actor
from broker.storage.interface import Storage, Transaction


async def audit(  # noqa: PLR0917 - one line per call site reads best positionally
    tx: Transaction,
    now: datetime,
    action: str,
    subject: str,
    before: str | None,
    after: str | None,
    *pacticipants: str,
) -> AuditEntry:
    """Append what the current actor just did to `subject` (its content hashes before/after)."""
    record = AuditRecord(
        at=audit_time(now),
        actor=current_actor.get().name,
        action=action,
        subject=subject,
        pacticipants=tuple(dict.fromkeys(pacticipants)),
        hash_before=before,
        hash_after=after,
    )
    entry = append(await tx.last_audit_entry(), record)
    await tx.insert_audit_entry(entry)
    return entry


class AuditService:
    """Reading the log."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    async def entries(self, filters: AuditFilters, page: Page) -> tuple[list[AuditEntry], int]:
        """One page of the matching entries, oldest first, and how many match."""
        async with self._storage.transaction() as tx:
            return await tx.list_audit_entries(filters, page)


def fields_hash(value: msgspec.Struct | None) -> str | None:
    """A resource's content hash: SHA-256 of its fields as canonical JSON; None if absent."""
    return None if value is None else state_hash(msgspec.to_builtins(value))

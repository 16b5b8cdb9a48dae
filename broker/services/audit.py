"""Appending to the audit log from inside a write, and reading it back.

Each write service calls `audit(...)` as the last step of its transaction, so the entry
commits with the write or not at all; on PostgreSQL the chain's lock is then held only from
the append to the commit.
"""

from __future__ import annotations

import asyncio
from contextvars import ContextVar
from datetime import datetime

import msgspec

from broker.domain.audit import (
    AuditEntry,
    AuditFilters,
    AuditRecord,
    ChainBreak,
    append,
    audit_time,
    first_break,
    state_hash,
)
from broker.domain.model import Page
from broker.services.actor import current_actor
from broker.storage.interface import AuditLog, Storage

audit_key: ContextVar[bytes | None] = ContextVar("audit_key", default=None)
"""The key entries are sealed with (`ACCORD_AUDIT_KEY`), set by the HTTP layer per request."""

appended: ContextVar[list[AuditEntry] | None] = ContextVar("appended", default=None)
"""Where the HTTP layer collects the entries a request appends, to log the new head once the
request's transaction has committed; None: nobody collects."""


async def audit(  # noqa: PLR0917 - one line per call site reads best positionally
    tx: AuditLog,
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
    entry = append(await tx.last_audit_entry(), record, audit_key.get())
    await tx.insert_audit_entry(entry)
    if (collected := appended.get()) is not None:
        collected.append(entry)
    return entry


# How many entries a check of the chain reads at a time, and at most per request, so a page
# answers in bounded time (10,000 sealed entries take about 0.3 s to recompute);
# `accord verify-audit-log` checks a log of any length.
CHECK_BATCH = 1000
CHECK_LIMIT = 10_000


class ChainCheck(msgspec.Struct, frozen=True, kw_only=True):
    """The chain recomputed from its first entry: how far, and where it broke, if it did.

    `checked` is below `total` when the log is longer than a check reads; `keyed` says
    whether MACs were checked too (the broker holds an audit key, and the whole chain was read).
    """

    head: AuditEntry | None
    checked: int
    total: int
    broken: ChainBreak | None
    keyed: bool

    @property
    def is_complete(self) -> bool:
        """Whether every entry was checked."""
        return self.checked >= self.total


class AuditService:
    """Reading the log."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    async def entries(self, filters: AuditFilters, page: Page) -> tuple[list[AuditEntry], int]:
        """One page of the matching entries, oldest first, and how many match."""
        async with self._storage.browse() as tx:
            return await tx.list_audit_entries(filters, page)

    async def head(self) -> AuditEntry | None:
        """The newest entry; None while the log is empty."""
        async with self._storage.transaction() as tx:
            return await tx.last_audit_entry()

    async def check_chain(self, limit: int = CHECK_LIMIT) -> ChainCheck:
        """Recompute the chain from its first entry, up to `limit` entries.

        With the audit key (`audit_key`, set per request), MACs are checked as
        `accord verify-audit-log` checks them.
        """
        key = audit_key.get()
        entries: list[AuditEntry] = []
        async with self._storage.browse() as tx:
            newest = await tx.last_audit_entry()
            total = 0 if newest is None else newest.seq
            everything = AuditFilters()
            number = 1
            while len(entries) < min(limit, total):
                batch, _ = await tx.list_audit_entries(
                    everything, Page(number=number, size=CHECK_BATCH)
                )
                if not batch:
                    break
                entries.extend(batch[: limit - len(entries)])
                number += 1
        complete = len(entries) >= total
        # The MACs' rule is about the newest entry: it holds only over the whole chain.
        keyed = key is not None and complete
        # Recomputing is CPU work: in a thread, so the event loop keeps serving meanwhile.
        broken = await asyncio.to_thread(first_break, entries, key if keyed else None)
        return ChainCheck(
            head=newest, checked=len(entries), total=total, broken=broken, keyed=keyed
        )

    async def anchor(self, now: datetime) -> AuditEntry | None:
        """Seal the log under the current key: append `audit.anchor` if the newest entry has no MAC.

        Run at start when a key is configured, so a log written before the key was set is
        vouched for at once (the anchor's hash covers every entry before it), not at the next
        write. None when there was nothing to do.
        """
        async with self._storage.transaction() as tx:
            newest = await tx.last_audit_entry()
            if newest is None or newest.mac is not None:
                return None
            return await audit(tx, now, "audit.anchor", "audit", newest.entry_hash, None)


def fields_hash(value: msgspec.Struct | None) -> str | None:
    """A resource's content hash: SHA-256 of its fields as canonical JSON; None if absent."""
    return None if value is None else state_hash(msgspec.to_builtins(value))

"""The audit log on each backend: appended inside a transaction, read back filtered and paged."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from broker.domain.audit import AuditFilters, entry_mac, first_break
from broker.domain.errors import ConflictError
from broker.domain.model import PacticipantChanges, Page
from broker.services.actor import Actor, current_actor
from broker.services.audit import audit, audit_key
from broker.storage.interface import Storage


async def write(storage: Storage, now: datetime, action: str, subject: str, *names: str) -> None:
    async with storage.transaction() as tx:
        await audit(tx, now, action, subject, None, "a" * 64, *names)


async def test_entries_come_back_exactly_as_appended_and_chained(
    storage: Storage, now: datetime
) -> None:
    await write(storage, now, "pacticipant.create", "pacticipant:Web", "Web")
    token = current_actor.set(Actor(name="ci-bot", role="write"))
    try:
        await write(
            storage,
            now + timedelta(seconds=1),
            "pact.publish",
            "pact:Web->Orders@1",
            "Web",
            "Orders",
        )
    finally:
        current_actor.reset(token)
    async with storage.transaction() as tx:
        entries, total = await tx.list_audit_entries(AuditFilters(), Page())
    assert total == 2
    assert [(e.seq, e.record.actor, e.record.action) for e in entries] == [
        (1, "anonymous", "pacticipant.create"),
        (2, "ci-bot", "pact.publish"),
    ]
    assert entries[0].record.at == "2024-05-17T09:30:15.123456+00:00"
    assert entries[1].record.pacticipants == ("Web", "Orders")
    assert entries[0].record.hash_before is None
    assert first_break(entries) is None


async def test_an_entry_rolls_back_with_its_write(storage: Storage, now: datetime) -> None:
    async with storage.transaction() as tx:
        await tx.insert_pacticipant("Web", PacticipantChanges(), now)
    with pytest.raises(ConflictError):
        async with storage.transaction() as tx:
            await audit(tx, now, "pacticipant.create", "pacticipant:Web", None, "b" * 64, "Web")
            await tx.insert_pacticipant("Web", PacticipantChanges(), now)
    await write(storage, now, "pacticipant.create", "pacticipant:Orders", "Orders")
    async with storage.transaction() as tx:
        entries, total = await tx.list_audit_entries(AuditFilters(), Page())
    assert total == 1
    assert entries[0].seq == 1
    assert entries[0].record.subject == "pacticipant:Orders"


async def test_filters_and_paging(storage: Storage, now: datetime) -> None:
    await write(storage, now, "pacticipant.create", "pacticipant:Web", "Web")
    await write(
        storage, now + timedelta(minutes=1), "pacticipant.create", "pacticipant:Web_2", "Web_2"
    )
    await write(
        storage, now + timedelta(minutes=2), "pact.publish", "pact:Web->Orders@1", "Web", "Orders"
    )
    await write(
        storage,
        now + timedelta(minutes=3),
        "pact.publish",
        "pact:Web_2->Orders@1",
        "Web_2",
        "Orders",
    )

    async def seqs(page: Page | None = None, **filters: object) -> tuple[list[int], int]:
        async with storage.transaction() as tx:
            found, total = await tx.list_audit_entries(AuditFilters(**filters), page or Page())  # type: ignore[arg-type]
        return [e.seq for e in found], total

    assert await seqs(action="pact.publish") == ([3, 4], 2)
    assert await seqs(subject="pacticipant:Web") == ([1], 1)
    assert await seqs(actor="anonymous") == ([1, 2, 3, 4], 4)
    assert await seqs(actor="someone-else") == ([], 0)
    # A whole name: "Web" is not "Web_2" (nor a LIKE pattern matching it).
    assert await seqs(pacticipant="Web") == ([1, 3], 2)
    assert await seqs(pacticipant="Web_2") == ([2, 4], 2)
    assert await seqs(pacticipant="Orders") == ([3, 4], 2)
    assert await seqs(pacticipant="W%") == ([], 0)
    assert await seqs(since=now + timedelta(minutes=1)) == ([2, 3, 4], 3)
    assert await seqs(until=now + timedelta(minutes=2)) == ([1, 2], 2)
    assert await seqs(
        since=now + timedelta(minutes=1), until=now + timedelta(minutes=3), pacticipant="Web"
    ) == ([3], 1)
    assert await seqs(Page(number=2, size=3)) == ([4], 4)
    assert await seqs(Page(number=1, size=3)) == ([1, 2, 3], 4)


async def test_trust_12_entries_sealed_under_the_audit_key_keep_their_mac(
    storage: Storage, now: datetime
) -> None:
    await write(storage, now, "pacticipant.create", "pacticipant:Web", "Web")
    key = b"k" * 32
    reset = audit_key.set(key)
    try:
        await write(storage, now, "pacticipant.create", "pacticipant:Orders", "Orders")
    finally:
        audit_key.reset(reset)
    async with storage.transaction() as tx:
        entries, _ = await tx.list_audit_entries(AuditFilters(), Page())
        newest = await tx.last_audit_entry()
    assert entries[0].mac is None
    assert entries[1].mac == entry_mac(key, entries[1].entry_hash)
    assert newest == entries[1]
    assert first_break(entries, key) is None
    assert first_break(entries, b"x" * 32) is not None

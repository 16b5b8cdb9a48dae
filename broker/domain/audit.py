"""The audit log: one entry per write, each chained to the one before by a hash.

An entry's hash is the SHA-256 of a canonical encoding of its fields and the previous entry's
hash (the first entry follows `GENESIS`), so changing, removing or reordering an entry breaks
the chain at that entry. Times are kept as the UTC text that was hashed, so both databases
give back exactly what went into the hash. The SDK recomputes the same encoding
(`clients/sdk/audit.py`); the e2e tests hold the two together.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

import msgspec

GENESIS = "0" * 64
"""The previous hash of the first entry."""


class AuditRecord(msgspec.Struct, frozen=True, kw_only=True):
    """What a write says about itself: who did what to which subject, and when."""

    at: str  # UTC, ISO 8601 with microseconds: `audit_time(now)`
    actor: str
    action: str  # `pacticipant.create`, `pact.publish`, …
    subject: str  # `pacticipant:Orders`, `pact:Web->Orders@1.0.0`, …
    pacticipants: tuple[str, ...]  # the pacticipants the subject belongs to, for filtering
    hash_before: str | None  # the subject's content hash before the write; None if it did not exist
    hash_after: str | None  # … and after; None if it no longer exists


class AuditEntry(msgspec.Struct, frozen=True, kw_only=True):
    """A record as the log holds it: its place in the chain and the hashes linking it."""

    seq: int  # 1, 2, 3, … in the order of appending
    record: AuditRecord
    previous_hash: str
    entry_hash: str


class AuditFilters(msgspec.Struct, frozen=True, kw_only=True):
    """Which entries a reader asks for; None: any."""

    actor: str | None = None
    action: str | None = None
    subject: str | None = None
    pacticipant: str | None = None
    since: datetime | None = None  # at or after
    until: datetime | None = None  # before


class ChainBreak(msgspec.Struct, frozen=True, kw_only=True):
    """The first entry at which the chain does not hold, and why."""

    seq: int
    reason: str


def audit_time(moment: datetime) -> str:
    """A time as the log keeps it: UTC, microseconds, `+00:00`."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def canonical(seq: int, record: AuditRecord, previous_hash: str) -> bytes:
    """The bytes an entry's hash covers: a compact JSON array of its fields in a fixed order."""
    fields = [
        seq,
        record.at,
        record.actor,
        record.action,
        record.subject,
        list(record.pacticipants),
        record.hash_before,
        record.hash_after,
        previous_hash,
    ]
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode()


def entry_hash(seq: int, record: AuditRecord, previous_hash: str) -> str:
    """The hash naming an entry."""
    return hashlib.sha256(canonical(seq, record, previous_hash)).hexdigest()


def append(previous: AuditEntry | None, record: AuditRecord) -> AuditEntry:
    """The entry that follows `previous` (None: the log is empty)."""
    seq = 1 if previous is None else previous.seq + 1
    before = GENESIS if previous is None else previous.entry_hash
    return AuditEntry(
        seq=seq, record=record, previous_hash=before, entry_hash=entry_hash(seq, record, before)
    )


def state_hash(fields: Mapping[str, object]) -> str:
    """SHA-256 of a resource's fields as canonical JSON (sorted keys; times and others as text)."""
    text = json.dumps(
        fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    )
    return hashlib.sha256(text.encode()).hexdigest()


def first_break(entries: Iterable[AuditEntry]) -> ChainBreak | None:
    """The first entry (in the order given) whose place or hash does not hold; None if intact."""
    expected_seq, expected_previous = 1, GENESIS
    for entry in entries:
        if entry.seq != expected_seq:
            return ChainBreak(
                seq=entry.seq, reason=f"it comes where entry {expected_seq} should be"
            )
        if entry.previous_hash != expected_previous:
            return ChainBreak(
                seq=entry.seq, reason="its previous hash is not the hash of the entry before it"
            )
        if entry.entry_hash != entry_hash(entry.seq, entry.record, entry.previous_hash):
            return ChainBreak(seq=entry.seq, reason="its fields do not match its hash")
        expected_seq, expected_previous = entry.seq + 1, entry.entry_hash
    return None

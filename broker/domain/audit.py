"""The audit log: one entry per write, each chained to the one before by a hash.

An entry's hash is the SHA-256 of a canonical encoding of its fields and the previous entry's
hash (the first entry follows `GENESIS`), so changing, removing or reordering an entry breaks
the chain at that entry. Times are kept as the UTC text that was hashed, so both databases
give back exactly what went into the hash. The SDK recomputes the same encoding
(`clients/sdk/_audit.py`); the e2e tests hold the two together.

A chain alone proves nothing to someone who can write the database: they can edit a row and
recompute every later hash. With an audit key (`ACCORD_AUDIT_KEY`, held by the broker and the
auditors, never stored), each entry also carries `mac`, an HMAC-SHA256 of its hash under that
key. Since each hash covers the one before, the newest keyed entry vouches for every entry
before it; so a check with the key wants a valid `mac` on the newest entry and on every entry
after the first keyed one (entries written before the key was set are covered through the
chain). Deleting the newest rows leaves a valid, shorter chain: comparing the head
(`SEQ:HASH`) with one kept elsewhere catches that.
"""

from __future__ import annotations

import hashlib
import hmac
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
    mac: str | None = None  # HMAC-SHA256 of `entry_hash` under the audit key; None without one


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


def entry_mac(key: bytes, hash_: str) -> str:
    """The MAC of an entry whose hash is `hash_`, under the audit key."""
    return hmac.new(key, hash_.encode(), hashlib.sha256).hexdigest()


def append(
    previous: AuditEntry | None, record: AuditRecord, key: bytes | None = None
) -> AuditEntry:
    """The entry that follows `previous` (None: the log is empty), sealed with `key` if given."""
    seq = 1 if previous is None else previous.seq + 1
    before = GENESIS if previous is None else previous.entry_hash
    hash_ = entry_hash(seq, record, before)
    return AuditEntry(
        seq=seq,
        record=record,
        previous_hash=before,
        entry_hash=hash_,
        mac=None if key is None else entry_mac(key, hash_),
    )


def head(entry: AuditEntry) -> str:
    """The head of a log whose newest entry is `entry`, as `SEQ:HASH`."""
    return f"{entry.seq}:{entry.entry_hash}"


def state_hash(fields: Mapping[str, object]) -> str:
    """SHA-256 of a resource's fields as canonical JSON (sorted keys; times and others as text)."""
    text = json.dumps(
        fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    )
    return hashlib.sha256(text.encode()).hexdigest()


def _mac_problem(entry: AuditEntry, key: bytes, keyed: bool) -> str | None:
    """Why an entry's MAC does not hold under `key` (None if it does, or need not be there)."""
    if entry.mac is None:
        return "it carries no MAC after keyed entries" if keyed else None
    if not hmac.compare_digest(entry.mac, entry_mac(key, entry.entry_hash)):
        return "its MAC is not valid under the audit key"
    return None


def first_break(entries: Iterable[AuditEntry], key: bytes | None = None) -> ChainBreak | None:
    """The first entry (in the order given) whose place, hash or MAC does not hold; None if intact.

    With `key`, every entry from the first keyed one on, and the newest, must carry a valid MAC.
    """
    expected_seq, expected_previous = 1, GENESIS
    keyed = False
    last: AuditEntry | None = None
    for entry in entries:
        reason = None
        if entry.seq != expected_seq:
            reason = f"it comes where entry {expected_seq} should be"
        elif entry.previous_hash != expected_previous:
            reason = "its previous hash is not the hash of the entry before it"
        elif entry.entry_hash != entry_hash(entry.seq, entry.record, entry.previous_hash):
            reason = "its fields do not match its hash"
        elif key is not None:
            reason = _mac_problem(entry, key, keyed)
            keyed = keyed or entry.mac is not None
        if reason is not None:
            return ChainBreak(seq=entry.seq, reason=reason)
        expected_seq, expected_previous = entry.seq + 1, entry.entry_hash
        last = entry
    if key is not None and last is not None and last.mac is None:
        return ChainBreak(seq=last.seq, reason="the newest entry carries no MAC")
    return None

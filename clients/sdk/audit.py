"""The broker's audit log as the SDK reads it, and the check of its hash chain.

Each entry's `entryHash` is the SHA-256 of a compact JSON array of its fields (seq, at, actor,
action, subject, pacticipants, hashBefore, hashAfter, previousHash), and `previousHash` is the
entry before's hash (64 zeros for the first). This restates the broker's rule
(`broker/domain/audit.py`) from the wire format, since the SDK never imports the broker; the
end-to-end tests check one against the other.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping

import msgspec

from clients.sdk.operations import Operation, Session
from clients.sdk.wire import Link, Resource

GENESIS = "0" * 64


class AuditEntry(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """One write the broker recorded."""

    seq: int
    at: str
    actor: str
    action: str
    subject: str
    pacticipants: list[str] = msgspec.field(default_factory=list)
    hash_before: str | None = None
    hash_after: str | None = None
    previous_hash: str
    entry_hash: str


class AuditEmbedded(msgspec.Struct, frozen=True, kw_only=True):
    """`_embedded` of an audit page."""

    entries: list[AuditEntry] = msgspec.field(default_factory=list)


class AuditPage(Resource, frozen=True, kw_only=True):
    """`GET /audit`: one page of entries, oldest first."""

    embedded: AuditEmbedded = msgspec.field(default_factory=AuditEmbedded, name="_embedded")


class ChainBreak(msgspec.Struct, frozen=True, kw_only=True):
    """The first entry at which the chain does not hold."""

    entry: AuditEntry
    reason: str


def entry_hash(entry: AuditEntry) -> str:
    """The hash an entry should carry, from its fields and its previous hash."""
    fields = [
        entry.seq,
        entry.at,
        entry.actor,
        entry.action,
        entry.subject,
        entry.pacticipants,
        entry.hash_before,
        entry.hash_after,
        entry.previous_hash,
    ]
    encoded = json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode()
    return hashlib.sha256(encoded).hexdigest()


def first_break(entries: Iterable[AuditEntry]) -> ChainBreak | None:
    """The first entry (oldest first) whose place or hash does not hold; None if intact."""
    expected_seq, expected_previous = 1, GENESIS
    for entry in entries:
        if entry.seq != expected_seq:
            return ChainBreak(entry=entry, reason=f"it comes where entry {expected_seq} should be")
        if entry.previous_hash != expected_previous:
            reason = "its previous hash is not the hash of the entry before it"
            return ChainBreak(entry=entry, reason=reason)
        if entry.entry_hash != entry_hash(entry):
            return ChainBreak(entry=entry, reason="its fields do not match its hash")
        expected_seq, expected_previous = entry.seq + 1, entry.entry_hash
    return None


def audit_entries(
    session: Session, filters: Mapping[str, str] | None = None, *, page_size: int = 1000
) -> Operation[list[AuditEntry]]:
    """`GET /audit` with `filters`, following `next` links until the last page."""
    params = {**(filters or {}), "size": str(page_size)}
    page = yield from session.fetch("GET", "/audit", AuditPage, params=params)
    entries = list(page.embedded.entries)
    while isinstance(following := page.links.get("next"), Link):
        page = yield from session.fetch("GET", following.href, AuditPage)
        entries.extend(page.embedded.entries)
    return entries

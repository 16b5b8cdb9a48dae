"""The broker's audit log as the SDK reads it, and the check of its hash chain.

Each entry's `entryHash` is the SHA-256 of a compact JSON array of its fields (seq, at, actor,
action, subject, pacticipants, hashBefore, hashAfter, previousHash), and `previousHash` is the
entry before's hash (64 zeros for the first). This restates the broker's rule
(`broker/domain/audit.py`) from the wire format, since the SDK never imports the broker; the
end-to-end tests check one against the other.

With the broker's audit key (`ACCORD_AUDIT_KEY`), each entry's `mac` is the HMAC-SHA256 of its
`entryHash`; a check given the key wants a valid MAC on the newest entry and on every entry
after the first keyed one, so a chain recomputed without the key fails.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping

import msgspec

from clients.sdk._operations import Operation, Session
from clients.sdk._wire import Link, Resource

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
    mac: str | None = None


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


def entry_mac(key: bytes, hash_: str) -> str:
    """The MAC an entry whose hash is `hash_` should carry under the audit key."""
    return hmac.new(key, hash_.encode(), hashlib.sha256).hexdigest()


def head(entries: list[AuditEntry]) -> str:
    """The log's head as `SEQ:HASH` (`0:` and 64 zeros while it is empty)."""
    return f"{entries[-1].seq}:{entries[-1].entry_hash}" if entries else f"0:{GENESIS}"


def _mac_problem(entry: AuditEntry, key: bytes, keyed: bool) -> str | None:
    """Why an entry's MAC does not hold under `key` (None if it does, or need not be there)."""
    if entry.mac is None:
        return "it carries no MAC after keyed entries" if keyed else None
    if not hmac.compare_digest(entry.mac, entry_mac(key, entry.entry_hash)):
        return "its MAC is not valid under the audit key"
    return None


def first_break(entries: Iterable[AuditEntry], key: bytes | None = None) -> ChainBreak | None:
    """The first entry (oldest first) whose place, hash or MAC does not hold; None if intact."""
    expected_seq, expected_previous = 1, GENESIS
    keyed = False
    last: AuditEntry | None = None
    for entry in entries:
        reason = None
        if entry.seq != expected_seq:
            reason = f"it comes where entry {expected_seq} should be"
        elif entry.previous_hash != expected_previous:
            reason = "its previous hash is not the hash of the entry before it"
        elif entry.entry_hash != entry_hash(entry):
            reason = "its fields do not match its hash"
        elif key is not None:
            reason = _mac_problem(entry, key, keyed)
            keyed = keyed or entry.mac is not None
        if reason is not None:
            return ChainBreak(entry=entry, reason=reason)
        expected_seq, expected_previous = entry.seq + 1, entry.entry_hash
        last = entry
    if key is not None and last is not None and last.mac is None:
        return ChainBreak(entry=last, reason="the newest entry carries no MAC")
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

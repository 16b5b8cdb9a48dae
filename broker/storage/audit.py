"""The audit log: its SQL and row mapping, written once for both drivers.

Reading the newest entry first takes the driver's audit-chain lock, so concurrent writers
append one after the other and the log stays a single chain; the lock goes with the commit or
rollback. `at` is the UTC text that was hashed, stored as text on both backends.
"""

from __future__ import annotations

from broker.domain.audit import AuditEntry, AuditFilters, AuditRecord, audit_time
from broker.domain.model import Page
from broker.storage.driver import Driver, Row, equal, like_literal, page_of


def _joined(names: tuple[str, ...]) -> str:
    """The `pacticipants` column: each name between newlines, so a LIKE finds a whole name."""
    return "".join(f"\n{name}" for name in names) + "\n"


def _split(column: str) -> tuple[str, ...]:
    return tuple(column.strip("\n").split("\n")) if column.strip("\n") else ()


def _entry(row: Row) -> AuditEntry:
    return AuditEntry(
        seq=row["seq"],
        record=AuditRecord(
            at=row["at"],
            actor=row["actor"],
            action=row["action"],
            subject=row["subject"],
            pacticipants=_split(row["pacticipants"]),
            hash_before=row["hash_before"],
            hash_after=row["hash_after"],
        ),
        previous_hash=row["previous_hash"],
        entry_hash=row["entry_hash"],
        mac=row["mac"],
    )


def _filtered(filters: AuditFilters) -> tuple[str, list[object]]:
    """The WHERE clause (or "") and its parameters for these filters."""
    clauses, values = equal(actor=filters.actor, action=filters.action, subject=filters.subject)
    if filters.pacticipant is not None:
        clauses.append("pacticipants LIKE ? ESCAPE '\\'")
        values.append(f"%\n{like_literal(filters.pacticipant)}\n%")
    if filters.since is not None:
        clauses.append("at >= ?")
        values.append(audit_time(filters.since))
    if filters.until is not None:
        clauses.append("at < ?")
        values.append(audit_time(filters.until))
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", values


class AuditRows:
    """The `AuditLog` role of a transaction."""

    _db: Driver

    async def last_audit_entry(self) -> AuditEntry | None:
        await self._db.lock_audit_chain()
        row = await self._db.fetchrow("SELECT * FROM audit_log ORDER BY seq DESC LIMIT 1")
        return None if row is None else _entry(row)

    async def insert_audit_entry(self, entry: AuditEntry) -> None:
        r = entry.record
        await self._db.execute(
            "INSERT INTO audit_log (seq, at, actor, action, subject, pacticipants, hash_before,"
            " hash_after, previous_hash, entry_hash, mac) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            entry.seq,
            r.at,
            r.actor,
            r.action,
            r.subject,
            _joined(r.pacticipants),
            r.hash_before,
            r.hash_after,
            entry.previous_hash,
            entry.entry_hash,
            entry.mac,
        )

    async def list_audit_entries(
        self, filters: AuditFilters, page: Page
    ) -> tuple[list[AuditEntry], int]:
        where, values = _filtered(filters)
        # Oldest first: appends never move earlier pages.
        rows, total = await page_of(
            self._db,
            f"SELECT * FROM audit_log{where} ORDER BY seq LIMIT ? OFFSET ?",  # noqa: S608 - fixed columns
            f"SELECT count(*) FROM audit_log{where}",  # noqa: S608 - fixed columns
            *values,
            page=page,
        )
        return [_entry(row) for row in rows], total

"""The SQL of the audit log, shared by both adapters.

`?` placeholders; `driver.numbered` converts them for PostgreSQL.
"""

from __future__ import annotations

from broker.domain.audit import AuditEntry, AuditFilters, audit_time

LAST_ENTRY = "SELECT * FROM audit_log ORDER BY seq DESC LIMIT 1"
INSERT_ENTRY = (
    "INSERT INTO audit_log (seq, at, actor, action, subject, pacticipants, hash_before,"
    " hash_after, previous_hash, entry_hash, mac) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
# Any constant key names the chain's lock; this one spells "audit" in ASCII.
CHAIN_LOCK = "SELECT pg_advisory_xact_lock(418581342580)"


def joined_pacticipants(names: tuple[str, ...]) -> str:
    """The `pacticipants` column: each name between newlines, so a LIKE finds a whole name."""
    return "".join(f"\n{name}" for name in names) + "\n"


def split_pacticipants(column: str) -> tuple[str, ...]:
    """The names of a `pacticipants` column."""
    return tuple(column.strip("\n").split("\n")) if column.strip("\n") else ()


def entry_values(entry: AuditEntry) -> tuple[object, ...]:
    """The parameters of `INSERT_ENTRY`."""
    r = entry.record
    return (
        entry.seq,
        r.at,
        r.actor,
        r.action,
        r.subject,
        joined_pacticipants(r.pacticipants),
        r.hash_before,
        r.hash_after,
        entry.previous_hash,
        entry.entry_hash,
        entry.mac,
    )


def _like_literal(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def filtered(filters: AuditFilters) -> tuple[str, list[object]]:
    """The WHERE clause (or "") and its parameters for these filters."""
    clauses: list[str] = []
    values: list[object] = []
    for column, value in (
        ("actor", filters.actor),
        ("action", filters.action),
        ("subject", filters.subject),
    ):
        if value is not None:
            clauses.append(f"{column} = ?")
            values.append(value)
    if filters.pacticipant is not None:
        clauses.append("pacticipants LIKE ? ESCAPE '\\'")
        values.append(f"%\n{_like_literal(filters.pacticipant)}\n%")
    if filters.since is not None:
        clauses.append("at >= ?")
        values.append(audit_time(filters.since))
    if filters.until is not None:
        clauses.append("at < ?")
        values.append(audit_time(filters.until))
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", values


def page_query(where: str) -> str:
    """One page of the matching entries, oldest first (appends never move earlier pages)."""
    return f"SELECT * FROM audit_log{where} ORDER BY seq LIMIT ? OFFSET ?"  # noqa: S608 - fixed columns


def count_query(where: str) -> str:
    """How many entries match."""
    return f"SELECT count(*) FROM audit_log{where}"  # noqa: S608 - fixed columns

"""Row mapping of the audit log, for either driver."""

from __future__ import annotations

from broker.domain.audit import AuditEntry, AuditRecord
from broker.storage.audit_queries import split_pacticipants
from broker.storage.driver import Row


def audit_entry(row: Row) -> AuditEntry:
    """An `audit_log` row."""
    return AuditEntry(
        seq=row["seq"],
        record=AuditRecord(
            at=row["at"],
            actor=row["actor"],
            action=row["action"],
            subject=row["subject"],
            pacticipants=split_pacticipants(row["pacticipants"]),
            hash_before=row["hash_before"],
            hash_after=row["hash_after"],
        ),
        previous_hash=row["previous_hash"],
        entry_hash=row["entry_hash"],
        mac=row["mac"],
    )

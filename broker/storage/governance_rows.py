"""Row mapping of change requests, policies and their JSON columns, for either driver."""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from broker.domain.governance import (
    Affected,
    Approval,
    ChangeRequest,
    Kind,
    Policy,
    Requirement,
    Status,
)
from broker.storage.driver import Row, moment


def provider_column(provider: str | None) -> str:
    """A subject's provider as stored: '' for a provider contract."""
    return provider or ""


def requirements_text(requirements: Sequence[Requirement]) -> str:
    """The `requirements` column."""
    return msgspec.json.encode(list(requirements)).decode("utf-8")


def affected_text(affected: Sequence[Affected]) -> str:
    """The `affected` column."""
    return msgspec.json.encode(list(affected)).decode("utf-8")


def approval(row: Row) -> Approval:
    """A `change_request_approvals` row."""
    return Approval(
        approver=row["approver"],
        teams=tuple(msgspec.json.decode(row["teams"], type=list[str])),
        at=moment(row["approved_at"]),
        requirement=row["requirement"],
        team=row["team"],
    )


def change_request(
    row: Row, approvals: Sequence[Approval], versions: Sequence[str]
) -> ChangeRequest:
    """A `change_requests` row with its approvals and versions."""
    decided = row["decided_at"]
    return ChangeRequest(
        id=row["id"],
        kind=Kind(row["kind"]),
        pacticipant=row["pacticipant_name"],
        provider=row["provider_name"] or None,
        content_sha=row["content_sha"],
        base_sha=row["base_sha"],
        author=row["author"],
        status=Status(row["status"]),
        requirements=tuple(msgspec.json.decode(row["requirements"], type=list[Requirement])),
        affected=tuple(msgspec.json.decode(row["affected"], type=list[Affected])),
        created_at=moment(row["created_at"]),
        approvals=tuple(approvals),
        versions=tuple(versions),
        decided_at=None if decided is None else moment(decided),
        decided_by=row["decided_by"],
        rejection_reason=row["rejection_reason"],
        superseded_by=row["superseded_by"],
        override_reason=row["override_reason"],
    )


def policy(row: Row) -> Policy:
    """An `approval_policies` row."""
    return Policy(
        pacticipant=row["pacticipant_name"],
        teams=tuple(msgspec.json.decode(row["teams"], type=list[str])),
        required=row["required"],
    )

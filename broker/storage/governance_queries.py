"""The SQL of modes, approval policies, change requests and approved content, for both adapters.

`?` placeholders; `driver.numbered` converts them for PostgreSQL. A change request's
subject is (kind, pacticipant_name, provider_name), with '' for a provider contract's provider.
"""

from __future__ import annotations

import msgspec

FIND_MODE = "SELECT mode FROM pacticipant_modes WHERE pacticipant_name = ?"
SAVE_MODE = (
    "INSERT INTO pacticipant_modes (pacticipant_name, mode, updated_at) VALUES (?, ?, ?)"
    " ON CONFLICT (pacticipant_name) DO UPDATE SET mode = excluded.mode,"
    " updated_at = excluded.updated_at"
)
FIND_POLICY = "SELECT * FROM approval_policies WHERE pacticipant_name = ?"
SAVE_POLICY = (
    "INSERT INTO approval_policies (pacticipant_name, teams, required, updated_at)"
    " VALUES (?, ?, ?, ?) ON CONFLICT (pacticipant_name) DO UPDATE SET teams = excluded.teams,"
    " required = excluded.required, updated_at = excluded.updated_at"
)
DELETE_POLICY = "DELETE FROM approval_policies WHERE pacticipant_name = ?"

IS_APPROVED = (
    "SELECT 1 AS found FROM approved_contents"
    " WHERE kind = ? AND pacticipant_name = ? AND provider_name = ? AND content_sha = ?"
)
# The contents a version published (its pacts, its provider contract) that are not in effect.
UNAPPROVED_OF_VERSION = (
    "SELECT 'pact' AS kind, c.name AS pacticipant, p.name AS provider, v.sha AS sha"
    " FROM pact_publications pub"
    " JOIN pact_versions v ON v.id = pub.pact_version_id"
    " JOIN pacticipants c ON c.id = pub.consumer_id"
    " JOIN pacticipants p ON p.id = pub.provider_id"
    " WHERE pub.consumer_version_id = ? AND NOT EXISTS (SELECT 1 FROM approved_contents a"
    " WHERE a.kind = 'pact' AND a.pacticipant_name = c.name AND a.provider_name = p.name"
    " AND a.content_sha = v.sha)"
    " UNION ALL"
    " SELECT 'provider-contract', p.name, '', v.sha"
    " FROM provider_contract_publications pub"
    " JOIN provider_contract_versions v ON v.id = pub.contract_version_id"
    " JOIN pacticipants p ON p.id = pub.provider_id"
    " WHERE pub.provider_version_id = ? AND NOT EXISTS (SELECT 1 FROM approved_contents a"
    " WHERE a.kind = 'provider-contract' AND a.pacticipant_name = p.name"
    " AND a.provider_name = '' AND a.content_sha = v.sha)"
    " ORDER BY 1, 3"
)
LAST_APPROVED = (
    "SELECT content_sha FROM approved_contents"
    " WHERE kind = ? AND pacticipant_name = ? AND provider_name = ?"
    " ORDER BY approved_at DESC, content_sha LIMIT 1"
)
APPROVE_CONTENT = (
    "INSERT INTO approved_contents (kind, pacticipant_name, provider_name, content_sha,"
    " change_request_id, approved_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"
)

INSERT_REQUEST = (
    "INSERT INTO change_requests (kind, pacticipant_name, provider_name, content_sha, base_sha,"
    " author, status, requirements, affected, created_at)"
    " VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?, ?)"
    " RETURNING id"
)
ADD_VERSION = (
    "INSERT INTO change_request_versions (change_request_id, version_number) VALUES (?, ?)"
    " ON CONFLICT DO NOTHING"
)
FIND_REQUEST = "SELECT * FROM change_requests WHERE id = ?"
REQUESTS_OF_SUBJECT = (
    "SELECT * FROM change_requests"
    " WHERE kind = ? AND pacticipant_name = ? AND provider_name = ? AND status = ? ORDER BY id"
)
REQUEST_FOR_CONTENT = (
    "SELECT * FROM change_requests"
    " WHERE kind = ? AND pacticipant_name = ? AND provider_name = ? AND content_sha = ?"
    " ORDER BY id DESC LIMIT 1"
)
APPROVALS_OF = (
    "SELECT * FROM change_request_approvals WHERE change_request_id = ?"
    " ORDER BY approved_at, approver"
)
VERSIONS_OF = (
    "SELECT version_number FROM change_request_versions WHERE change_request_id = ?"
    " ORDER BY version_number"
)
SAVE_DECISION = (
    "UPDATE change_requests SET status = ?, decided_at = ?, decided_by = ?,"
    " rejection_reason = ?, superseded_by = ?, override_reason = ? WHERE id = ?"
)
ADD_APPROVAL = (
    "INSERT INTO change_request_approvals (change_request_id, approver, teams, approved_at,"
    " requirement, team) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"
)
# The requests a pacticipant's version published content for, whatever became of that content,
# with whether that content is in effect now (approved by this or another request).
REQUESTS_OF_VERSION = (
    "SELECT r.*, EXISTS (SELECT 1 FROM approved_contents a WHERE a.kind = r.kind"
    " AND a.pacticipant_name = r.pacticipant_name AND a.provider_name = r.provider_name"
    " AND a.content_sha = r.content_sha) AS in_effect"
    " FROM change_request_versions v JOIN change_requests r ON r.id = v.change_request_id"
    " WHERE v.version_number = ? AND r.pacticipant_name = ? ORDER BY r.id"
)
# The overridden requests whose content a version publishes (it may not be listed on them).
OVERRIDDEN_OF_VERSION = (
    "SELECT r.id FROM pact_publications pub"
    " JOIN pact_versions v ON v.id = pub.pact_version_id"
    " JOIN pacticipants c ON c.id = pub.consumer_id"
    " JOIN pacticipants p ON p.id = pub.provider_id"
    " JOIN approved_contents a ON a.kind = 'pact' AND a.pacticipant_name = c.name"
    " AND a.provider_name = p.name AND a.content_sha = v.sha"
    " JOIN change_requests r ON r.id = a.change_request_id AND r.status = 'overridden'"
    " WHERE pub.consumer_version_id = ?"
    " UNION"
    " SELECT r.id FROM provider_contract_publications pub"
    " JOIN provider_contract_versions v ON v.id = pub.contract_version_id"
    " JOIN pacticipants p ON p.id = pub.provider_id"
    " JOIN approved_contents a ON a.kind = 'provider-contract' AND a.pacticipant_name = p.name"
    " AND a.provider_name = '' AND a.content_sha = v.sha"
    " JOIN change_requests r ON r.id = a.change_request_id AND r.status = 'overridden'"
    " WHERE pub.provider_version_id = ?"
    " ORDER BY 1"
)
OPEN_OF_PACTICIPANT = (
    "SELECT id FROM change_requests WHERE pacticipant_name = ? AND status = 'open' ORDER BY id"
)

ADD_WARNING = (
    "INSERT INTO publish_warnings (pacticipant_name, version_number, text, created_at)"
    " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING"
)
WARNINGS_OF = (
    "SELECT text FROM publish_warnings WHERE pacticipant_name = ? AND version_number = ?"
    " ORDER BY created_at, text"
)


def listed(pacticipant: str | None, status: str | None) -> tuple[str, str, list[object]]:
    """The page query, the count query and their parameters (newest first).

    A pacticipant matches the requests that change its contracts, those of its consumers' pacts
    with it, and those that affect it (a provider's change its pacts depend on): `affected` is
    JSON as `governance_rows.affected_text` writes it, so its name appears there exactly so.
    """
    clauses: list[str] = []
    values: list[object] = []
    if pacticipant is not None:
        clauses.append("(pacticipant_name = ? OR provider_name = ? OR affected LIKE ? ESCAPE '\\')")
        values += [pacticipant, pacticipant, f"%{affected_name(pacticipant)}%"]
    if status is not None:
        clauses.append("status = ?")
        values.append(status)
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    return (
        f"SELECT * FROM change_requests{where} ORDER BY id DESC LIMIT ? OFFSET ?",  # noqa: S608 - fixed columns
        f"SELECT count(*) AS total FROM change_requests{where}",  # noqa: S608 - fixed columns
        values,
    )


def affected_name(pacticipant: str) -> str:
    """How a pacticipant's entry starts in the `affected` column, as a LIKE literal."""
    member = msgspec.json.encode({"pacticipant": pacticipant}).decode("utf-8")[:-1] + ","
    return member.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")

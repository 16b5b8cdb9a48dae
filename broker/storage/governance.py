"""Modes, approval policies, change requests and approved content, written once for both drivers.

A change request's subject is (kind, pacticipant_name, provider_name), with '' for a provider
contract's provider. Team lists, requirements and affected pacticipants are JSON in text columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import msgspec

from broker.domain.governance import (
    Affected,
    Approval,
    ChangeRequest,
    Kind,
    NewRequest,
    Policy,
    Requirement,
    Status,
    Unapproved,
)
from broker.domain.model import Page
from broker.storage.driver import (
    Driver,
    Row,
    json_text,
    like_literal,
    page_of,
    record,
    written,
)
from broker.storage.interface import Candidacy, VersionStanding
from broker.storage.selection import (
    COUNTERPART_COLUMNS,
    COUNTERPARTS_LIVE,
    bucketed,
    chunks,
    counterparts_live,
)
from broker.storage.versions import ENVIRONMENT_WITH_VERSION, environment_with_version

# The contents a version published (its pacts, its provider contract) that are not in effect.
_UNAPPROVED_OF_VERSION = (
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
# The requests a pacticipant's version published content for, whatever became of that content,
# with whether that content is in effect now (approved by this or another request).
_REQUESTS_OF_VERSION = (
    "SELECT r.*, EXISTS (SELECT 1 FROM approved_contents a WHERE a.kind = r.kind"
    " AND a.pacticipant_name = r.pacticipant_name AND a.provider_name = r.provider_name"
    " AND a.content_sha = r.content_sha) AS in_effect"
    " FROM change_request_versions v JOIN change_requests r ON r.id = v.change_request_id"
    " WHERE v.version_number = ? AND r.pacticipant_name = ? ORDER BY r.id"
)


def _overridden_of(version_id: str) -> str:
    """The overridden requests whose content a version publishes (it may not be listed on them).

    `version_id` is the SQL of the version's id: `?`, or a column of an enclosing query.
    """
    return (
        "SELECT r.id FROM pact_publications pub"  # noqa: S608 - fixed text
        " JOIN pact_versions v ON v.id = pub.pact_version_id"
        " JOIN pacticipants c ON c.id = pub.consumer_id"
        " JOIN pacticipants p ON p.id = pub.provider_id"
        " JOIN approved_contents a ON a.kind = 'pact' AND a.pacticipant_name = c.name"
        " AND a.provider_name = p.name AND a.content_sha = v.sha"
        " JOIN change_requests r ON r.id = a.change_request_id AND r.status = 'overridden'"
        f" WHERE pub.consumer_version_id = {version_id}"
        " UNION"
        " SELECT r.id FROM provider_contract_publications pub"
        " JOIN provider_contract_versions v ON v.id = pub.contract_version_id"
        " JOIN pacticipants p ON p.id = pub.provider_id"
        " JOIN approved_contents a ON a.kind = 'provider-contract' AND a.pacticipant_name = p.name"
        " AND a.provider_name = '' AND a.content_sha = v.sha"
        " JOIN change_requests r ON r.id = a.change_request_id AND r.status = 'overridden'"
        f" WHERE pub.provider_version_id = {version_id}"
    )


_OVERRIDDEN_OF_VERSION_IDS = _overridden_of("?") + " ORDER BY 1"


def standing_columns(name: str, number: str, version_id: str) -> str:
    """What can-i-deploy needs to know of governance (`VersionStanding`), as SELECT columns.

    `name`, `number` and `version_id` are the SQL of the pacticipant's name, the version's
    number and its id: `?` each (bound in that order of appearance: name, name, number, name,
    id, id, name, number), or columns of an enclosing query, which must not be named by the
    aliases used here (r, v, a, c, p, pub).
    """
    return (
        f"(SELECT mode FROM pacticipant_modes WHERE pacticipant_name = {name}) AS mode,"  # noqa: S608 - fixed text
        f" (SELECT minimum FROM coverage_policies WHERE pacticipant_name = {name})"
        " AS coverage_minimum,"
        " EXISTS (SELECT 1 FROM change_request_versions v"
        " JOIN change_requests r ON r.id = v.change_request_id"
        f" WHERE v.version_number = {number} AND r.pacticipant_name = {name}) AS listed,"
        f" EXISTS ({_overridden_of(version_id)}) AS overridden,"
        f" EXISTS (SELECT 1 FROM publish_warnings WHERE pacticipant_name = {name}"
        f" AND version_number = {number}) AS warned"
    )


_STANDING = "SELECT " + standing_columns("?", "?", "?")


def version_standing_of(row: Row) -> VersionStanding:
    """`standing_columns` read back."""
    return VersionStanding(
        mode=None if row["mode"] is None else str(row["mode"]),
        coverage_minimum=(
            None if row["coverage_minimum"] is None else int(row["coverage_minimum"])
        ),
        listed=bool(row["listed"]),
        overridden=bool(row["overridden"]),
        warned=bool(row["warned"]),
    )


def _subject(kind: Kind, pacticipant: str, provider: str | None) -> tuple[str, str, str]:
    """A subject's columns (kind, pacticipant_name, provider_name): '' for no provider."""
    return kind.value, pacticipant, provider or ""


def _teams(row: Row) -> tuple[str, ...]:
    return msgspec.json.decode(row["teams"], type=tuple[str, ...])


def _policy(row: Row) -> Policy:
    return record(Policy, row, pacticipant=row["pacticipant_name"], teams=_teams(row))


def _approval(row: Row) -> Approval:
    return record(Approval, row, at=row["approved_at"], teams=_teams(row))


def _change_request(
    row: Row, approvals: Sequence[Approval], versions: Sequence[str]
) -> ChangeRequest:
    return record(
        ChangeRequest,
        row,
        pacticipant=row["pacticipant_name"],
        provider=row["provider_name"] or None,
        requirements=msgspec.json.decode(row["requirements"], type=tuple[Requirement, ...]),
        affected=msgspec.json.decode(row["affected"], type=tuple[Affected, ...]),
        approvals=tuple(approvals),
        versions=tuple(versions),
    )


def _listed(
    pacticipant: str | None, status: Status | tuple[Status, ...] | None
) -> tuple[str, list[object]]:
    """The WHERE clause (or "") of a listing and its parameters (`status`: one, or any of some).

    A pacticipant matches the requests that change its contracts, those of its consumers' pacts
    with it, and those that affect it (a provider's change its pacts depend on): `affected` is
    JSON as msgspec writes it, so its name appears there exactly so.
    """
    clauses: list[str] = []
    values: list[object] = []
    if pacticipant is not None:
        clauses.append("(pacticipant_name = ? OR provider_name = ? OR affected LIKE ? ESCAPE '\\')")
        values += [pacticipant, pacticipant, f"%{_affected_name(pacticipant)}%"]
    if isinstance(status, Status):
        clauses.append("status = ?")
        values.append(status.value)
    elif status is not None:
        clauses.append(f"status IN ({', '.join('?' for _ in status)})" if status else "1 = 0")
        values += [s.value for s in status]
    return (f" WHERE {' AND '.join(clauses)}" if clauses else ""), values


def _affected_name(pacticipant: str) -> str:
    """How a pacticipant's entry starts in the `affected` column, as a LIKE literal."""
    return like_literal(json_text({"pacticipant": pacticipant})[:-1] + ",")


class GovernanceRows:
    """The `Governance` role of a transaction."""

    _db: Driver

    # modes and policies

    async def mode_of(self, pacticipant_name: str) -> str | None:
        mode = await self._db.fetchval(
            "SELECT mode FROM pacticipant_modes WHERE pacticipant_name = ?", pacticipant_name
        )
        return None if mode is None else str(mode)

    async def modes_of(self, pacticipant_names: Sequence[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        if not pacticipant_names:
            return found  # `bucketed` pads an empty list with an id, not a name
        for chunk in chunks(pacticipant_names):
            marks, values = bucketed(chunk)
            rows = await self._db.fetch(
                "SELECT pacticipant_name, mode FROM pacticipant_modes"  # noqa: S608 - placeholders only
                f" WHERE pacticipant_name IN {marks}",
                *values,
            )
            found.update((str(row["pacticipant_name"]), str(row["mode"])) for row in rows)
        return found

    async def version_standing(
        self, pacticipant_name: str, version_id: int, version_number: str
    ) -> VersionStanding:
        row = await self._db.fetchrow(
            _STANDING,
            pacticipant_name,
            pacticipant_name,
            version_number,
            pacticipant_name,
            version_id,
            version_id,
            pacticipant_name,
            version_number,
        )
        assert row is not None, "a SELECT without FROM has one row"
        return version_standing_of(row)

    async def find_candidacy(
        self, environment_name: str, pacticipant_name: str, number: str
    ) -> Candidacy:
        # The environment and the version (one row whatever exists) with the version's standing
        # from subqueries on that row's columns; LIMIT keeps either backend from merging it into
        # the outer query, which would run the subqueries again on every row. Then a row per
        # counterpart and live version of it (`COUNTERPARTS_LIVE`), the found columns on each.
        rows = await self._db.fetch(
            f"SELECT found.*, {COUNTERPART_COLUMNS} FROM (SELECT f.*,"  # noqa: S608 - fixed text
            f" {standing_columns('f.name', 'f.v_number', 'f.v_id')}"
            f" FROM ({ENVIRONMENT_WITH_VERSION}) f LIMIT 1) found {COUNTERPARTS_LIVE}"
            " ORDER BY sides.side, k.id",
            environment_name,
            pacticipant_name,
            number,
        )
        row = rows[0]  # the base has one row, and every join is a LEFT JOIN
        environment, named = environment_with_version(row)
        if named is None or named[1] is None:
            return Candidacy(environment, named, None, None)
        counterparts = None if environment is None else counterparts_live(rows)
        return Candidacy(environment, named, version_standing_of(row), counterparts)

    async def save_mode(self, pacticipant_name: str, mode: str, now: datetime) -> None:
        await self._db.execute(
            "INSERT INTO pacticipant_modes (pacticipant_name, mode, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (pacticipant_name) DO UPDATE SET mode = excluded.mode,"
            " updated_at = excluded.updated_at",
            pacticipant_name,
            mode,
            self._db.time(now),
        )

    async def find_policy(self, pacticipant_name: str) -> Policy | None:
        row = await self._db.fetchrow(
            "SELECT * FROM approval_policies WHERE pacticipant_name = ?", pacticipant_name
        )
        return None if row is None else _policy(row)

    async def save_policy(self, rule: Policy, now: datetime) -> None:
        await self._db.execute(
            "INSERT INTO approval_policies (pacticipant_name, teams, required, updated_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (pacticipant_name) DO UPDATE"
            " SET teams = excluded.teams, required = excluded.required,"
            " updated_at = excluded.updated_at",
            rule.pacticipant,
            json_text(rule.teams),
            rule.required,
            self._db.time(now),
        )

    async def delete_policy(self, pacticipant_name: str) -> None:
        await self._db.execute(
            "DELETE FROM approval_policies WHERE pacticipant_name = ?", pacticipant_name
        )

    # approved content

    async def is_approved(
        self, kind: Kind, pacticipant: str, provider: str | None, sha: str
    ) -> bool:
        row = await self._db.fetchrow(
            "SELECT 1 FROM approved_contents WHERE kind = ? AND pacticipant_name = ?"
            " AND provider_name = ? AND content_sha = ?",
            *_subject(kind, pacticipant, provider),
            sha,
        )
        return row is not None

    async def unapproved_of_version(self, version_id: int) -> list[Unapproved]:
        rows = await self._db.fetch(_UNAPPROVED_OF_VERSION, version_id, version_id)
        return [
            Unapproved(
                kind=Kind(row["kind"]),
                pacticipant=row["pacticipant"],
                provider=row["provider"] or None,
                sha=row["sha"],
            )
            for row in rows
        ]

    async def last_approved_sha(
        self, kind: Kind, pacticipant: str, provider: str | None
    ) -> str | None:
        sha = await self._db.fetchval(
            "SELECT content_sha FROM approved_contents"
            " WHERE kind = ? AND pacticipant_name = ? AND provider_name = ?"
            " ORDER BY approved_at DESC, content_sha LIMIT 1",
            *_subject(kind, pacticipant, provider),
        )
        return None if sha is None else str(sha)

    async def approve_content(  # noqa: PLR0917 - a subject is three values
        self,
        kind: Kind,
        pacticipant: str,
        provider: str | None,
        sha: str,
        change_request_id: int | None,
        now: datetime,
    ) -> None:
        await self._db.execute(
            "INSERT INTO approved_contents (kind, pacticipant_name, provider_name, content_sha,"
            " change_request_id, approved_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            *_subject(kind, pacticipant, provider),
            sha,
            change_request_id,
            self._db.time(now),
        )

    # change requests

    async def _complete(self, row: Row) -> ChangeRequest:
        """A `change_requests` row with its approvals and versions."""
        approvals = await self._db.fetch(
            "SELECT * FROM change_request_approvals WHERE change_request_id = ?"
            " ORDER BY approved_at, approver",
            row["id"],
        )
        versions = await self._db.fetch(
            "SELECT version_number FROM change_request_versions WHERE change_request_id = ?"
            " ORDER BY version_number",
            row["id"],
        )
        return _change_request(
            row, [_approval(a) for a in approvals], [str(v["version_number"]) for v in versions]
        )

    async def insert_change_request(self, new: NewRequest) -> ChangeRequest:
        request_id = await self._db.fetchval(
            "INSERT INTO change_requests (kind, pacticipant_name, provider_name, content_sha,"
            " base_sha, author, status, requirements, affected, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?, ?) RETURNING id",
            *_subject(new.kind, new.pacticipant, new.provider),
            new.content_sha,
            new.base_sha,
            new.author,
            json_text(new.requirements),
            json_text(new.affected),
            self._db.time(new.created_at),
        )
        await self.add_change_request_version(int(request_id), new.version)
        return written(await self.find_change_request(int(request_id)))

    async def add_change_request_version(self, request_id: int, version: str) -> None:
        await self._db.execute(
            "INSERT INTO change_request_versions (change_request_id, version_number)"
            " VALUES (?, ?) ON CONFLICT DO NOTHING",
            request_id,
            version,
        )

    async def find_change_request(self, request_id: int) -> ChangeRequest | None:
        row = await self._db.fetchrow("SELECT * FROM change_requests WHERE id = ?", request_id)
        return None if row is None else await self._complete(row)

    async def change_requests_of_subject(
        self, kind: Kind, pacticipant: str, provider: str | None, status: Status
    ) -> list[ChangeRequest]:
        rows = await self._db.fetch(
            "SELECT * FROM change_requests WHERE kind = ? AND pacticipant_name = ?"
            " AND provider_name = ? AND status = ? ORDER BY id",
            *_subject(kind, pacticipant, provider),
            status.value,
        )
        return [await self._complete(row) for row in rows]

    async def change_request_for_content(
        self, kind: Kind, pacticipant: str, provider: str | None, sha: str
    ) -> ChangeRequest | None:
        row = await self._db.fetchrow(
            "SELECT * FROM change_requests WHERE kind = ? AND pacticipant_name = ?"
            " AND provider_name = ? AND content_sha = ? ORDER BY id DESC LIMIT 1",
            *_subject(kind, pacticipant, provider),
            sha,
        )
        return None if row is None else await self._complete(row)

    async def list_change_requests(
        self, pacticipant: str | None, status: Status | tuple[Status, ...] | None, page: Page
    ) -> tuple[list[ChangeRequest], int]:
        where, values = _listed(pacticipant, status)
        # Newest first.
        rows, total = await page_of(
            self._db,
            f"SELECT * FROM change_requests{where} ORDER BY id DESC LIMIT ? OFFSET ?",  # noqa: S608 - fixed columns
            f"SELECT count(*) FROM change_requests{where}",  # noqa: S608 - fixed columns
            *values,
            page=page,
        )
        return [await self._complete(row) for row in rows], total

    async def count_change_requests(self) -> dict[str, int]:
        rows = await self._db.fetch(
            "SELECT status, count(*) AS n FROM change_requests GROUP BY status"
        )
        return {row["status"]: int(row["n"]) for row in rows}

    async def save_change_request(self, request: ChangeRequest) -> None:
        """Store a request's status, decision and any new approvals."""
        await self._db.execute(
            "UPDATE change_requests SET status = ?, decided_at = ?, decided_by = ?,"
            " rejection_reason = ?, superseded_by = ?, override_reason = ? WHERE id = ?",
            request.status.value,
            self._db.time(request.decided_at),
            request.decided_by,
            request.rejection_reason,
            request.superseded_by,
            request.override_reason,
            request.id,
        )
        for given in request.approvals:
            await self._db.execute(
                "INSERT INTO change_request_approvals (change_request_id, approver, teams,"
                " approved_at, requirement, team) VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                request.id,
                given.approver,
                json_text(given.teams),
                self._db.time(given.at),
                given.requirement,
                given.team,
            )

    async def change_requests_of_version(
        self, pacticipant: str, version: str
    ) -> list[tuple[ChangeRequest, bool]]:
        rows = await self._db.fetch(_REQUESTS_OF_VERSION, version, pacticipant)
        return [(await self._complete(row), bool(row["in_effect"])) for row in rows]

    async def overridden_of_version(self, version_id: int) -> list[ChangeRequest]:
        rows = await self._db.fetch(_OVERRIDDEN_OF_VERSION_IDS, version_id, version_id)
        found = [await self.find_change_request(int(row["id"])) for row in rows]
        return [request for request in found if request is not None]

    async def open_change_request_ids(self, pacticipant: str) -> list[int]:
        rows = await self._db.fetch(
            "SELECT id FROM change_requests WHERE pacticipant_name = ? AND status = 'open'"
            " ORDER BY id",
            pacticipant,
        )
        return [int(row["id"]) for row in rows]

    # warnings raised on publication (brownfield-polish)

    async def add_publish_warnings(
        self, pacticipant: str, version: str, texts: Sequence[str], now: datetime
    ) -> None:
        for text in texts:
            await self._db.execute(
                "INSERT INTO publish_warnings (pacticipant_name, version_number, text, created_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                pacticipant,
                version,
                text,
                self._db.time(now),
            )

    async def publish_warnings(self, pacticipant: str, version: str) -> list[str]:
        rows = await self._db.fetch(
            "SELECT text FROM publish_warnings WHERE pacticipant_name = ? AND version_number = ?"
            " ORDER BY created_at, text",
            pacticipant,
            version,
        )
        return [str(row["text"]) for row in rows]

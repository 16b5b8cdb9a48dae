"""Modes, policies, change requests and approved content: one implementation for both adapters.

The statements are `governance_queries`'; each adapter supplies only how to run one and how to
pass a time (`broker.storage.statements`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import msgspec

from broker.domain.governance import (
    ChangeRequest,
    Kind,
    NewRequest,
    Policy,
    Status,
    Unapproved,
)
from broker.domain.model import Page
from broker.storage import governance_queries as q
from broker.storage.driver import Row
from broker.storage.governance_rows import (
    affected_text,
    approval,
    change_request,
    policy,
    provider_column,
    requirements_text,
)
from broker.storage.statements import Statements


class GovernanceRows(Statements):
    """The governance part of a transaction, on whichever backend provides the hooks."""

    # modes and policies

    async def mode_of(self, pacticipant_name: str) -> str | None:
        row = await self._one(q.FIND_MODE, pacticipant_name)
        return None if row is None else str(row["mode"])

    async def save_mode(self, pacticipant_name: str, mode: str, now: datetime) -> None:
        await self._run(q.SAVE_MODE, pacticipant_name, mode, self._time(now))

    async def find_policy(self, pacticipant_name: str) -> Policy | None:
        row = await self._one(q.FIND_POLICY, pacticipant_name)
        return None if row is None else policy(row)

    async def save_policy(self, rule: Policy, now: datetime) -> None:
        teams = msgspec.json.encode(list(rule.teams)).decode("utf-8")
        await self._run(q.SAVE_POLICY, rule.pacticipant, teams, rule.required, self._time(now))

    async def delete_policy(self, pacticipant_name: str) -> None:
        await self._run(q.DELETE_POLICY, pacticipant_name)

    # approved content

    async def is_approved(
        self, kind: Kind, pacticipant: str, provider: str | None, sha: str
    ) -> bool:
        values = (kind.value, pacticipant, provider_column(provider), sha)
        return await self._one(q.IS_APPROVED, *values) is not None

    async def unapproved_of_version(self, version_id: int) -> list[Unapproved]:
        rows = await self._all(q.UNAPPROVED_OF_VERSION, version_id, version_id)
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
        row = await self._one(q.LAST_APPROVED, kind.value, pacticipant, provider_column(provider))
        return None if row is None else str(row["content_sha"])

    async def approve_content(  # noqa: PLR0917 - a subject is three values
        self,
        kind: Kind,
        pacticipant: str,
        provider: str | None,
        sha: str,
        change_request_id: int | None,
        now: datetime,
    ) -> None:
        await self._run(
            q.APPROVE_CONTENT,
            kind.value,
            pacticipant,
            provider_column(provider),
            sha,
            change_request_id,
            self._time(now),
        )

    # change requests

    async def _complete(self, row: Row) -> ChangeRequest:
        approvals = [approval(a) for a in await self._all(q.APPROVALS_OF, row["id"])]
        versions = [str(v["version_number"]) for v in await self._all(q.VERSIONS_OF, row["id"])]
        return change_request(row, approvals, versions)

    async def insert_change_request(self, new: NewRequest) -> ChangeRequest:
        row = await self._one(
            q.INSERT_REQUEST,
            new.kind.value,
            new.pacticipant,
            provider_column(new.provider),
            new.content_sha,
            new.base_sha,
            new.author,
            requirements_text(new.requirements),
            affected_text(new.affected),
            self._time(new.created_at),
        )
        assert row is not None
        await self._run(q.ADD_VERSION, row["id"], new.version)
        found = await self.find_change_request(int(row["id"]))
        assert found is not None
        return found

    async def add_change_request_version(self, request_id: int, version: str) -> None:
        await self._run(q.ADD_VERSION, request_id, version)

    async def find_change_request(self, request_id: int) -> ChangeRequest | None:
        row = await self._one(q.FIND_REQUEST, request_id)
        return None if row is None else await self._complete(row)

    async def change_requests_of_subject(
        self, kind: Kind, pacticipant: str, provider: str | None, status: Status
    ) -> list[ChangeRequest]:
        rows = await self._all(
            q.REQUESTS_OF_SUBJECT, kind.value, pacticipant, provider_column(provider), status.value
        )
        return [await self._complete(row) for row in rows]

    async def change_request_for_content(
        self, kind: Kind, pacticipant: str, provider: str | None, sha: str
    ) -> ChangeRequest | None:
        row = await self._one(
            q.REQUEST_FOR_CONTENT, kind.value, pacticipant, provider_column(provider), sha
        )
        return None if row is None else await self._complete(row)

    async def list_change_requests(
        self, pacticipant: str | None, status: Status | None, page: Page
    ) -> tuple[list[ChangeRequest], int]:
        rows_query, count_query, values = q.listed(
            pacticipant, None if status is None else status.value
        )
        rows = await self._all(rows_query, *values, page.size, page.offset)
        total = await self._one(count_query, *values)
        assert total is not None
        return [await self._complete(row) for row in rows], int(total["total"])

    async def save_change_request(self, request: ChangeRequest) -> None:
        """Store a request's status, decision and any new approvals."""
        decided = None if request.decided_at is None else self._time(request.decided_at)
        await self._run(
            q.SAVE_DECISION,
            request.status.value,
            decided,
            request.decided_by,
            request.rejection_reason,
            request.superseded_by,
            request.override_reason,
            request.id,
        )
        for given in request.approvals:
            teams = msgspec.json.encode(list(given.teams)).decode("utf-8")
            await self._run(
                q.ADD_APPROVAL,
                request.id,
                given.approver,
                teams,
                self._time(given.at),
                given.requirement,
                given.team,
            )

    async def change_requests_of_version(
        self, pacticipant: str, version: str
    ) -> list[tuple[ChangeRequest, bool]]:
        rows = await self._all(q.REQUESTS_OF_VERSION, version, pacticipant)
        return [(await self._complete(row), bool(row["in_effect"])) for row in rows]

    async def overridden_of_version(self, version_id: int) -> list[ChangeRequest]:
        rows = await self._all(q.OVERRIDDEN_OF_VERSION, version_id, version_id)
        found = [await self.find_change_request(int(row["id"])) for row in rows]
        return [request for request in found if request is not None]

    async def open_change_request_ids(self, pacticipant: str) -> list[int]:
        rows = await self._all(q.OPEN_OF_PACTICIPANT, pacticipant)
        return [int(row["id"]) for row in rows]

    # warnings raised on publication (brownfield-polish)

    async def add_publish_warnings(
        self, pacticipant: str, version: str, texts: Sequence[str], now: datetime
    ) -> None:
        for text in texts:
            await self._run(q.ADD_WARNING, pacticipant, version, text, self._time(now))

    async def publish_warnings(self, pacticipant: str, version: str) -> list[str]:
        rows = await self._all(q.WARNINGS_OF, pacticipant, version)
        return [str(row["text"]) for row in rows]

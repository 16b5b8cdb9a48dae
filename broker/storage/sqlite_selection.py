"""The batched reads of pacts-for-verification, the matrix and can-i-deploy, on SQLite.

Mixed into `SQLiteTransaction`; the SQL is `selection_queries`'.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from broker.domain.model import PactPublication, PactVersion, Verification, Version
from broker.storage import selection_queries as s
from broker.storage.interface import PactAndResult
from broker.storage.pact_rows import version
from broker.storage.pacts import pact_version, publication, verification
from broker.storage.sqlite_time import from_text, to_text

if TYPE_CHECKING:
    from broker.storage.sqlite import Connection


class SQLiteSelectionRows:
    """Mixed into `SQLiteTransaction`, which provides the connection `_c`."""

    _c: Connection

    async def publications_of_versions(
        self, consumer_version_ids: Sequence[int], provider_id: int
    ) -> list[PactPublication]:
        found = []
        for ids in s.chunks(consumer_version_ids):
            sql = s.PUBLICATIONS_OF_VERSIONS.format(ids=s.in_list(len(ids)))
            found += await self._c.fetch_all(sql, (provider_id, *s.padded(ids)))
        return [publication(r) for r in found]

    async def pact_versions_by_ids(self, ids: Sequence[int]) -> list[PactVersion]:
        rows = await self._c.fetch_all(
            s.PACT_VERSIONS.format(ids=s.in_list(len(ids))), s.padded(ids)
        )
        return [pact_version(r) for r in rows]

    async def versions_by_ids(self, ids: Sequence[int]) -> list[Version]:
        return [version(r) for r in await self._by_ids(s.VERSIONS, ids)]

    async def _by_ids(self, sql: str, ids: Sequence[int]) -> list[sqlite3.Row]:
        rows = []
        for chunk in s.chunks(ids):
            statement = sql.format(ids=s.in_list(len(chunk)))
            rows += await self._c.fetch_all(statement, s.padded(chunk))
        return rows

    async def latest_verification_by(
        self, pact_version_id: int, provider_version_id: int
    ) -> Verification | None:
        row = await self._c.fetch_one(
            s.LATEST_VERIFICATION_BY, (pact_version_id, provider_version_id)
        )
        return None if row is None else verification(row)

    async def pact_and_result(
        self, consumer_version_id: int, provider_id: int, provider_version_id: int | None
    ) -> PactAndResult | None:
        row = await self._c.fetch_one(
            s.PACT_AND_RESULT, (provider_version_id or 0, consumer_version_id, provider_id)
        )
        if row is None:
            return None
        success = None if row["success"] is None else bool(row["success"])
        verified_at = None if row["verified_at"] is None else from_text(row["verified_at"])
        return PactAndResult(
            row["sha"],
            row["pact_version_id"],
            from_text(row["published_at"]),
            row["verification_id"],
            success,
            verified_at,
        )

    async def success_facts(
        self, pact_version_ids: Sequence[int], branch_id: int | None, *, count_wip: bool
    ) -> dict[int, tuple[bool, datetime | None]]:
        rows = []
        for ids in s.chunks(pact_version_ids):
            sql = s.success_facts_sql(len(ids), count_wip=count_wip)
            rows += await self._c.fetch_all(sql, (branch_id or 0, *s.padded(ids)))
        return {
            r["pact_version_id"]: (
                bool(r["on_branch"]),
                None if r["first_success_at"] is None else from_text(r["first_success_at"]),
            )
            for r in rows
        }

    async def branch_head_pacts(
        self, provider_id: int, since: datetime
    ) -> list[tuple[str, PactPublication]]:
        rows = await self._c.fetch_all(s.BRANCH_HEAD_PACTS, (provider_id, to_text(since)))
        return [(r["branch_name"], publication(r)) for r in rows]

    async def tag_head_pacts(
        self, provider_id: int, since: datetime
    ) -> list[tuple[str, PactPublication]]:
        rows = await self._c.fetch_all(s.TAG_HEAD_PACTS, (provider_id, provider_id, to_text(since)))
        return [(r["tag_name"], publication(r)) for r in rows]

    async def tags_that_verified(
        self, pact_version_ids: Sequence[int], tags: Sequence[str]
    ) -> dict[int, set[str]]:
        found: dict[int, set[str]] = {}
        for ids in s.chunks(pact_version_ids):
            sql = s.TAGS_THAT_VERIFIED.format(ids=s.in_list(len(ids)), names=s.in_list(len(tags)))
            for row in await self._c.fetch_all(sql, (*s.padded(ids), *(tags or ("",)))):
                found.setdefault(row["pact_version_id"], set()).add(row["name"])
        return found

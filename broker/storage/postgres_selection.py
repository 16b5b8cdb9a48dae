"""The batched reads of pacts-for-verification, the matrix and can-i-deploy, on PostgreSQL.

Mixed into `PostgresTransaction`; the SQL is `selection_queries`'.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from broker.domain.model import PactPublication, PactVersion, Verification, Version
from broker.storage import selection_queries as s
from broker.storage.driver import numbered
from broker.storage.interface import PactAndResult
from broker.storage.pact_rows import version
from broker.storage.pacts import pact_version, publication, verification

if TYPE_CHECKING:
    import asyncpg


class PostgresSelectionRows:
    """Mixed into `PostgresTransaction`, which provides the statement helpers declared here."""

    if TYPE_CHECKING:

        async def _fetch(self, query: str, *arguments: object) -> list[asyncpg.Record]: ...

        async def _fetchrow(self, query: str, *arguments: object) -> asyncpg.Record | None: ...

    async def publications_of_versions(
        self, consumer_version_ids: Sequence[int], provider_id: int
    ) -> list[PactPublication]:
        found = []
        for ids in s.chunks(consumer_version_ids):
            sql = numbered(s.PUBLICATIONS_OF_VERSIONS.format(ids=s.in_list(len(ids))))
            found += await self._fetch(sql, provider_id, *s.padded(ids))
        return [publication(r) for r in found]

    async def pact_versions_by_ids(self, ids: Sequence[int]) -> list[PactVersion]:
        return [pact_version(r) for r in await self._by_ids(s.PACT_VERSIONS, ids)]

    async def versions_by_ids(self, ids: Sequence[int]) -> list[Version]:
        return [version(r) for r in await self._by_ids(s.VERSIONS, ids)]

    async def _by_ids(self, sql: str, ids: Sequence[int]) -> list[asyncpg.Record]:
        rows = []
        for chunk in s.chunks(ids):
            rows += await self._fetch(
                numbered(sql.format(ids=s.in_list(len(chunk)))), *s.padded(chunk)
            )
        return rows

    async def latest_verification_by(
        self, pact_version_id: int, provider_version_id: int
    ) -> Verification | None:
        row = await self._fetchrow(
            numbered(s.LATEST_VERIFICATION_BY), pact_version_id, provider_version_id
        )
        return None if row is None else verification(row)

    async def pact_and_result(
        self, consumer_version_id: int, provider_id: int, provider_version_id: int | None
    ) -> PactAndResult | None:
        row = await self._fetchrow(
            numbered(s.PACT_AND_RESULT), provider_version_id or 0, consumer_version_id, provider_id
        )
        return None if row is None else PactAndResult(*row)

    async def success_facts(
        self, pact_version_ids: Sequence[int], branch_id: int | None, *, count_wip: bool
    ) -> dict[int, tuple[bool, datetime | None]]:
        rows = []
        for ids in s.chunks(pact_version_ids):
            sql = numbered(s.success_facts_sql(len(ids), count_wip=count_wip))
            rows += await self._fetch(sql, branch_id or 0, *s.padded(ids))
        return {r["pact_version_id"]: (r["on_branch"], r["first_success_at"]) for r in rows}

    async def branch_head_pacts(
        self, provider_id: int, since: datetime
    ) -> list[tuple[str, PactPublication]]:
        rows = await self._fetch(numbered(s.BRANCH_HEAD_PACTS), provider_id, since)
        return [(r["branch_name"], publication(r)) for r in rows]

    async def tag_head_pacts(
        self, provider_id: int, since: datetime
    ) -> list[tuple[str, PactPublication]]:
        rows = await self._fetch(numbered(s.TAG_HEAD_PACTS), provider_id, provider_id, since)
        return [(r["tag_name"], publication(r)) for r in rows]

    async def tags_that_verified(
        self, pact_version_ids: Sequence[int], tags: Sequence[str]
    ) -> dict[int, set[str]]:
        found: dict[int, set[str]] = {}
        for ids in s.chunks(pact_version_ids):
            sql = s.TAGS_THAT_VERIFIED.format(ids=s.in_list(len(ids)), names=s.in_list(len(tags)))
            for row in await self._fetch(numbered(sql), *s.padded(ids), *(tags or ("",))):
                found.setdefault(row["pact_version_id"], set()).add(row["name"])
        return found

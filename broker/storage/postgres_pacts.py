"""Pact versions, publications and verification results on PostgreSQL.

Mixed into `PostgresTransaction`.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from broker.domain.errors import NotFoundError
from broker.domain.model import PactPublication, PactVersion, Page, Verification
from broker.storage import pact_queries as q
from broker.storage import selection_queries as s
from broker.storage import verification_queries as vq
from broker.storage.pact_queries import numbered
from broker.storage.pact_rows import pact_version, publication, verification

if TYPE_CHECKING:
    import asyncpg


class PostgresPactRows:
    """Mixed into `PostgresTransaction`, which provides the statement helpers declared here."""

    if TYPE_CHECKING:

        async def _fetch(self, query: str, *arguments: object) -> list[asyncpg.Record]: ...

        async def _fetchrow(self, query: str, *arguments: object) -> asyncpg.Record | None: ...

        async def _count(self, query: str, *arguments: object) -> int: ...

        async def _execute(self, query: str, *arguments: object) -> None: ...

        async def _write(
            self, query: str, *arguments: object, conflict: str, missing: str = ...
        ) -> asyncpg.Record | None: ...

    async def find_pact_version(
        self, consumer_id: int, provider_id: int, sha: str
    ) -> PactVersion | None:
        row = await self._fetchrow(numbered(q.FIND_PACT_VERSION), consumer_id, provider_id, sha)
        return None if row is None else pact_version(row)

    async def find_pact_version_by_id(self, pact_version_id: int) -> PactVersion | None:
        row = await self._fetchrow(numbered(q.FIND_PACT_VERSION_BY_ID), pact_version_id)
        return None if row is None else pact_version(row)

    async def insert_pact_version(
        self, consumer_id: int, provider_id: int, sha: str, content: str, now: datetime
    ) -> PactVersion:
        row = await self._write(
            numbered(q.INSERT_PACT_VERSION),
            consumer_id,
            provider_id,
            sha,
            content,
            now,
            conflict=f"The integration already has pact content {sha}",
        )
        assert row is not None  # RETURNING gives the row
        return pact_version(row)

    async def find_publication(
        self, consumer_version_id: int, provider_id: int
    ) -> PactPublication | None:
        row = await self._fetchrow(numbered(q.FIND_PUBLICATION), consumer_version_id, provider_id)
        return None if row is None else publication(row)

    async def insert_publication(
        self,
        *,
        consumer_id: int,
        provider_id: int,
        consumer_version_id: int,
        pact_version_id: int,
        now: datetime,
        content: str | None = None,
    ) -> PactPublication:
        row = await self._write(
            numbered(q.INSERT_PUBLICATION),
            consumer_id,
            provider_id,
            consumer_version_id,
            pact_version_id,
            now,
            now,
            content,
            conflict="That consumer version already has a pact with the provider",
        )
        assert row is not None
        await self._execute(numbered(s.INSERT_INTEGRATION), consumer_id, provider_id, now)
        return publication(row)

    async def replace_publication(
        self,
        publication_: PactPublication,
        pact_version_id: int,
        now: datetime,
        content: str | None = None,
    ) -> PactPublication:
        row = await self._fetchrow(
            numbered(q.REPLACE_PUBLICATION), pact_version_id, now, content, publication_.id
        )
        if row is None:
            raise NotFoundError("The pact publication no longer exists")
        return publication(row)

    async def delete_publication(self, publication_: PactPublication) -> None:
        await self._execute(numbered(q.DELETE_PUBLICATION), publication_.id)
        pact_version_id = publication_.pact_version_id
        await self._execute(
            numbered(q.DELETE_ORPHAN_PACT_VERSION), pact_version_id, pact_version_id
        )

    async def latest_publication(
        self,
        consumer_id: int,
        provider_id: int,
        *,
        branch: str | None = None,
        tag: str | None = None,
        untagged: bool = False,
    ) -> PactPublication | None:
        sql = q.latest_publication_sql(
            branch=branch is not None, tag=tag is not None, untagged=untagged
        )
        names = [name for name in (branch, tag) if name is not None]
        row = await self._fetchrow(numbered(sql), consumer_id, provider_id, *names)
        return None if row is None else publication(row)

    async def publications_of_integration(
        self, consumer_id: int, provider_id: int, page: Page
    ) -> tuple[list[PactPublication], int]:
        rows = await self._fetch(
            numbered(q.PUBLICATIONS_OF_INTEGRATION),
            consumer_id,
            provider_id,
            page.size,
            page.offset,
        )
        total = await self._count(
            numbered(q.COUNT_PUBLICATIONS_OF_INTEGRATION), consumer_id, provider_id
        )
        return [publication(r) for r in rows], total

    async def latest_publications(
        self, provider_id: int | None = None, *, branch: str | None = None, tag: str | None = None
    ) -> list[PactPublication]:
        sql = q.latest_publications_sql(
            provider=provider_id is not None, branch=branch is not None, tag=tag is not None
        )
        params = [v for v in (branch, tag, provider_id) if v is not None]
        return [publication(r) for r in await self._fetch(numbered(sql), *params)]

    async def publications_of_pact_version(self, pact_version_id: int) -> list[PactPublication]:
        rows = await self._fetch(numbered(q.PUBLICATIONS_OF_PACT_VERSION), pact_version_id)
        return [publication(r) for r in rows]

    async def publications_of_consumer_version(self, version_id: int) -> list[PactPublication]:
        rows = await self._fetch(numbered(q.PUBLICATIONS_OF_CONSUMER_VERSION), version_id)
        return [publication(r) for r in rows]

    async def previous_distinct_publication(
        self, publication_: PactPublication
    ) -> PactPublication | None:
        row = await self._fetchrow(
            numbered(q.PREVIOUS_DISTINCT_PUBLICATION),
            publication_.consumer_id,
            publication_.provider_id,
            publication_.consumer_version_id,
            publication_.pact_version_id,
        )
        return None if row is None else publication(row)

    # verification results

    async def insert_verification(self, verification_: Verification) -> Verification:
        v = verification_
        row = await self._write(
            numbered(vq.INSERT_VERIFICATION),
            v.pact_version_id,
            v.consumer_id,
            v.provider_id,
            v.provider_version_id,
            v.success,
            v.build_url,
            v.test_results,
            v.verified_by,
            v.metadata,
            v.wip,
            v.created_at,
            conflict="That verification result exists already",
        )
        assert row is not None
        return verification(row)

    async def find_verification(self, verification_id: int) -> Verification | None:
        row = await self._fetchrow(numbered(vq.FIND_VERIFICATION), verification_id)
        return None if row is None else verification(row)

    async def latest_verification(self, pact_version_id: int) -> Verification | None:
        row = await self._fetchrow(numbered(vq.LATEST_VERIFICATION), pact_version_id)
        return None if row is None else verification(row)

    async def verifications_of_pact_version(self, pact_version_id: int) -> list[Verification]:
        rows = await self._fetch(numbered(vq.VERIFICATIONS_OF_PACT_VERSION), pact_version_id)
        return [verification(r) for r in rows]

    async def verifications_of_provider_version(self, version_id: int) -> list[Verification]:
        rows = await self._fetch(numbered(vq.VERIFICATIONS_OF_PROVIDER_VERSION), version_id)
        return [verification(r) for r in rows]

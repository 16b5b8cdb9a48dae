"""Pact versions, publications and verification results on SQLite.

Mixed into `SQLiteTransaction`.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from broker.domain.errors import ConflictError, NotFoundError
from broker.domain.model import PactPublication, PactVersion, Page, Verification
from broker.storage import pact_queries as q
from broker.storage import selection_queries as s
from broker.storage import verification_queries as vq
from broker.storage.pact_rows import pact_version, publication, verification
from broker.storage.sqlite_time import to_text

if TYPE_CHECKING:
    from broker.storage.sqlite import Connection


class SQLitePactRows:
    """Mixed into `SQLiteTransaction`, which provides the connection `_c`."""

    _c: Connection

    async def find_pact_version(
        self, consumer_id: int, provider_id: int, sha: str
    ) -> PactVersion | None:
        row = await self._c.fetch_one(q.FIND_PACT_VERSION, (consumer_id, provider_id, sha))
        return None if row is None else pact_version(row)

    async def find_pact_version_by_id(self, pact_version_id: int) -> PactVersion | None:
        row = await self._c.fetch_one(q.FIND_PACT_VERSION_BY_ID, (pact_version_id,))
        return None if row is None else pact_version(row)

    async def insert_pact_version(
        self, consumer_id: int, provider_id: int, sha: str, content: str, now: datetime
    ) -> PactVersion:
        try:
            row = await self._c.fetch_one(
                q.INSERT_PACT_VERSION, (consumer_id, provider_id, sha, content, to_text(now))
            )
        except ConflictError as error:
            raise ConflictError(f"The integration already has pact content {sha}") from error
        assert row is not None  # RETURNING gives the row
        return pact_version(row)

    async def find_publication(
        self, consumer_version_id: int, provider_id: int
    ) -> PactPublication | None:
        row = await self._c.fetch_one(q.FIND_PUBLICATION, (consumer_version_id, provider_id))
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
        values = (consumer_id, provider_id, consumer_version_id, pact_version_id)
        try:
            row = await self._c.fetch_one(
                q.INSERT_PUBLICATION, (*values, to_text(now), to_text(now), content)
            )
        except ConflictError as error:
            raise ConflictError(
                "That consumer version already has a pact with the provider"
            ) from error
        assert row is not None
        await self._c.execute(s.INSERT_INTEGRATION, (consumer_id, provider_id, to_text(now)))
        return publication(row)

    async def replace_publication(
        self,
        publication_: PactPublication,
        pact_version_id: int,
        now: datetime,
        content: str | None = None,
    ) -> PactPublication:
        row = await self._c.fetch_one(
            q.REPLACE_PUBLICATION, (pact_version_id, to_text(now), content, publication_.id)
        )
        if row is None:
            raise NotFoundError("The pact publication no longer exists")
        return publication(row)

    async def delete_publication(self, publication_: PactPublication) -> None:
        await self._c.execute(q.DELETE_PUBLICATION, (publication_.id,))
        pact_version_id = publication_.pact_version_id
        await self._c.execute(q.DELETE_ORPHAN_PACT_VERSION, (pact_version_id, pact_version_id))

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
        row = await self._c.fetch_one(sql, (consumer_id, provider_id, *names))
        return None if row is None else publication(row)

    async def publications_of_integration(
        self, consumer_id: int, provider_id: int, page: Page
    ) -> tuple[list[PactPublication], int]:
        rows = await self._c.fetch_all(
            q.PUBLICATIONS_OF_INTEGRATION, (consumer_id, provider_id, page.size, page.offset)
        )
        total = await self._c.fetch_one(
            q.COUNT_PUBLICATIONS_OF_INTEGRATION, (consumer_id, provider_id)
        )
        return [publication(r) for r in rows], total["n"] if total else 0

    async def latest_publications(
        self, provider_id: int | None = None, *, branch: str | None = None, tag: str | None = None
    ) -> list[PactPublication]:
        sql = q.latest_publications_sql(
            provider=provider_id is not None, branch=branch is not None, tag=tag is not None
        )
        params = [v for v in (branch, tag, provider_id) if v is not None]
        return [publication(r) for r in await self._c.fetch_all(sql, params)]

    async def publications_of_pact_version(self, pact_version_id: int) -> list[PactPublication]:
        rows = await self._c.fetch_all(q.PUBLICATIONS_OF_PACT_VERSION, (pact_version_id,))
        return [publication(r) for r in rows]

    async def publications_of_consumer_version(self, version_id: int) -> list[PactPublication]:
        rows = await self._c.fetch_all(q.PUBLICATIONS_OF_CONSUMER_VERSION, (version_id,))
        return [publication(r) for r in rows]

    async def previous_distinct_publication(
        self, publication_: PactPublication
    ) -> PactPublication | None:
        row = await self._c.fetch_one(
            q.PREVIOUS_DISTINCT_PUBLICATION,
            (
                publication_.consumer_id,
                publication_.provider_id,
                publication_.consumer_version_id,
                publication_.pact_version_id,
            ),
        )
        return None if row is None else publication(row)

    # verification results

    async def insert_verification(self, verification_: Verification) -> Verification:
        v = verification_
        row = await self._c.fetch_one(
            vq.INSERT_VERIFICATION,
            (
                v.pact_version_id,
                v.consumer_id,
                v.provider_id,
                v.provider_version_id,
                int(v.success),
                v.build_url,
                v.test_results,
                v.verified_by,
                v.metadata,
                int(v.wip),
                to_text(v.created_at),
            ),
        )
        assert row is not None
        return verification(row)

    async def find_verification(self, verification_id: int) -> Verification | None:
        row = await self._c.fetch_one(vq.FIND_VERIFICATION, (verification_id,))
        return None if row is None else verification(row)

    async def latest_verification(self, pact_version_id: int) -> Verification | None:
        row = await self._c.fetch_one(vq.LATEST_VERIFICATION, (pact_version_id,))
        return None if row is None else verification(row)

    async def verifications_of_pact_version(self, pact_version_id: int) -> list[Verification]:
        rows = await self._c.fetch_all(vq.VERIFICATIONS_OF_PACT_VERSION, (pact_version_id,))
        return [verification(r) for r in rows]

    async def verifications_of_provider_version(self, version_id: int) -> list[Verification]:
        rows = await self._c.fetch_all(vq.VERIFICATIONS_OF_PROVIDER_VERSION, (version_id,))
        return [verification(r) for r in rows]

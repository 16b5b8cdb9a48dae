"""Pact versions, publications and verification results: their SQL and row mapping."""

from __future__ import annotations

from datetime import datetime

from broker.domain.errors import NotFoundError
from broker.domain.model import PactPublication, PactVersion, Page, Verification
from broker.storage.driver import Driver, Row, moment, page_of, record, records, written

# The newest consumer version's pact, optionally among versions on a branch, with a tag, or
# without any tag. `{filter}` is made of the fragments below, over the alias `pp`.
_LATEST_PUBLICATION = (
    "SELECT pp.* FROM pact_publications pp WHERE pp.consumer_id = ? AND pp.provider_id = ?"
    " {filter} ORDER BY pp.consumer_version_id DESC LIMIT 1"
)
_ON_BRANCH = (
    "AND EXISTS (SELECT 1 FROM branch_versions bv JOIN branches b ON b.id = bv.branch_id"
    " WHERE bv.version_id = pp.consumer_version_id AND b.name = ?)"
)
_WITH_TAG = (
    "AND EXISTS (SELECT 1 FROM tags t WHERE t.version_id = pp.consumer_version_id AND t.name = ?)"
)
_UNTAGGED = "AND NOT EXISTS (SELECT 1 FROM tags t WHERE t.version_id = pp.consumer_version_id)"
# On the consumer's main branch (no parameter).
_ON_MAIN_BRANCH = (
    "AND EXISTS (SELECT 1 FROM branch_versions bv JOIN branches b ON b.id = bv.branch_id"
    " JOIN pacticipants c ON c.id = pp.consumer_id"
    " WHERE bv.version_id = pp.consumer_version_id AND b.name = c.main_branch)"
)

# The latest pact of every integration: for each row of `integrations`, the publication of the
# newest consumer version among those that pass the filter (one index probe per integration).
# `{provider}` narrows to one provider.
_LATEST_PUBLICATIONS = (
    "SELECT pp.* FROM integrations i JOIN pact_publications pp"
    " ON pp.consumer_id = i.consumer_id AND pp.provider_id = i.provider_id"
    " AND pp.consumer_version_id = ("
    "   SELECT max(newer.consumer_version_id) FROM pact_publications newer"
    "   WHERE newer.consumer_id = i.consumer_id AND newer.provider_id = i.provider_id"
    "   {newer_filter})"
    " WHERE 1 = 1 {provider} ORDER BY pp.consumer_id, pp.provider_id"
)

# Every publication with a provider; `{filter}` narrows (fragments above, and the consumer).
_PROVIDER_PUBLICATIONS = (
    "SELECT pp.* FROM pact_publications pp WHERE pp.provider_id = ? {filter}"
    " ORDER BY pp.consumer_id, pp.consumer_version_id DESC"
)


def latest_publication_sql(*, branch: bool, tag: bool, untagged: bool) -> str:
    """The newest publication with the filters asked for (parameters: consumer, provider, names)."""
    filters = (_ON_BRANCH if branch else "") + " " + (_WITH_TAG if tag else "")
    if untagged:
        filters += " " + _UNTAGGED
    return _LATEST_PUBLICATION.format(filter=filters)


def latest_publications_sql(
    *, provider: bool, branch: bool, tag: bool, main_branch: bool = False
) -> str:
    """The latest publication of every integration with the filters asked for.

    Parameters, in order: the branch name, the tag name, then the provider id (each only when
    asked for).
    """
    inner = " ".join(
        f.replace("pp.", "newer.")
        for f, wanted in ((_ON_BRANCH, branch), (_WITH_TAG, tag), (_ON_MAIN_BRANCH, main_branch))
        if wanted
    )
    narrow = "AND i.provider_id = ?" if provider else ""
    return _LATEST_PUBLICATIONS.format(newer_filter=inner, provider=narrow)


def provider_publications_sql(*, consumer: bool, branch: bool, tag: bool, main_branch: bool) -> str:
    """Every publication with a provider, by consumer then newest consumer version first.

    Parameters, in order: the provider id, the consumer id, the branch name, the tag name (each
    after the first only when asked for).
    """
    filters = " ".join(
        f
        for f, wanted in (
            ("AND pp.consumer_id = ?", consumer),
            (_ON_BRANCH, branch),
            (_WITH_TAG, tag),
            (_ON_MAIN_BRANCH, main_branch),
        )
        if wanted
    )
    return _PROVIDER_PUBLICATIONS.format(filter=filters)


def pact_version(row: Row) -> PactVersion:
    """A `pact_versions` row (written out, as `versions.to_version`, for the batched reads)."""
    return PactVersion(
        id=row["id"],
        consumer_id=row["consumer_id"],
        provider_id=row["provider_id"],
        sha=row["sha"],
        content=row["content"],
        created_at=moment(row["created_at"]),
    )


def publication(row: Row) -> PactPublication:
    """A `pact_publications` row."""
    return PactPublication(
        id=row["id"],
        consumer_id=row["consumer_id"],
        provider_id=row["provider_id"],
        consumer_version_id=row["consumer_version_id"],
        pact_version_id=row["pact_version_id"],
        revision=row["revision"],
        created_at=moment(row["created_at"]),
        updated_at=moment(row["updated_at"]),
        content=row["content"],
    )


class PactRows:
    """The `Pacts` role of a transaction."""

    _db: Driver

    async def find_pact_version(
        self, consumer_id: int, provider_id: int, sha: str
    ) -> PactVersion | None:
        row = await self._db.fetchrow(
            "SELECT * FROM pact_versions WHERE consumer_id = ? AND provider_id = ? AND sha = ?",
            consumer_id,
            provider_id,
            sha,
        )
        return None if row is None else pact_version(row)

    async def find_pact_version_by_id(self, pact_version_id: int) -> PactVersion | None:
        row = await self._db.fetchrow("SELECT * FROM pact_versions WHERE id = ?", pact_version_id)
        return None if row is None else pact_version(row)

    async def insert_pact_version(
        self, consumer_id: int, provider_id: int, sha: str, content: str, now: datetime
    ) -> PactVersion:
        row = await self._db.insert(
            "INSERT INTO pact_versions (consumer_id, provider_id, sha, content, created_at)"
            " VALUES (?, ?, ?, ?, ?) RETURNING *",
            consumer_id,
            provider_id,
            sha,
            content,
            self._db.time(now),
            conflict=f"The integration already has pact content {sha}",
        )
        return pact_version(written(row))

    async def find_publication(
        self, consumer_version_id: int, provider_id: int
    ) -> PactPublication | None:
        row = await self._db.fetchrow(
            "SELECT * FROM pact_publications WHERE consumer_version_id = ? AND provider_id = ?",
            consumer_version_id,
            provider_id,
        )
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
        row = await self._db.insert(
            "INSERT INTO pact_publications (consumer_id, provider_id, consumer_version_id,"
            " pact_version_id, revision, created_at, updated_at, content)"
            " VALUES (?, ?, ?, ?, 1, ?, ?, ?) RETURNING *",
            consumer_id,
            provider_id,
            consumer_version_id,
            pact_version_id,
            self._db.time(now),
            self._db.time(now),
            content,
            conflict="That consumer version already has a pact with the provider",
        )
        await self._db.execute(
            "INSERT INTO integrations (consumer_id, provider_id, created_at) VALUES (?, ?, ?)"
            " ON CONFLICT (consumer_id, provider_id) DO NOTHING",
            consumer_id,
            provider_id,
            self._db.time(now),
        )
        return publication(written(row))

    async def replace_publication(
        self,
        publication_: PactPublication,
        pact_version_id: int,
        now: datetime,
        content: str | None = None,
    ) -> PactPublication:
        row = await self._db.fetchrow(
            "UPDATE pact_publications SET pact_version_id = ?, revision = revision + 1,"
            " updated_at = ?, content = ? WHERE id = ? RETURNING *",
            pact_version_id,
            self._db.time(now),
            content,
            publication_.id,
        )
        if row is None:
            raise NotFoundError("The pact publication no longer exists")
        return publication(row)

    async def delete_publication(self, publication_: PactPublication) -> None:
        await self._db.execute("DELETE FROM pact_publications WHERE id = ?", publication_.id)
        # The content goes too once no publication holds it.
        await self._db.execute(
            "DELETE FROM pact_versions WHERE id = ?"
            " AND NOT EXISTS (SELECT 1 FROM pact_publications WHERE pact_version_id = ?)",
            publication_.pact_version_id,
            publication_.pact_version_id,
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
        sql = latest_publication_sql(
            branch=branch is not None, tag=tag is not None, untagged=untagged
        )
        names = [name for name in (branch, tag) if name is not None]
        row = await self._db.fetchrow(sql, consumer_id, provider_id, *names)
        return None if row is None else publication(row)

    async def publications_of_integration(
        self, consumer_id: int, provider_id: int, page: Page
    ) -> tuple[list[PactPublication], int]:
        where = "FROM pact_publications pp WHERE pp.consumer_id = ? AND pp.provider_id = ?"
        rows, total = await page_of(
            self._db,
            f"SELECT pp.* {where} ORDER BY pp.consumer_version_id DESC LIMIT ? OFFSET ?",
            f"SELECT count(*) {where}",
            consumer_id,
            provider_id,
            page=page,
        )
        return [publication(r) for r in rows], total

    async def latest_publications(
        self,
        provider_id: int | None = None,
        *,
        branch: str | None = None,
        tag: str | None = None,
        main_branch: bool = False,
    ) -> list[PactPublication]:
        sql = latest_publications_sql(
            provider=provider_id is not None,
            branch=branch is not None,
            tag=tag is not None,
            main_branch=main_branch,
        )
        params = [v for v in (branch, tag, provider_id) if v is not None]
        return [publication(r) for r in await self._db.fetch(sql, *params)]

    async def provider_publications(
        self,
        provider_id: int,
        *,
        consumer_id: int | None = None,
        branch: str | None = None,
        tag: str | None = None,
        main_branch: bool = False,
    ) -> list[PactPublication]:
        sql = provider_publications_sql(
            consumer=consumer_id is not None,
            branch=branch is not None,
            tag=tag is not None,
            main_branch=main_branch,
        )
        params = [v for v in (provider_id, consumer_id, branch, tag) if v is not None]
        return [publication(r) for r in await self._db.fetch(sql, *params)]

    async def publications_of_pact_version(self, pact_version_id: int) -> list[PactPublication]:
        rows = await self._db.fetch(
            "SELECT * FROM pact_publications WHERE pact_version_id = ?"
            " ORDER BY consumer_version_id",
            pact_version_id,
        )
        return [publication(r) for r in rows]

    async def publications_of_consumer_version(self, version_id: int) -> list[PactPublication]:
        rows = await self._db.fetch(
            "SELECT * FROM pact_publications WHERE consumer_version_id = ? ORDER BY provider_id",
            version_id,
        )
        return [publication(r) for r in rows]

    async def previous_distinct_publication(
        self, publication_: PactPublication
    ) -> PactPublication | None:
        row = await self._db.fetchrow(
            "SELECT * FROM pact_publications WHERE consumer_id = ? AND provider_id = ?"
            " AND consumer_version_id < ? AND pact_version_id <> ?"
            " ORDER BY consumer_version_id DESC LIMIT 1",
            publication_.consumer_id,
            publication_.provider_id,
            publication_.consumer_version_id,
            publication_.pact_version_id,
        )
        return None if row is None else publication(row)

    async def previous_publication(
        self, publication_: PactPublication, *, branch: str | None = None, tag: str | None = None
    ) -> PactPublication | None:
        filters = (
            (_ON_BRANCH if branch is not None else "")
            + " "
            + (_WITH_TAG if tag is not None else "")
        )
        row = await self._db.fetchrow(
            "SELECT pp.* FROM pact_publications pp"  # noqa: S608 - fixed fragments
            " WHERE pp.consumer_id = ? AND pp.provider_id = ? AND pp.consumer_version_id < ?"
            f" {filters} ORDER BY pp.consumer_version_id DESC LIMIT 1",
            publication_.consumer_id,
            publication_.provider_id,
            publication_.consumer_version_id,
            *[name for name in (branch, tag) if name is not None],
        )
        return None if row is None else publication(row)

    # verification results

    async def insert_verification(self, verification_: Verification) -> Verification:
        v = verification_
        row = await self._db.insert(
            "INSERT INTO verifications (pact_version_id, consumer_id, provider_id,"
            " provider_version_id, success, build_url, test_results, verified_by, metadata, wip,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *",
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
            self._db.time(v.created_at),
            conflict="That verification result exists already",
        )
        return record(Verification, written(row))

    async def find_verification(self, verification_id: int) -> Verification | None:
        row = await self._db.fetchrow("SELECT * FROM verifications WHERE id = ?", verification_id)
        return None if row is None else record(Verification, row)

    async def latest_verification(self, pact_version_id: int) -> Verification | None:
        row = await self._db.fetchrow(
            "SELECT * FROM verifications WHERE pact_version_id = ? ORDER BY id DESC LIMIT 1",
            pact_version_id,
        )
        return None if row is None else record(Verification, row)

    async def verifications_of_pact_version(self, pact_version_id: int) -> list[Verification]:
        rows = await self._db.fetch(
            "SELECT * FROM verifications WHERE pact_version_id = ? ORDER BY id DESC",
            pact_version_id,
        )
        return records(Verification, rows)

    async def verifications_of_provider_version(self, version_id: int) -> list[Verification]:
        rows = await self._db.fetch(
            "SELECT * FROM verifications WHERE provider_version_id = ? ORDER BY id DESC",
            version_id,
        )
        return records(Verification, rows)

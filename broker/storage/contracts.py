"""Provider contracts, their publications and comparisons: their SQL and row mapping."""

from __future__ import annotations

from datetime import datetime

from broker.domain.model import (
    Comparison,
    Page,
    ProviderContract,
    ProviderContractPublication,
)
from broker.storage.driver import Driver, page_of, record, records, written


class ContractRows:
    """The `Contracts` role of a transaction."""

    _db: Driver

    async def find_provider_contract(self, provider_id: int, sha: str) -> ProviderContract | None:
        row = await self._db.fetchrow(
            "SELECT * FROM provider_contract_versions WHERE provider_id = ? AND sha = ?",
            provider_id,
            sha,
        )
        return None if row is None else record(ProviderContract, row)

    async def find_provider_contract_by_id(self, contract_id: int) -> ProviderContract | None:
        row = await self._db.fetchrow(
            "SELECT * FROM provider_contract_versions WHERE id = ?", contract_id
        )
        return None if row is None else record(ProviderContract, row)

    async def insert_provider_contract(
        self,
        provider_id: int,
        sha: str,
        content: str,
        *,
        content_type: str,
        specification: str,
        now: datetime,
    ) -> ProviderContract:
        await self._db.execute(
            "INSERT INTO provider_contract_versions"
            " (provider_id, sha, content, content_type, specification, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (provider_id, sha) DO NOTHING",
            provider_id,
            sha,
            content,
            content_type,
            specification,
            self._db.time(now),
        )
        return written(
            await self.find_provider_contract(provider_id, sha)
        )  # inserted or already there

    async def find_contract_publication(
        self, provider_version_id: int
    ) -> ProviderContractPublication | None:
        row = await self._db.fetchrow(
            "SELECT * FROM provider_contract_publications WHERE provider_version_id = ?",
            provider_version_id,
        )
        return None if row is None else record(ProviderContractPublication, row)

    async def save_contract_publication(
        self,
        *,
        provider_id: int,
        provider_version_id: int,
        contract_version_id: int,
        self_verification_success: bool | None,
        self_verification: str | None,
        now: datetime,
    ) -> ProviderContractPublication:
        # One document per provider version: publishing again replaces it and its
        # self-verification.
        row = await self._db.fetchrow(
            "INSERT INTO provider_contract_publications (provider_id, provider_version_id,"
            " contract_version_id, self_verification_success, self_verification, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (provider_version_id) DO UPDATE SET"
            " contract_version_id = excluded.contract_version_id,"
            " self_verification_success = excluded.self_verification_success,"
            " self_verification = excluded.self_verification, updated_at = excluded.updated_at"
            " RETURNING *",
            provider_id,
            provider_version_id,
            contract_version_id,
            self_verification_success,
            self_verification,
            self._db.time(now),
            self._db.time(now),
        )
        return record(ProviderContractPublication, written(row))

    async def latest_contract_publications(
        self, provider_id: int, limit: int
    ) -> list[ProviderContractPublication]:
        # The newest publication of each distinct document of a provider, newest first.
        rows = await self._db.fetch(
            "SELECT * FROM provider_contract_publications p WHERE p.provider_id = ? AND p.id IN ("
            " SELECT max(id) FROM provider_contract_publications WHERE provider_id = ?"
            " GROUP BY contract_version_id) ORDER BY p.id DESC LIMIT ?",
            provider_id,
            provider_id,
            limit,
        )
        return records(ProviderContractPublication, rows)

    async def list_contract_publications(
        self, provider_id: int, page: Page
    ) -> tuple[list[ProviderContractPublication], int]:
        # Newest first by id: a version publishing again keeps its place.
        rows, total = await page_of(
            self._db,
            "SELECT * FROM provider_contract_publications WHERE provider_id = ?"
            " ORDER BY id DESC LIMIT ? OFFSET ?",
            "SELECT count(*) FROM provider_contract_publications WHERE provider_id = ?",
            provider_id,
            page=page,
        )
        return records(ProviderContractPublication, rows), total

    async def find_comparison(
        self, pact_version_id: int, contract_version_id: int
    ) -> Comparison | None:
        row = await self._db.fetchrow(
            "SELECT * FROM comparisons WHERE pact_version_id = ? AND contract_version_id = ?",
            pact_version_id,
            contract_version_id,
        )
        return None if row is None else record(Comparison, row)

    async def find_comparison_by_id(self, comparison_id: int) -> Comparison | None:
        row = await self._db.fetchrow("SELECT * FROM comparisons WHERE id = ?", comparison_id)
        return None if row is None else record(Comparison, row)

    async def save_comparison(
        self,
        pact_version_id: int,
        contract_version_id: int,
        *,
        success: bool,
        findings: str,
        now: datetime,
    ) -> Comparison:
        await self._db.execute(
            "INSERT INTO comparisons"
            " (pact_version_id, contract_version_id, success, findings, created_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (pact_version_id, contract_version_id) DO NOTHING",
            pact_version_id,
            contract_version_id,
            success,
            findings,
            self._db.time(now),
        )
        return written(
            await self.find_comparison(pact_version_id, contract_version_id)
        )  # inserted or already there

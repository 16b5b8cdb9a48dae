"""Provider contracts, their publications and comparisons on PostgreSQL.

Mixed into `PostgresTransaction`; the SQL is `contract_queries`'.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from broker.domain.model import Comparison, ProviderContract, ProviderContractPublication
from broker.storage import contract_queries as q
from broker.storage.contract_rows import comparison, contract, contract_publication
from broker.storage.driver import numbered

if TYPE_CHECKING:
    import asyncpg


class PostgresContractRows:
    """Mixed into `PostgresTransaction`, which provides the statement helpers declared here."""

    if TYPE_CHECKING:

        async def _fetch(self, query: str, *arguments: object) -> list[asyncpg.Record]: ...

        async def _fetchrow(self, query: str, *arguments: object) -> asyncpg.Record | None: ...

        async def _execute(self, query: str, *arguments: object) -> None: ...

    async def find_provider_contract(self, provider_id: int, sha: str) -> ProviderContract | None:
        row = await self._fetchrow(numbered(q.FIND_CONTRACT), provider_id, sha)
        return None if row is None else contract(row)

    async def find_provider_contract_by_id(self, contract_id: int) -> ProviderContract | None:
        row = await self._fetchrow(numbered(q.FIND_CONTRACT_BY_ID), contract_id)
        return None if row is None else contract(row)

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
        values = (provider_id, sha, content, content_type, specification, now)
        await self._execute(numbered(q.INSERT_CONTRACT), *values)
        found = await self.find_provider_contract(provider_id, sha)
        assert found is not None, "inserted or already there"
        return found

    async def find_contract_publication(
        self, provider_version_id: int
    ) -> ProviderContractPublication | None:
        row = await self._fetchrow(numbered(q.FIND_PUBLICATION), provider_version_id)
        return None if row is None else contract_publication(row)

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
        row = await self._fetchrow(
            numbered(q.UPSERT_PUBLICATION),
            provider_id,
            provider_version_id,
            contract_version_id,
            self_verification_success,
            self_verification,
            now,
            now,
        )
        assert row is not None
        return contract_publication(row)

    async def latest_contract_publications(
        self, provider_id: int, limit: int
    ) -> list[ProviderContractPublication]:
        rows = await self._fetch(
            numbered(q.LATEST_CONTRACTS_OF_PROVIDER), provider_id, provider_id, limit
        )
        return [contract_publication(r) for r in rows]

    async def find_comparison(
        self, pact_version_id: int, contract_version_id: int
    ) -> Comparison | None:
        row = await self._fetchrow(
            numbered(q.FIND_COMPARISON), pact_version_id, contract_version_id
        )
        return None if row is None else comparison(row)

    async def find_comparison_by_id(self, comparison_id: int) -> Comparison | None:
        row = await self._fetchrow(numbered(q.FIND_COMPARISON_BY_ID), comparison_id)
        return None if row is None else comparison(row)

    async def save_comparison(
        self,
        pact_version_id: int,
        contract_version_id: int,
        *,
        success: bool,
        findings: str,
        now: datetime,
    ) -> Comparison:
        await self._execute(
            numbered(q.INSERT_COMPARISON),
            pact_version_id,
            contract_version_id,
            success,
            findings,
            now,
        )
        found = await self.find_comparison(pact_version_id, contract_version_id)
        assert found is not None, "inserted or already there"
        return found

"""Integrations (consumer/provider pairs with pacts): listing, badge facts and deleting them."""

from __future__ import annotations

from collections.abc import Sequence

from broker.domain.model import Verification
from broker.storage.driver import Driver, moment, record
from broker.storage.interface import IntegrationRow

# The newest result of the integration's pseudo branch: of the newest consumer version (with a
# tag, or untagged) whose content has any result (by a provider version with a tag), its newest.
_LATEST_RESULT = (
    "SELECT v.* FROM verifications v JOIN pact_publications pp"
    " ON pp.pact_version_id = v.pact_version_id"
    " WHERE pp.consumer_id = ? AND pp.provider_id = ? {filter}"
    " ORDER BY pp.consumer_version_id DESC, {order} v.id DESC LIMIT 1"
)
_CONSUMER_TAG = (
    "AND EXISTS (SELECT 1 FROM tags ct WHERE ct.version_id = pp.consumer_version_id"
    " AND ct.name = ?)"
)
_UNTAGGED = "AND NOT EXISTS (SELECT 1 FROM tags ct WHERE ct.version_id = pp.consumer_version_id)"
_PROVIDER_TAG = (
    "AND EXISTS (SELECT 1 FROM tags pt WHERE pt.version_id = v.provider_version_id AND pt.name = ?)"
)


class IntegrationRows:
    """The `Integrations` role of a transaction."""

    _db: Driver

    async def list_integrations(self) -> list[IntegrationRow]:
        rows = await self._db.fetch(
            "SELECT i.consumer_id, c.name AS consumer_name, i.provider_id,"
            " p.name AS provider_name, i.created_at FROM integrations i"
            " JOIN pacticipants c ON c.id = i.consumer_id"
            " JOIN pacticipants p ON p.id = i.provider_id ORDER BY c.name, p.name"
        )
        return [
            IntegrationRow(
                consumer_id=r["consumer_id"],
                consumer_name=r["consumer_name"],
                provider_id=r["provider_id"],
                provider_name=r["provider_name"],
                created_at=moment(r["created_at"]),
            )
            for r in rows
        ]

    async def latest_integration_result(
        self,
        consumer_id: int,
        provider_id: int,
        *,
        tag: str | None = None,
        untagged: bool = False,
        provider_tag: str | None = None,
    ) -> Verification | None:
        filters = []
        params: list[object] = [consumer_id, provider_id]
        if tag is not None:
            filters.append(_CONSUMER_TAG)
            params.append(tag)
        if untagged:
            filters.append(_UNTAGGED)
        if provider_tag is not None:
            filters.append(_PROVIDER_TAG)
            params.append(provider_tag)
        order = "v.provider_version_id DESC," if provider_tag is not None else ""
        sql = _LATEST_RESULT.format(filter=" ".join(filters), order=order)
        row = await self._db.fetchrow(sql, *params)
        return None if row is None else record(Verification, row)

    async def delete_integration(self, consumer_id: int, provider_id: int) -> None:
        pair = (consumer_id, provider_id)
        where = "WHERE consumer_id = ? AND provider_id = ?"
        for table in ("pact_publications", "verifications", "pact_versions", "integrations"):
            await self._db.execute(f"DELETE FROM {table} {where}", *pair)  # noqa: S608 - names

    async def delete_orphan_versions(self, pacticipant_ids: Sequence[int]) -> int:
        deleted = 0
        for pacticipant_id in dict.fromkeys(pacticipant_ids):
            deleted += await self._db.execute(
                "DELETE FROM versions WHERE pacticipant_id = ?"
                " AND NOT EXISTS (SELECT 1 FROM pact_publications pp"
                "   WHERE pp.consumer_version_id = versions.id)"
                " AND NOT EXISTS (SELECT 1 FROM verifications v"
                "   WHERE v.provider_version_id = versions.id)"
                " AND NOT EXISTS (SELECT 1 FROM provider_contract_publications pc"
                "   WHERE pc.provider_version_id = versions.id)"
                " AND NOT EXISTS (SELECT 1 FROM test_results tr"
                "   WHERE tr.version_id = versions.id)",
                pacticipant_id,
            )
        return deleted

    async def delete_pacticipant_if_orphan(self, pacticipant_id: int) -> bool:
        changed = await self._db.execute(
            "DELETE FROM pacticipants WHERE id = ?"
            " AND NOT EXISTS (SELECT 1 FROM versions WHERE pacticipant_id = ?)"
            " AND NOT EXISTS (SELECT 1 FROM pact_versions"
            "   WHERE consumer_id = ? OR provider_id = ?)",
            *(pacticipant_id,) * 4,
        )
        return changed > 0

    async def delete_all_pacticipants(self) -> int:
        # ON DELETE CASCADE takes everything recorded about them along.
        return await self._db.execute("DELETE FROM pacticipants")

"""Provider contracts, their publications and comparisons, on every backend."""

from __future__ import annotations

from datetime import datetime, timedelta

from broker.domain.model import Pacticipant, PacticipantChanges
from broker.storage.interface import Storage
from tests.integration.storage.test_storage_pacts import consumer_versions, publish


async def test_documents_are_stored_once_and_a_version_publishes_one(
    storage: Storage, pacticipant: Pacticipant, now: datetime
) -> None:
    async with storage.transaction() as tx:
        first = await tx.insert_provider_contract(
            pacticipant.id,
            "abc",
            "openapi: 3.0.0",
            content_type="application/yaml",
            specification="oas",
            now=now,
        )
        again = await tx.insert_provider_contract(
            pacticipant.id,
            "abc",
            "ignored",
            content_type="application/json",
            specification="oas",
            now=now + timedelta(hours=1),
        )
        assert again == first
        assert first.content == "openapi: 3.0.0"
        assert await tx.find_provider_contract_by_id(first.id) == first
        other = await tx.insert_provider_contract(
            pacticipant.id,
            "def",
            "{}",
            content_type="application/json",
            specification="oas",
            now=now,
        )
        v1, v2 = await consumer_versions(tx, pacticipant, ["1", "2"], now)
        saved = await tx.save_contract_publication(
            provider_id=pacticipant.id,
            provider_version_id=v1.id,
            contract_version_id=first.id,
            self_verification_success=None,
            self_verification=None,
            now=now,
        )
        assert saved.self_verification_success is None
        later = now + timedelta(minutes=1)
        replaced = await tx.save_contract_publication(
            provider_id=pacticipant.id,
            provider_version_id=v1.id,
            contract_version_id=other.id,
            self_verification_success=False,
            self_verification='{"format": "text"}',
            now=later,
        )
        assert (replaced.id, replaced.contract_version_id) == (saved.id, other.id)
        assert (replaced.created_at, replaced.updated_at) == (now, later)
        assert replaced.self_verification_success is False
        assert await tx.find_contract_publication(v1.id) == replaced
        assert await tx.find_contract_publication(v2.id) is None
        await tx.save_contract_publication(
            provider_id=pacticipant.id,
            provider_version_id=v2.id,
            contract_version_id=other.id,
            self_verification_success=True,
            self_verification=None,
            now=later,
        )
        latest = await tx.latest_contract_publications(pacticipant.id, 10)
        assert [p.provider_version_id for p in latest] == [v2.id]


async def test_a_comparison_is_kept_once_per_pact_and_document(
    storage: Storage, pacticipant: Pacticipant, now: datetime
) -> None:
    async with storage.transaction() as tx:
        provider = await tx.insert_pacticipant("Bar", PacticipantChanges(), now)
        (cv,) = await consumer_versions(tx, pacticipant, ["1"], now)
        await publish(tx, pacticipant, provider, cv, "sha", now)
        pact = await tx.find_pact_version(pacticipant.id, provider.id, "sha")
        assert pact is not None
        document = await tx.insert_provider_contract(
            provider.id,
            "doc",
            "{}",
            content_type="application/json",
            specification="oas",
            now=now,
        )
        assert await tx.find_comparison(pact.id, document.id) is None
        saved = await tx.save_comparison(
            pact.id, document.id, success=False, findings="[1]", now=now
        )
        same = await tx.save_comparison(pact.id, document.id, success=True, findings="[]", now=now)
        assert same == saved
        assert saved.success is False and saved.findings == "[1]"
        assert await tx.find_comparison_by_id(saved.id) == saved

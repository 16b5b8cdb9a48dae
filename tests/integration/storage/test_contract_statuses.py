"""`ProviderContractService.statuses` on every backend: the home page's bi-directional status.

Each pact content is read against its provider's newest provider contract: compatible or
incompatible when the two were compared, not yet compared when they never were (a page does
not compare), and left out when the provider publishes no contract.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from broker.domain.model import Pacticipant, PacticipantChanges
from broker.services.provider_contracts import ProviderContractService
from broker.storage.interface import Storage
from tests.integration.storage.test_storage_pacts import consumer_versions

FINDINGS = json.dumps(
    [
        {
            "type": "error",
            "code": "request.path-or-method.unknown",
            "message": "Path or method not defined in spec file: GET /pets",
            "mockDetails": {"interactionDescription": "a request for pets"},
        }
    ]
)


async def test_each_pact_content_against_the_newest_provider_contract(
    storage: Storage, pacticipant: Pacticipant, now: datetime
) -> None:
    async with storage.transaction() as tx:
        provider = await tx.insert_pacticipant("Api", PacticipantChanges(), now)
        other = await tx.insert_pacticipant("Quiet", PacticipantChanges(), now)
        first = await tx.insert_pact_version(pacticipant.id, provider.id, "a", "{}", now)
        second = await tx.insert_pact_version(pacticipant.id, provider.id, "b", "{}", now)
        unrelated = await tx.insert_pact_version(pacticipant.id, other.id, "c", "{}", now)
        v1, v2 = await consumer_versions(tx, provider, ["1", "2"], now)
        old = await tx.insert_provider_contract(
            provider.id, "d1", "{}", content_type="application/json", specification="oas", now=now
        )
        await tx.save_contract_publication(
            provider_id=provider.id,
            provider_version_id=v1.id,
            contract_version_id=old.id,
            self_verification_success=None,
            self_verification=None,
            now=now,
        )
        await tx.save_comparison(first.id, old.id, success=False, findings=FINDINGS, now=now)

    service = ProviderContractService(storage)
    found = await service.statuses([first, second, unrelated])
    assert set(found) == {first.id, second.id}  # Quiet publishes no contract
    assert found[first.id].outcome == "incompatible"
    assert found[first.id].provider_version == "1"
    assert found[first.id].self_verified is None
    problem = found[first.id].problem
    assert problem is not None
    assert "request.path-or-method.unknown in the interaction 'a request for pets'" in problem
    assert found[second.id].outcome == "not-compared"
    assert found[second.id].comparison is None
    assert found[second.id].problem is None

    later = now + timedelta(minutes=5)
    async with storage.transaction() as tx:
        new = await tx.insert_provider_contract(
            provider.id, "d2", "{}", content_type="application/json", specification="oas", now=later
        )
        await tx.save_contract_publication(
            provider_id=provider.id,
            provider_version_id=v2.id,
            contract_version_id=new.id,
            self_verification_success=True,
            self_verification=None,
            now=later,
        )
        await tx.save_comparison(second.id, new.id, success=True, findings="[]", now=later)

    found = await service.statuses([first, second])
    # The newest contract (version 2) is what counts now: the old comparison no longer does.
    assert found[first.id].provider_version == "2"
    assert found[first.id].outcome == "not-compared"
    assert found[second.id].outcome == "compatible"
    assert found[second.id].self_verified is True
    compared = found[second.id].comparison
    assert compared is not None
    assert compared.created_at == later
    assert await service.statuses([]) == {}

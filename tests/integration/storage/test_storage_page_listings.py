"""The listings the web pages read (#15), on both backends: a provider's publications, the
notifications of a team's consumers, and the audit chain checked in batches."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta

from broker.domain.model import Pacticipant, PacticipantChanges, Page
from broker.domain.notifications import NotifiedChange
from broker.services.audit import AuditService, audit, audit_key
from broker.services.contracts import Contract, ContractService, PublishRequest
from broker.services.provider_contracts import ContractToPublish, ProviderContractService
from broker.storage.interface import Storage

CHANGE = NotifiedChange(
    id="api-path-removed-without-deprecation",
    level="ERR",
    operation="GET /users/{id}",
    location="paths./users/{id}.get",
    text="The operation was removed.",
)


async def pacticipants(storage: Storage, now: datetime, *names: str) -> list[Pacticipant]:
    async with storage.transaction() as tx:
        return [await tx.insert_pacticipant(n, PacticipantChanges(), now) for n in names]


async def test_a_providers_publications_come_one_per_version_newest_first_in_pages(
    storage: Storage, now: datetime
) -> None:
    provider, other = await pacticipants(storage, now, "Users", "Other")
    async with storage.transaction() as tx:
        document = await tx.insert_provider_contract(
            provider.id,
            "a" * 64,
            "openapi: 3.0.3",
            content_type="application/yaml",
            specification="oas",
            now=now,
        )
        changed = await tx.insert_provider_contract(
            provider.id,
            "b" * 64,
            "openapi: 3.1.0",
            content_type="application/yaml",
            specification="oas",
            now=now,
        )
        for number, contract in (("1", document), ("2", changed), ("3", document)):
            version = await tx.insert_version(provider.id, number, None, now)
            await tx.save_contract_publication(
                provider_id=provider.id,
                provider_version_id=version.id,
                contract_version_id=contract.id,
                self_verification_success=None,
                self_verification=None,
                now=now,
            )
    async with storage.transaction() as tx:
        first, total = await tx.list_contract_publications(provider.id, Page(number=1, size=2))
        second, _ = await tx.list_contract_publications(provider.id, Page(number=2, size=2))
        none, nothing = await tx.list_contract_publications(other.id, Page())
        versions = [await tx.find_version_by_id(p.provider_version_id) for p in first + second]
    assert total == 3
    assert [v.number for v in versions if v] == ["3", "2", "1"]
    assert [p.contract_version_id for p in first + second] == [document.id, changed.id, document.id]
    assert (none, nothing) == ([], 0)


async def test_team_notifications_are_those_of_the_consumers_the_teams_own(
    storage: Storage, now: datetime
) -> None:
    web, app, batch, provider = await pacticipants(storage, now, "Web", "App", "Batch", "Users")
    async with storage.transaction() as tx:
        await tx.save_team("front", ("Web", "App"), now)
        await tx.save_team("back", ("Batch", "NotYetPublished"), now)
        for minutes, consumer in enumerate((web, batch, app)):
            await tx.insert_notification(
                consumer_id=consumer.id,
                provider_id=provider.id,
                provider_version="2",
                summary=f"to {consumer.name}",
                changes=[CHANGE],
                change_request_id=None,
                now=now + timedelta(minutes=minutes),
            )
    async with storage.transaction() as tx:
        front, front_total = await tx.list_team_notifications(("front",), Page())
        both, both_total = await tx.list_team_notifications(("front", "back"), Page(size=2))
        everyone, everyone_total = await tx.list_team_notifications(None, Page())
        nobody = await tx.list_team_notifications((), Page())
        unknown = await tx.list_team_notifications(("nope",), Page())
    assert [n.consumer for n in front] == ["App", "Web"]  # newest first
    assert front_total == 2
    assert [n.consumer for n in both] == ["App", "Batch"]
    assert both_total == 3
    assert [n.consumer for n in everyone] == ["App", "Batch", "Web"]
    assert everyone_total == 3
    assert nobody == ([], 0)
    assert unknown == ([], 0)
    assert front[0].changes == (CHANGE,)


async def write_entries(storage: Storage, now: datetime, count: int) -> None:
    for index in range(count):
        async with storage.transaction() as tx:
            await audit(tx, now, "pacticipant.create", f"pacticipant:P{index}", None, "a" * 64)


async def test_the_chain_is_checked_in_batches_from_its_first_entry(
    storage: Storage, now: datetime
) -> None:
    service = AuditService(storage)
    empty = await service.check_chain()
    assert (empty.head, empty.checked, empty.total, empty.broken) == (None, 0, 0, None)
    assert empty.is_complete

    await write_entries(storage, now, 7)
    whole = await service.check_chain(limit=100)
    assert (whole.checked, whole.total, whole.broken, whole.keyed) == (7, 7, None, False)
    assert whole.head is not None and whole.head.seq == 7
    assert whole.is_complete

    part = await service.check_chain(limit=5)
    assert (part.checked, part.total, part.broken) == (5, 7, None)
    assert not part.is_complete


async def test_a_keyed_chain_has_its_macs_checked_and_an_unsealed_newest_entry_breaks_it(
    storage: Storage, now: datetime
) -> None:
    token = audit_key.set(b"k" * 32)
    try:
        await write_entries(storage, now, 3)
        sealed = await AuditService(storage).check_chain()
    finally:
        audit_key.reset(token)
    assert (sealed.broken, sealed.keyed) == (None, True)

    await write_entries(storage, now, 1)  # written without the key
    token = audit_key.set(b"k" * 32)
    try:
        unsealed = await AuditService(storage).check_chain()
    finally:
        audit_key.reset(token)
    assert unsealed.broken is not None
    assert unsealed.broken.seq == 4


OAS = b"""openapi: 3.0.3
info: {title: Users, version: "1"}
paths:
  /users/{id}:
    get:
      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
      responses: {"200": {description: a user}}
"""


def pact_of(consumer: str, status: int) -> PublishRequest:
    document = {
        "consumer": {"name": consumer},
        "provider": {"name": "Users"},
        "interactions": [
            {
                "description": f"{consumer} reads a user",
                "request": {"method": "GET", "path": "/users/1"},
                "response": {"status": status},
            }
        ],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }
    return PublishRequest(
        pacticipant_name=consumer,
        version_number="1.0.0",
        contracts=(
            Contract(
                consumer_name=consumer, provider_name="Users", content=json.dumps(document).encode()
            ),
        ),
    )


async def test_the_comparisons_of_a_document_are_the_first_consumers_by_name(
    storage: Storage,
) -> None:
    pacts = ContractService(storage, allow_modification=False)
    await pacts.publish(pact_of("Zed", 418))
    await pacts.publish(pact_of("Amy", 200))
    contracts = ProviderContractService(storage)
    await contracts.publish(
        ContractToPublish(
            provider="Users", version="1", content=OAS, content_type="application/yaml"
        )
    )
    first, total = await contracts.compared("Users", "1", limit=1)
    assert total == 2
    assert [c.consumer.name for c in first] == ["Amy"]
    both, _ = await contracts.compared("Users", "1")
    assert [(c.consumer.name, c.comparison.success) for c in both] == [
        ("Amy", True),
        ("Zed", False),
    ]
    _, listed, count = await contracts.published_versions("Users", Page())
    assert count == 1
    assert [(p.version.number, p.sha) for p in listed] == [("1", hashlib.sha256(OAS).hexdigest())]

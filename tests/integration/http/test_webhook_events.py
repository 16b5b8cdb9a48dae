"""Webhook events after real HTTP calls, on both backends: stored with their variables and one
delivery per matching webhook, in the transaction of the change (issue #14, items 2-4).

Webhooks are stored through the storage role (their HTTP API is another branch's); the events
are read back from the outbox tables.
"""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from broker.domain.webhooks import (
    EVENT_NAMES,
    PacticipantSelector,
    WebhookDraft,
    WebhookEvent,
    WebhookRequest,
)
from broker.storage.factory import open_storage
from broker.storage.interface import Storage
from tests.integration.http import test_governance
from tests.integration.http.conftest import dump_database
from tests.integration.http.test_governance import World, set_mode
from tests.integration.http.test_notifications import (
    OAS,
    READER,
    publish_contract,
    publish_pact,
    without_user_reads,
)
from tests.integration.http.test_pacts import BASE, PACTS, body, pact

Client = AsyncTestClient[Any]
NOW = datetime(2026, 1, 1, tzinfo=UTC)

world = test_governance.world  # the fixture: teams, tokens and an environment


@pytest.fixture
async def outbox(database_url: str) -> AsyncIterator[Storage]:
    """A second connection to the client's database, to add webhooks and read the outbox."""
    storage = await open_storage(database_url)
    try:
        yield storage
    finally:
        await storage.close()


async def add_webhook(
    storage: Storage,
    uuid: str,
    events: tuple[str, ...] = EVENT_NAMES,
    *,
    consumer: PacticipantSelector | None = None,
    provider: PacticipantSelector | None = None,
    enabled: bool = True,
    description: str | None = None,
) -> None:
    async with storage.transaction() as tx:
        await tx.insert_webhook(
            WebhookDraft(
                uuid=uuid,
                description=description,
                consumer=consumer,
                provider=provider,
                events=events,
                request=WebhookRequest(method="POST", url="https://ci.example/build"),
                enabled=enabled,
            ),
            NOW,
        )


async def delivered(storage: Storage) -> list[tuple[str, WebhookEvent]]:
    """Every delivery, oldest first, as (webhook uuid, its event)."""
    async with storage.transaction() as tx:
        await tx.fan_out_events()
        deliveries = await tx.list_deliveries(limit=10_000)
        found = []
        for delivery in reversed(deliveries):
            event = await tx.find_webhook_event(delivery.event_id)
            assert event is not None
            found.append((delivery.webhook_uuid, event))
        return found


def names(found: list[tuple[str, WebhookEvent]]) -> list[str]:
    return [event.name for _, event in found]


def pactbroker(event: WebhookEvent) -> dict[str, str]:
    return {
        k.removeprefix("pactbroker."): v
        for k, v in event.variables.items()
        if k.startswith("pactbroker.")
    }


async def test_publishing_stores_contract_events_with_the_pact_broker_variables(
    client: Client, outbox: Storage
) -> None:
    await add_webhook(outbox, "any-pacticipant-hook", description="Build Orders")
    response = await client.post(
        "/contracts/publish",
        json=body(pact("a"), "1", branch="main", tags=["dev"], buildUrl="https://ci/web/1"),
    )
    assert response.status_code == 200, response.text
    found = await delivered(outbox)
    assert names(found) == ["contract_published", "contract_content_changed"]
    published = pactbroker(found[0][1])
    assert set(published) == {
        "pactUrl",
        "verificationResultUrl",
        "consumerName",
        "providerName",
        "consumerVersionNumber",
        "providerVersionNumber",
        "consumerVersionTags",
        "consumerVersionBranch",
        "providerVersionTags",
        "providerVersionBranch",
        "providerVersionDescriptions",
        "consumerLabels",
        "providerLabels",
        "githubVerificationStatus",
        "bitbucketVerificationStatus",
        "azureDevOpsVerificationStatus",
        "gitlabVerificationStatus",
        "eventName",
        "buildUrl",
        "currentlyDeployedProviderVersionNumber",
    }
    assert published["consumerName"] == "Web"
    assert published["providerName"] == "Orders"
    assert published["consumerVersionNumber"] == "1"
    assert published["consumerVersionBranch"] == "main"
    assert published["consumerVersionTags"] == "dev"
    assert published["buildUrl"] == "https://ci/web/1"
    assert published["eventName"] == "contract_published"
    assert published["githubVerificationStatus"] == "pending"
    assert published["bitbucketVerificationStatus"] == "INPROGRESS"
    assert published["verificationResultUrl"] == ""
    assert published["pactUrl"].startswith(f"{BASE}{PACTS}/pact-version/")
    assert "/metadata/" in published["pactUrl"]
    assert pactbroker(found[1][1])["eventName"] == "contract_content_changed"
    event = found[0][1]
    assert (event.consumer_name, event.provider_name) == ("Web", "Orders")
    assert event.pact_version_sha is not None and event.consumer_version_id is not None

    # The verifier can fetch the pact at `pactUrl`, and publish its result from there.
    served = await client.get(published["pactUrl"].removeprefix(BASE))
    assert served.status_code == 200, served.text
    assert served.json()["interactions"][0]["description"] == "a"

    # One notice per delivery, with the logs URL of the triggered webhook.
    texts = [n["text"] for n in response.json()["notices"]]
    logs = [t for t in texts if "See logs at" in t]
    async with outbox.transaction() as tx:
        await tx.fan_out_events()
        uuids = [d.uuid for d in reversed(await tx.list_deliveries())]
    assert len(logs) == 2
    for text, uuid in zip(logs, uuids, strict=True):
        assert "'Build Orders'" in text
        assert f"{BASE}/triggered-webhooks/{uuid}/logs" in text


async def test_content_changed_follows_the_pact_broker(client: Client, outbox: Storage) -> None:
    """New content, content unlike the previous version's, or first on a tag or branch.

    Re-publishing a version's content changes nothing, unless the request gives the version a
    tag or branch on which no earlier version published this content.
    """
    await add_webhook(outbox, "changed-only-hook", ("contract_content_changed",))
    for version, descriptions, extra in (
        ("1", ("a",), {}),  # first pact of the integration: changed
        ("2", ("a",), {}),  # same content as version 1: not changed
        ("3", ("a", "b"), {}),  # new content: changed
        ("3", ("a", "b"), {}),  # the same version again: not changed
        ("4", ("a", "b"), {"tags": ["prod"]}),  # first with tag prod: changed
        ("5", ("a", "b"), {"tags": ["prod"]}),  # tag prod had this content: not changed
        ("5", ("a", "b"), {"tags": ["beta"]}),  # again, newly tagged beta: changed
        ("5", ("a", "b"), {"tags": ["beta"]}),  # again, already tagged beta: not changed
        ("5", ("a", "b"), {"tags": ["prod"], "branch": "feat"}),  # newly on branch feat: changed
        ("6", ("a", "b"), {"tags": ["beta"], "branch": "feat"}),  # both had it: not changed
    ):
        response = await client.post(
            "/contracts/publish", json=body(pact(*descriptions), version, **extra)
        )
        assert response.status_code == 200, response.text
    found = await delivered(outbox)
    assert [pactbroker(e)["consumerVersionNumber"] for _, e in found] == ["1", "3", "4", "5", "5"]


async def test_webhooks_that_do_not_match_get_nothing(client: Client, outbox: Storage) -> None:
    await client.post("/contracts/publish", json=body(pact("a"), "1"))
    await client.post("/contracts/publish", json=body(pact("a", consumer="Mobile"), "1"))
    labelled = await client.put("/pacticipants/Orders/labels/payments")
    assert labelled.status_code in {200, 201}, labelled.text
    await add_webhook(outbox, "other-consumer-hook", consumer=PacticipantSelector(name="Mobile"))
    await add_webhook(outbox, "other-label-hook", provider=PacticipantSelector(label="billing"))
    await add_webhook(outbox, "disabled-hook", enabled=False)
    await add_webhook(outbox, "other-event-hook", ("provider_verification_published",))
    await add_webhook(
        outbox,
        "label-hook",
        ("contract_published",),
        provider=PacticipantSelector(label="payments"),
    )
    await add_webhook(
        outbox, "named-hook", ("contract_published",), consumer=PacticipantSelector(name="Web")
    )
    response = await client.post("/contracts/publish", json=body(pact("a", "b"), "2"))
    assert response.status_code == 200, response.text
    found = await delivered(outbox)
    assert sorted(uuid for uuid, _ in found) == ["label-hook", "named-hook"]
    assert {pactbroker(e)["providerLabels"] for _, e in found} == {"payments"}


async def test_no_webhook_means_no_event(client: Client, outbox: Storage) -> None:
    response = await client.post("/contracts/publish", json=body(pact("a"), "1"))
    assert response.status_code == 200
    assert await delivered(outbox) == []
    assert not [n for n in response.json()["notices"] if "See logs at" in n["text"]]


async def test_a_publication_that_fails_part_way_writes_no_event(
    client: Client, outbox: Storage, database_url: str
) -> None:
    """No event without the change: a conflict or an invalid pact leaves the outbox untouched."""
    await add_webhook(outbox, "every-event-hook")
    await client.post("/contracts/publish", json=body(pact("a"), "1"))
    before = await dump_database(database_url)
    two = body(pact("b"), "1")  # other content under version 1: refused (409)
    stock = {**pact("c"), "provider": {"name": "Stock"}}
    # A new pact with Stock comes first: it would be written, and an event stored, if the
    # conflict after it did not roll the whole publication back.
    two["contracts"].insert(
        0,
        {
            **two["contracts"][0],
            "providerName": "Stock",
            "content": base64.b64encode(json.dumps(stock).encode()).decode(),
        },
    )
    conflict = await client.post("/contracts/publish", json=two)
    assert conflict.status_code == 409, conflict.text
    invalid = body(pact("a"), "2")
    invalid["contracts"][0]["content"] = base64.b64encode(b'{"consumer": 1}').decode()
    refused = await client.post("/contracts/publish", json=invalid)
    assert refused.status_code == 400, refused.text
    assert await dump_database(database_url) == before


async def test_requiring_verification_fires_per_provider_version_that_has_not_verified(
    client: Client, outbox: Storage
) -> None:
    await client.patch("/pacticipants/Orders", json={"mainBranch": "main"})
    for number in ("p0", "p1"):
        put = await client.put(f"/pacticipants/Orders/branches/main/versions/{number}", json={})
        assert put.status_code in {200, 201}, put.text
    environment = await client.post("/environments", json={"name": "test", "production": False})
    uuid = environment.json()["uuid"]
    for number, kind in (("p0", "deployed"), ("p2", "released")):
        await client.put(f"/pacticipants/Orders/versions/{number}", json={})
        recorded = await client.post(
            f"/pacticipants/Orders/versions/{number}/{kind}-versions/environment/{uuid}", json={}
        )
        assert recorded.status_code in {200, 201}, recorded.text
    await add_webhook(outbox, "verify-hook", ("contract_requiring_verification_published",))

    await client.post("/contracts/publish", json=body(pact("a"), "1", branch="feat"))
    found = await delivered(outbox)
    required = {
        pactbroker(e)["providerVersionNumber"]: pactbroker(e)["providerVersionDescriptions"]
        for _, e in found
    }
    assert required == {
        "p1": "latest from main branch",
        "p0": "deployed in test",
        "p2": "released in test",
    }
    first = pactbroker(found[0][1])
    assert (first["providerVersionNumber"], first["providerVersionBranch"]) == ("p1", "main")
    assert first["consumerVersionBranch"] == "feat"

    # p1 verifies the content; a new consumer version with it needs p0 and p2 only.
    served = (await client.get(f"{PACTS}/version/1")).json()
    href = served["_links"]["pb:publish-verification-results"]["href"].removeprefix(BASE)
    result = await client.post(href, json={"success": True, "providerApplicationVersion": "p1"})
    assert result.status_code == 201, result.text
    await client.post("/contracts/publish", json=body(pact("a"), "2"))
    later = (await delivered(outbox))[len(found) :]
    assert sorted(pactbroker(e)["providerVersionNumber"] for _, e in later) == ["p0", "p2"]


async def test_a_verification_fires_published_and_its_outcome_per_consumer_version(
    client: Client, outbox: Storage
) -> None:
    await client.post("/contracts/publish", json=body(pact("a"), "1", branch="main"))
    await client.post("/contracts/publish", json=body(pact("a"), "2", branch="main"))
    await add_webhook(
        outbox,
        "verification-hook",
        ("provider_verification_published", "provider_verification_failed", "contract_published"),
    )
    assert await delivered(outbox) == []
    # Through the pact URL a webhook hands out (metadata naming version 3).
    await client.post("/contracts/publish", json=body(pact("a"), "3"))
    [(_, published)] = await delivered(outbox)
    url = pactbroker(published)["pactUrl"].removeprefix(BASE)
    served = (await client.get(url)).json()
    href = served["_links"]["pb:publish-verification-results"]["href"].removeprefix(BASE)
    result = await client.post(
        href,
        json={
            "success": False,
            "providerApplicationVersion": "p9",
            "buildUrl": "https://ci/orders/9",
        },
    )
    assert result.status_code == 201, result.text
    found = (await delivered(outbox))[1:]
    assert names(found) == ["provider_verification_published", "provider_verification_failed"]
    for _, event in found:
        values = pactbroker(event)
        assert values["consumerVersionNumber"] == "3"
        assert values["providerVersionNumber"] == "p9"
        assert values["buildUrl"] == "https://ci/orders/9"
        assert values["githubVerificationStatus"] == "failure"
        assert values["gitlabVerificationStatus"] == "failed"
        assert values["verificationResultUrl"] == result.json()["_links"]["self"]["href"]
        assert event.verification_id is not None

    # Without metadata: the newest consumer version holding the content.
    plain = f"{PACTS}/pact-version/{published.pact_version_sha}/verification-results"
    again = await client.post(plain, json={"success": True, "providerApplicationVersion": "p10"})
    assert again.status_code == 201, again.text
    newest = (await delivered(outbox))[3:]
    assert names(newest) == ["provider_verification_published"]
    assert pactbroker(newest[0][1])["consumerVersionNumber"] == "3"
    assert pactbroker(newest[0][1])["githubVerificationStatus"] == "success"


async def test_a_changed_provider_contract_fires_one_event_per_affected_consumer(
    client: Client, outbox: Storage
) -> None:
    await publish_pact(client, "1.0.0", READER)
    await add_webhook(
        outbox, "contract-hook", ("provider_contract_published", "provider_contract_changed")
    )
    await publish_contract(client, "1", OAS)
    published = await publish_contract(client, "2", without_user_reads())
    found = await delivered(outbox)
    assert names(found) == [
        "provider_contract_published",
        "provider_contract_published",
        "provider_contract_changed",
    ]
    changed = found[2][1]
    assert changed.consumer_name == "ProbeConsumerV3"
    assert changed.variables["accord.affectedInteractions"] == "a request for user 42"
    assert "GET /users/{id}" in changed.variables["accord.changes"]
    assert changed.variables["accord.changes"].startswith("ERR ")
    assert changed.variables["accord.providerContractUrl"] == (
        f"{BASE}/provider-contracts/provider/ProbeProvider/version/2"
    )
    assert changed.variables["pactbroker.providerVersionNumber"] == "2"
    assert changed.variables["accord.eventName"] == "provider_contract_changed"
    first = found[0][1]
    assert first.consumer_name is None
    assert first.variables["pactbroker.consumerName"] == ""
    assert any("See logs at" in n["text"] for n in published["notices"])


async def test_change_requests_fire_opened_superseded_approved_and_rejected(
    world: World, outbox: Storage
) -> None:
    await set_mode(world, "Web", "brownfield-enterprise")
    await add_webhook(
        outbox,
        "governance-hook",
        (
            "change_request_opened",
            "change_request_approved",
            "change_request_rejected",
            "change_request_superseded",
        ),
    )
    published = await world.publish("web-ci", "1", "a")
    assert any("See logs at" in n["text"] for n in published["notices"])
    await world.publish("web-ci", "2", "a", "b")
    second, first = await world.requests()
    approved = await world.sign("orders-approver", second["id"])
    assert approved.status_code == 200, approved.text
    await world.publish("web-ci", "3", "a", "b", "c")
    third = (await world.requests("?status=open"))[0]
    rejected = await world.sign("orders-approver", third["id"], "reject", reason="breaks us")
    assert rejected.status_code == 200, rejected.text

    found = await delivered(outbox)
    assert names(found) == [
        "change_request_opened",
        "change_request_opened",
        "change_request_superseded",
        "change_request_approved",
        "change_request_opened",
        "change_request_rejected",
    ]
    opened = found[0][1].variables
    assert opened["accord.changeRequestId"] == str(first["id"])
    assert opened["accord.changeRequestUrl"] == f"{BASE}/change-requests/{first['id']}"
    assert opened["accord.changeRequestStatus"] == "open"
    assert opened["accord.awaitingTeams"] == "orders-team"
    assert opened["accord.affectedInteractions"] == "a"
    assert opened["pactbroker.consumerName"] == "Web"
    assert opened["pactbroker.providerName"] == "Orders"
    assert opened["pactbroker.consumerVersionNumber"] == "1"
    assert opened["pactbroker.pactUrl"].startswith(f"{BASE}{PACTS}/pact-version/")
    assert found[1][1].variables["accord.supersedes"] == str(first["id"])
    superseded = found[2][1].variables
    assert superseded["accord.changeRequestId"] == str(first["id"])
    assert superseded["accord.supersededBy"] == str(second["id"])
    assert superseded["accord.changeRequestStatus"] == "superseded"
    done = found[3][1].variables
    assert done["accord.changeRequestStatus"] == "approved"
    assert done["accord.approvedBy"] == await world.actor("approver-orders-team")
    assert done["accord.awaitingTeams"] == ""
    refused = found[5][1].variables
    assert refused["accord.rejectionReason"] == "breaks us"
    assert refused["accord.changeRequestStatus"] == "rejected"
    assert found[5][1].change_request_id == third["id"]


async def test_the_old_put_api_fires_the_same_contract_events(
    client: Client, outbox: Storage
) -> None:
    await add_webhook(outbox, "old-api-hook", ("contract_published", "contract_content_changed"))
    response = await client.put(f"{PACTS}/version/1.0.0", json=pact("a"))
    assert response.status_code == 201, response.text
    found = await delivered(outbox)
    assert names(found) == ["contract_published", "contract_content_changed"]
    assert pactbroker(found[0][1])["consumerVersionNumber"] == "1.0.0"

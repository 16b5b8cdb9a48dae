"""Test executions, triggered webhooks and their logs, and the admin's re-drive, on both backends.

Events and deliveries are written through the storage API here (the services that emit events
are another part of #14); everything is then read through HTTP. Test executions reach a real
receiver on 127.0.0.1, allowed by the broker's settings.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from broker.app import asgi_app
from broker.domain.webhooks import (
    CONTRACT_CONTENT_CHANGED,
    DEAD,
    PROVIDER_VERIFICATION_PUBLISHED,
    SUCCEEDED,
    Attempt,
    Delivery,
    EventSubject,
    NewEvent,
    PacticipantSelector,
    Webhook,
    WebhookDraft,
    WebhookRequest,
    logged_request,
    render,
    sequence_key,
)
from broker.services.doorbell import Doorbell
from broker.services.webhook_deliveries import WebhookDeliveryService
from broker.storage.factory import open_storage
from broker.storage.interface import Storage
from broker.webhooks.guard import WebhookPolicy
from broker.webhooks.sender import WebhookSender
from tests.integration.http.conftest import settings_for
from tests.integration.http.test_pacts import BASE, PACTS, body, pact
from tests.support.threaded_receiver import receiver_in_thread
from tests.support.webhook_receiver import Receiver, answering

Client = AsyncTestClient[Any]

HOOK = "0123456789abcdef-hook"
SECRET = "s3cret-token-value"
ADMIN = "admin-secret-of-the-webhook-delivery-tests"
AS_ADMIN = {"Authorization": f"Bearer {ADMIN}"}
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def receiving(database_url: str, **more: Any) -> Any:
    """Settings letting webhooks reach receivers on 127.0.0.1 over http."""
    return settings_for(
        database_url,
        webhook_allowed_hosts=("127.0.0.1",),
        webhook_schemes=frozenset({"http", "https"}),
        **more,
    )


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    behaviour = answering(201, b'{"queued": true}', (("X-Build", "42"), ("Set-Cookie", "id=1")))
    with receiver_in_thread(behaviour) as running:
        yield running


async def stored(database_url: str) -> Storage:
    return await open_storage(database_url)


def hook_request(port: int, **more: Any) -> WebhookRequest:
    return WebhookRequest(
        method="POST",
        url=f"http://127.0.0.1:{port}/build?consumer=${{pactbroker.consumerName}}&token={SECRET}",
        headers={"Content-Type": "application/json", "X-Api-Key": SECRET},
        body={
            "pact": "${pactbroker.pactUrl}",
            "version": "${pactbroker.consumerVersionNumber}",
            "event": "${pactbroker.eventName}",
        },
        username="ci",
        password=SECRET,
        **more,
    )


async def add_webhook(
    database_url: str,
    request: WebhookRequest,
    *,
    uuid: str = HOOK,
    consumer: PacticipantSelector | None = None,
    provider: PacticipantSelector | None = None,
    events: tuple[str, ...] = (CONTRACT_CONTENT_CHANGED,),
    enabled: bool = True,
) -> Webhook:
    storage = await stored(database_url)
    try:
        async with storage.transaction() as tx:
            return await tx.insert_webhook(
                WebhookDraft(
                    uuid=uuid,
                    description="Build the provider",
                    consumer=consumer,
                    provider=provider,
                    events=events,
                    request=request,
                    enabled=enabled,
                ),
                NOW,
            )
    finally:
        await storage.close()


async def publish(client: Client, version: str = "1", **extra: Any) -> dict[str, Any]:
    response = await client.post("/contracts/publish", json=body(pact("a"), version, **extra))
    assert response.status_code == 200, response.text
    served = await client.get(f"{PACTS}/version/{version}")
    return dict(served.json())


def received_body(receiver: Receiver) -> dict[str, Any]:
    raw = receiver.requests[0].split(b"\r\n\r\n", 1)[1]
    return dict(json.loads(raw))


async def test_execute_sends_the_rendered_request_of_the_latest_pact_and_shows_the_answer(
    database_url: str, receiver: Receiver
) -> None:
    async with AsyncTestClient(app=asgi_app(receiving(database_url))) as client:
        await publish(client, "1")
        await publish(client, "2", branch="main", tags=["prod"])
        await add_webhook(
            database_url,
            hook_request(receiver.port),
            consumer=PacticipantSelector(name="Web"),
            provider=PacticipantSelector(name="Orders"),
            enabled=False,  # a disabled webhook still runs on request, as in the Pact Broker
        )
        response = await client.post(f"/webhooks/{HOOK}/execute", json={})

    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/hal+json")
    result = response.json()
    assert result["success"] is True, result
    # The receiver got the request with the latest pact's values, credentials and all.
    assert receiver.connections == 1
    head = receiver.head_of(0)
    assert head.startswith(f"POST /build?consumer=Web&token={SECRET} HTTP/1.1")
    assert "Authorization: Basic Y2k6czNjcmV0LXRva2VuLXZhbHVl" in head.split("\r\n")
    assert "X-Accord-Event: test" in head.split("\r\n")
    sent = received_body(receiver)
    assert sent["version"] == "2" and sent["event"] == "test"
    assert sent["pact"].startswith(f"{BASE}/pacts/provider/Orders/consumer/Web/pact-version/")
    # The answer shows what was sent, credentials masked, and what came back.
    shown = result["request"]
    assert shown["url"].endswith("/build?consumer=Web&token=**********")
    assert shown["headers"]["Authorization"] == "**********"
    assert shown["headers"]["X-Api-Key"] == "**********"
    assert shown["headers"]["X-Accord-Event"] == "test"
    assert shown["body"]["version"] == "2"
    assert result["response"] == {
        "status": 201,
        "headers": {"Content-Length": "16", "X-Build": "42", "Set-Cookie": "**********"},
        "body": {"queued": True},
    }
    assert "error" not in result
    assert "HTTP 201" in result["logs"] and SECRET not in result["logs"]
    assert SECRET not in response.text
    assert result["_links"]["webhook"]["href"] == f"{BASE}/webhooks/{HOOK}"
    assert result["_links"]["try-again"]["href"] == f"{BASE}/webhooks/{HOOK}/execute"
    # A test execution is no delivery.
    storage = await stored(database_url)
    try:
        async with storage.transaction() as tx:
            assert await tx.list_deliveries() == []
    finally:
        await storage.close()


async def test_execute_without_any_pact_fills_placeholders(
    database_url: str, receiver: Receiver
) -> None:
    async with AsyncTestClient(app=asgi_app(receiving(database_url))) as client:
        await add_webhook(database_url, hook_request(receiver.port))
        response = await client.post(f"/webhooks/{HOOK}/execute")
    assert response.status_code == 200, response.text
    assert response.json()["success"] is True
    assert receiver.head_of(0).startswith("POST /build?consumer=placeholder-consumer&")
    assert received_body(receiver)["version"] == "1"


async def test_execute_of_a_verification_webhook_fills_the_latest_results_values(
    database_url: str, receiver: Receiver
) -> None:
    async with AsyncTestClient(app=asgi_app(receiving(database_url))) as client:
        served = await publish(client, "1")
        sha = served["_links"]["pb:pact-version"]["name"]
        result = await client.post(
            f"{PACTS}/pact-version/{sha}/verification-results",
            json={"success": False, "providerApplicationVersion": "9"},
        )
        assert result.status_code == 201, result.text
        request = WebhookRequest(
            method="POST",
            url=f"http://127.0.0.1:{receiver.port}/status",
            body={
                "provider": "${pactbroker.providerVersionNumber}",
                "result": "${pactbroker.verificationResultUrl}",
                "github": "${pactbroker.githubVerificationStatus}",
            },
        )
        await add_webhook(database_url, request, events=(PROVIDER_VERIFICATION_PUBLISHED,))
        response = await client.post(f"/webhooks/{HOOK}/execute")
    assert response.status_code == 200, response.text
    assert received_body(receiver) == {
        "provider": "9",
        "result": result.json()["_links"]["self"]["href"],
        "github": "failure",
    }


async def test_a_receiver_failing_is_success_false_not_an_error_status(database_url: str) -> None:
    with receiver_in_thread(answering(500, b"boom")) as failing:
        async with AsyncTestClient(app=asgi_app(receiving(database_url))) as client:
            await add_webhook(database_url, hook_request(failing.port))
            response = await client.post(f"/webhooks/{HOOK}/execute")
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["success"] is False
    assert result["response"]["status"] == 500 and result["response"]["body"] == "boom"
    assert "HTTP 500" in result["logs"] and "The attempt failed" in result["logs"]


async def test_execute_refused_by_the_guard_reports_the_refusal(
    database_url: str, receiver: Receiver
) -> None:
    """Without the allow-list, 127.0.0.1 is refused: said in the answer, never a 500."""
    async with AsyncTestClient(app=asgi_app(settings_for(database_url))) as client:
        await add_webhook(database_url, hook_request(receiver.port))
        response = await client.post(f"/webhooks/{HOOK}/execute")
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["success"] is False
    assert "response" not in result
    assert result["error"]["message"].startswith("Refused by the webhook guard")
    assert "Error: Refused by the webhook guard" in result["logs"]
    assert receiver.connections == 0


async def test_executing_an_unknown_webhook_is_404(client: Client) -> None:
    response = await client.post("/webhooks/no-such-webhook-uuid/execute", json={})
    assert response.status_code == 404, response.text
    assert "no-such-webhook-uuid" in response.json()["detail"]


async def new_token(client: Client, role: str, *teams: str) -> dict[str, str]:
    created = await client.post(
        "/admin/tokens",
        json={"name": f"{role}-{'-'.join(teams) or 'none'}", "role": role, "teams": list(teams)},
        headers=AS_ADMIN,
    )
    assert created.status_code == 201, created.text
    return {"Authorization": f"Bearer {created.json()['token']}"}


async def test_another_teams_writer_may_not_execute_alphas_webhook(
    database_url: str, receiver: Receiver
) -> None:
    """Executing needs what changing the webhook needs: a write to each pacticipant it names."""
    async with AsyncTestClient(app=asgi_app(receiving(database_url, admin_token=ADMIN))) as client:
        teams = {"pacticipants": ["Web", "Orders"]}
        assert (await client.put("/admin/teams/alpha", json=teams, headers=AS_ADMIN)).is_success
        named = hook_request(receiver.port)
        await client.post("/pacticipants", json={"name": "Web"}, headers=AS_ADMIN)
        await client.post("/pacticipants", json={"name": "Orders"}, headers=AS_ADMIN)
        await add_webhook(
            database_url,
            named,
            consumer=PacticipantSelector(name="Web"),
            provider=PacticipantSelector(name="Orders"),
        )
        await add_webhook(database_url, named, uuid="any-pacticipant-webhook")
        beta, alpha = (
            await new_token(client, "write", "beta"),
            await new_token(client, "write", "alpha"),
        )
        reader = await new_token(client, "read")

        refused = await client.post(f"/webhooks/{HOOK}/execute", headers=beta)
        assert refused.status_code == 403, refused.text
        assert "alpha" in refused.json()["detail"]
        assert (await client.post(f"/webhooks/{HOOK}/execute", headers=reader)).status_code == 403
        assert receiver.connections == 0
        allowed = await client.post(f"/webhooks/{HOOK}/execute", headers=alpha)
        assert allowed.status_code == 200, allowed.text

        for_any = "/webhooks/any-pacticipant-webhook/execute"
        refused = await client.post(for_any, headers=alpha)
        assert refused.status_code == 403, refused.text
        assert "admin role" in refused.json()["detail"]
        assert (await client.post(for_any, headers=AS_ADMIN)).status_code == 200
        # Reading what webhooks did is any reader's.
        listed = await client.get(f"/webhooks/{HOOK}/executions", headers=reader)
        assert listed.status_code == 200, listed.text


# Triggered webhooks: deliveries written as the events and the worker write them.


async def attempt_of(
    tx: Any, delivery: Delivery, webhook: Webhook, variables: dict[str, str], **outcome: Any
) -> None:
    rendered = render(
        webhook.request,
        variables,
        [("X-Accord-Delivery", delivery.uuid), ("X-Accord-Event", delivery.event_name)],
    )
    [claimed] = await tx.claim_deliveries(
        worker="worker-1", now=NOW, lease_until=NOW + timedelta(minutes=1), limit=1
    )
    assert claimed.id == delivery.id
    await tx.insert_attempt(
        delivery.id,
        Attempt(
            number=claimed.attempts,
            worker="worker-1",
            started_at=NOW + timedelta(seconds=claimed.attempts),
            duration_ms=12,
            request=logged_request(rendered),
            **outcome,
        ),
    )


async def seed_deliveries(client: Client, database_url: str) -> dict[str, str]:
    """A dead delivery of the pact's event (two failed attempts) and a succeeded one of the
    verification result's; the uuids by name."""
    served = await publish(client, "1")
    sha = served["_links"]["pb:pact-version"]["name"]
    result = await client.post(
        f"{PACTS}/pact-version/{sha}/verification-results",
        json={"success": True, "providerApplicationVersion": "9"},
    )
    assert result.status_code == 201, result.text
    number = int(result.json()["_links"]["self"]["href"].rsplit("/", 1)[1])
    webhook = await add_webhook(
        database_url,
        hook_request(1),
        consumer=PacticipantSelector(name="Web"),
        events=(CONTRACT_CONTENT_CHANGED, PROVIDER_VERIFICATION_PUBLISHED),
    )
    subject = EventSubject(consumer="Web", provider="Orders")
    variables = {"pactbroker.consumerName": "Web", "pactbroker.consumerVersionNumber": "1"}
    storage = await stored(database_url)
    try:
        async with storage.transaction() as tx:
            web = await tx.find_pacticipant("Web")
            assert web is not None
            version = await tx.find_version(web.id, "1")
            assert version is not None
            changed = await tx.insert_webhook_event(
                NewEvent(
                    name=CONTRACT_CONTENT_CHANGED,
                    subject=subject,
                    variables=variables,
                    pact_version_sha=sha,
                    consumer_version_id=version.id,
                ),
                NOW,
            )
            dead = await tx.insert_delivery(
                changed.id, webhook.id, sequence_key(webhook.id, subject), NOW
            )
            await attempt_of(
                tx, dead, webhook, variables, error="Could not connect: refused.", succeeded=False
            )
            await tx.settle_delivery(
                dead.id, worker="worker-1", status="pending", next_attempt_at=NOW, now=NOW
            )
            await attempt_of(
                tx,
                dead,
                webhook,
                variables,
                response_status=500,
                response_headers=(("Content-Type", "text/plain"), ("Set-Cookie", "s=1")),
                response_body="it broke",
                succeeded=False,
            )
            await tx.settle_delivery(
                dead.id, worker="worker-1", status=DEAD, next_attempt_at=None, now=NOW
            )
            verified = await tx.insert_webhook_event(
                NewEvent(
                    name=PROVIDER_VERIFICATION_PUBLISHED,
                    subject=subject,
                    variables=variables,
                    pact_version_sha=sha,
                    verification_id=number,
                ),
                NOW,
            )
            done = await tx.insert_delivery(
                verified.id, webhook.id, sequence_key(webhook.id, subject), NOW
            )
            await attempt_of(tx, done, webhook, variables, response_status=200, succeeded=True)
            await tx.settle_delivery(
                done.id, worker="worker-1", status=SUCCEEDED, next_attempt_at=None, now=NOW
            )
    finally:
        await storage.close()
    return {"dead": dead.uuid, "succeeded": done.uuid, "sha": sha, "number": str(number)}


async def test_a_pact_and_a_verification_result_list_the_webhooks_they_triggered(
    client: Client, database_url: str
) -> None:
    seeded = await seed_deliveries(client, database_url)
    served = (await client.get(f"{PACTS}/version/1")).json()
    link = served["_links"]["pb:triggered-webhooks"]["href"]
    assert link == f"{BASE}{PACTS}/version/1/triggered-webhooks"
    by_pact = (await client.get(link.removeprefix(BASE))).json()
    [only] = by_pact["_embedded"]["triggeredWebhooks"]
    assert (only["uuid"], only["status"], only["attemptsMade"]) == (seeded["dead"], "dead", 2)
    assert only["eventName"] == CONTRACT_CONTENT_CHANGED and only["name"] == "Build the provider"
    assert only["_links"]["pb:logs"]["href"].endswith(f"/triggered-webhooks/{seeded['dead']}/logs")
    assert only["_links"]["pb:webhook"]["href"] == f"{BASE}/webhooks/{HOOK}"
    assert "Webhooks triggered by the publication" in by_pact["_links"]["self"]["title"]

    result_href = f"{PACTS}/pact-version/{seeded['sha']}/verification-results/{seeded['number']}"
    result = (await client.get(result_href)).json()
    link = result["_links"]["pb:triggered-webhooks"]["href"]
    by_result = (await client.get(link.removeprefix(BASE))).json()
    [only] = by_result["_embedded"]["triggeredWebhooks"]
    assert (only["uuid"], only["status"]) == (seeded["succeeded"], "succeeded")

    unknown = await client.get(f"{PACTS}/version/7/triggered-webhooks")
    assert unknown.status_code == 404
    other = await client.get(
        f"{PACTS}/pact-version/{seeded['sha']}/verification-results/99999/triggered-webhooks"
    )
    assert other.status_code == 404


async def test_a_triggered_webhook_shows_its_event_and_attempts_with_credentials_masked(
    client: Client, database_url: str
) -> None:
    seeded = await seed_deliveries(client, database_url)
    response = await client.get(f"/triggered-webhooks/{seeded['dead']}")
    assert response.status_code == 200, response.text
    shown = response.json()
    assert shown["status"] == "dead" and shown["attemptsMade"] == 2
    assert shown["nextAttemptAt"] is None
    assert shown["event"]["variables"]["pactbroker.consumerName"] == "Web"
    first, second = shown["attempts"]
    assert first["error"] == {"message": "Could not connect: refused."}
    assert "response" not in first
    assert second["response"]["status"] == 500
    assert second["response"]["headers"]["Set-Cookie"] == "**********"
    assert first["request"]["headers"]["Authorization"] == "**********"
    assert first["request"]["headers"]["X-Accord-Delivery"] == seeded["dead"]
    assert first["request"]["url"].endswith("token=**********")
    assert SECRET not in response.text
    assert shown["_links"]["redrive"]["href"].endswith(f"/{seeded['dead']}/redrive")

    logs = await client.get(f"/triggered-webhooks/{seeded['dead']}/logs")
    assert logs.status_code == 200
    assert logs.headers["content-type"].startswith("text/plain")
    text = logs.text
    assert text.count(f"Delivery {seeded['dead']} of {CONTRACT_CONTENT_CHANGED}: attempt") == 2
    assert "Error: Could not connect: refused." in text
    assert "HTTP 500" in text and "it broke" in text
    assert "Authorization: **********" in text
    assert SECRET not in text

    missing = await client.get("/triggered-webhooks/no-such-delivery")
    assert missing.status_code == 404
    assert (await client.get("/triggered-webhooks/no-such-delivery/logs")).status_code == 404


async def test_a_webhooks_executions_come_newest_first(client: Client, database_url: str) -> None:
    seeded = await seed_deliveries(client, database_url)
    webhook = (await client.get(f"/webhooks/{HOOK}")).json()
    link = webhook["_links"]["pb:executions"]["href"]
    assert link == f"{BASE}/webhooks/{HOOK}/executions"
    assert (await client.get("/doc/executions")).status_code == 200
    listed = (await client.get(f"/webhooks/{HOOK}/executions")).json()
    uuids = [d["uuid"] for d in listed["_embedded"]["triggeredWebhooks"]]
    assert uuids == [seeded["succeeded"], seeded["dead"]]
    limited = (await client.get(f"/webhooks/{HOOK}/executions?limit=1")).json()
    assert [d["uuid"] for d in limited["_embedded"]["triggeredWebhooks"]] == [seeded["succeeded"]]
    assert (await client.get("/webhooks/nope/executions")).status_code == 404
    bad = await client.get(f"/webhooks/{HOOK}/executions?limit=0")
    assert bad.status_code == 400 and "limit" in bad.json()["errors"]


async def test_an_admin_lists_dead_deliveries_and_redrives_one(
    client: Client, database_url: str
) -> None:
    seeded = await seed_deliveries(client, database_url)
    dead = (await client.get("/admin/webhook-deliveries?status=dead")).json()
    assert [d["uuid"] for d in dead["_embedded"]["triggeredWebhooks"]] == [seeded["dead"]]
    every = (await client.get("/admin/webhook-deliveries")).json()
    assert len(every["_embedded"]["triggeredWebhooks"]) == 2
    bad = await client.get("/admin/webhook-deliveries?status=lost")
    assert bad.status_code == 400 and "status" in bad.json()["errors"]

    redriven = await client.post(f"/triggered-webhooks/{seeded['dead']}/redrive")
    assert redriven.status_code == 200, redriven.text
    again = redriven.json()
    assert (again["status"], again["attemptsMade"]) == ("pending", 0)
    assert again["nextAttemptAt"] is not None
    assert "redrive" not in again["_links"]
    pending = (await client.get("/admin/webhook-deliveries?status=pending")).json()
    assert [d["uuid"] for d in pending["_embedded"]["triggeredWebhooks"]] == [seeded["dead"]]
    # Its attempts stay in the log.
    assert len((await client.get(f"/triggered-webhooks/{seeded['dead']}")).json()["attempts"]) == 2

    twice = await client.post(f"/triggered-webhooks/{seeded['dead']}/redrive")
    assert twice.status_code == 409, twice.text
    assert "pending" in twice.json()["detail"]
    succeeded = await client.post(f"/triggered-webhooks/{seeded['succeeded']}/redrive")
    assert succeeded.status_code == 409
    assert (await client.post("/triggered-webhooks/nope/redrive")).status_code == 404
    audit = (await client.get("/audit")).json()
    assert "webhook-delivery.redrive" in json.dumps(audit)


async def test_redriving_rings_the_doorbell(client: Client, database_url: str) -> None:
    seeded = await seed_deliveries(client, database_url)
    storage = await stored(database_url)
    doorbell = Doorbell()
    sender = WebhookSender(WebhookPolicy())
    try:
        service = WebhookDeliveryService(storage, sender, doorbell)
        assert await doorbell.wait(0) is False
        view = await service.redrive(seeded["dead"])
        assert view.delivery.status == "pending"
        assert await doorbell.wait(0) is True
    finally:
        await sender.aclose()
        await storage.close()

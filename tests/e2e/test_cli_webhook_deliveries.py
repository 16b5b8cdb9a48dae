"""`accord webhook-deliveries` and `accord redrive-delivery` against a broker process.

The deliveries are written into the broker's database through storage, as the delivery worker
writes them (a dead one after its attempts, a succeeded one).
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

import pytest

from broker.domain.webhooks import (
    CONTRACT_CONTENT_CHANGED,
    DEAD,
    SUCCEEDED,
    EventSubject,
    NewEvent,
    WebhookDraft,
    WebhookRequest,
    sequence_key,
)
from broker.storage.factory import open_storage
from tests.e2e.conftest import BrokerPool
from tests.e2e.test_cli import accord, ok

pytestmark = pytest.mark.e2e

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


async def store_deliveries(database_url: str) -> tuple[str, str]:
    """A webhook for any pacticipant with a dead delivery and a succeeded one; their uuids."""
    storage = await open_storage(database_url)
    try:
        async with storage.transaction() as tx:
            webhook = await tx.insert_webhook(
                WebhookDraft(
                    uuid="cli-webhook-deliveries",
                    description="Build Orders",
                    request=WebhookRequest(method="POST", url="https://ci.example/build"),
                ),
                NOW,
            )
            subject = EventSubject(consumer="Web", provider="Orders")
            uuids = []
            for status in (DEAD, SUCCEEDED):
                event = await tx.insert_webhook_event(
                    NewEvent(name=CONTRACT_CONTENT_CHANGED, subject=subject, variables={}), NOW
                )
                delivery = await tx.insert_delivery(
                    event.id, webhook.id, sequence_key(webhook.id, subject), NOW
                )
                await tx.claim_deliveries(
                    worker="w", now=NOW, lease_until=NOW + timedelta(minutes=1), limit=1
                )
                settled = await tx.settle_delivery(
                    delivery.id, worker="w", status=status, next_attempt_at=None, now=NOW
                )
                assert settled
                uuids.append(delivery.uuid)
    finally:
        await storage.close()
    return uuids[0], uuids[1]


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_an_admin_lists_dead_deliveries_and_redrives_one(
    brokers: BrokerPool, backend: str, request: pytest.FixtureRequest
) -> None:
    database_url = None if backend == "sqlite" else request.getfixturevalue("postgres_database_url")
    shared = brokers.broker(database_url)
    broker_url = shared.emptied()
    dead, succeeded = asyncio.run(store_deliveries(shared.database_url))

    listed = ok(broker_url, "webhook-deliveries", "--status", "dead")
    lines = listed.strip().splitlines()
    assert [cell.strip() for cell in lines[0].split(" | ")][:4] == [
        "UUID",
        "STATUS",
        "EVENT",
        "ATTEMPTS",
    ]
    assert len(lines) == 3 and dead in lines[2] and "Build Orders" in lines[2]
    every = json.loads(ok(broker_url, "webhook-deliveries", "--output", "json"))
    assert [d["uuid"] for d in every] == [succeeded, dead]

    said = ok(broker_url, "redrive-delivery", dead)
    assert said.strip() == (
        f"Delivery {dead} ({CONTRACT_CONTENT_CHANGED}) is pending again: due now."
    )
    pending = json.loads(ok(broker_url, "webhook-deliveries", "--status", "pending", "-o", "json"))
    assert [d["uuid"] for d in pending] == [dead]

    again = accord(broker_url, "redrive-delivery", dead)
    assert again.returncode == 1
    assert again.stdout == ""
    assert len(again.stderr.strip().splitlines()) == 1
    assert "is pending, not dead" in again.stderr

    unknown = accord(broker_url, "redrive-delivery", "no-such-delivery")
    assert unknown.returncode == 1
    assert "No triggered webhook with the uuid no-such-delivery" in unknown.stderr
    assert "Traceback" not in unknown.stderr

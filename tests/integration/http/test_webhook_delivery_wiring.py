"""The application runs its delivery worker for as long as it runs, unless it is API-only."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from litestar.testing import AsyncTestClient

from broker.app import asgi_app
from broker.domain.webhooks import PENDING, SUCCEEDED, Delivery
from broker.storage.factory import open_storage
from broker.storage.interface import Storage
from tests.integration.http.conftest import settings_for
from tests.support.delivery_receiver import ThreadedReceiver
from tests.support.webhook_outbox import insert_deliveries, insert_webhook, receiver_request

DELIVERY = {
    "webhook_schemes": frozenset({"http"}),
    "webhook_allowed_hosts": ("127.0.0.1",),
    "webhook_poll_interval": 0.05,
}


@pytest.fixture
async def storage(database_url: str) -> AsyncIterator[Storage]:
    """The test's own storage on the application's database."""
    opened = await open_storage(database_url)
    try:
        yield opened
    finally:
        await opened.close()


async def seeded(storage: Storage, url: str) -> Delivery:
    webhook = await insert_webhook(storage, receiver_request(url))
    [delivery] = await insert_deliveries(storage, webhook, [("Web", "Payments")])
    return delivery


async def status_of(storage: Storage, delivery: Delivery) -> tuple[str, int]:
    async with storage.transaction() as tx:
        found = await tx.find_delivery(delivery.uuid)
    assert found is not None
    return found.status, found.attempts


async def test_a_running_broker_delivers_what_its_outbox_holds(
    database_url: str, storage: Storage
) -> None:
    with ThreadedReceiver() as receiver:
        delivery = await seeded(storage, receiver.url)
        app = asgi_app(settings_for(database_url, webhook_delivery=True, **DELIVERY))
        async with AsyncTestClient(app=app) as client:
            assert (await client.get("/diagnostic/status/heartbeat")).status_code == 200
            async with asyncio.timeout(20):
                while (await status_of(storage, delivery))[0] != SUCCEEDED:
                    await asyncio.sleep(0.02)
        assert [call.delivery for call in receiver.calls] == [delivery.uuid]


async def test_an_api_only_broker_leaves_its_outbox_to_other_replicas(
    database_url: str, storage: Storage
) -> None:
    with ThreadedReceiver() as receiver:
        delivery = await seeded(storage, receiver.url)
        app = asgi_app(settings_for(database_url, webhook_delivery=False, **DELIVERY))
        async with AsyncTestClient(app=app) as client:
            assert (await client.get("/diagnostic/status/heartbeat")).status_code == 200
            # Several poll intervals pass in which a worker would have claimed the delivery.
            await asyncio.sleep(0.3)
        assert await status_of(storage, delivery) == (PENDING, 0)
        assert receiver.calls == []

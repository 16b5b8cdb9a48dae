"""The delivery worker when its PostgreSQL goes away or goes silent.

The worker reaches the database through a TCP proxy on 127.0.0.1 that the test stops (every
connection dropped, new ones refused) or freezes (connections open, no byte passed); the test
writes through a connection of its own.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import pytest

from broker.domain.webhooks import SUCCEEDED
from broker.storage.postgres import PostgresStorage
from tests.integration.webhooks.test_delivery_worker import QUICK, delivering, wait_for_status
from tests.support.delivery_receiver import WebhookReceiver
from tests.support.tcp_proxy import Proxy, through
from tests.support.webhook_outbox import insert_deliveries, insert_webhook, receiver_request

pytestmark = pytest.mark.postgres


@pytest.fixture
async def proxy(clean_postgres_database_url: str) -> AsyncIterator[Proxy]:
    parts = urlsplit(clean_postgres_database_url)
    started = Proxy(parts.hostname or "127.0.0.1", parts.port or 5432)
    await started.start()
    try:
        yield started
    finally:
        await started.stop()


@pytest.fixture
async def direct(clean_postgres_database_url: str) -> AsyncIterator[PostgresStorage]:
    """The test's own way to the database, around the proxy."""
    storage = await PostgresStorage.open(clean_postgres_database_url)
    try:
        yield storage
    finally:
        await storage.close()


async def test_the_worker_waits_out_a_database_that_went_away_then_delivers(
    proxy: Proxy,
    direct: PostgresStorage,
    clean_postgres_database_url: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="broker.webhooks")
    storage = await PostgresStorage.open(
        through(clean_postgres_database_url, proxy.port), timeout=2
    )
    try:
        async with WebhookReceiver() as receiver:
            webhook = await insert_webhook(direct, receiver_request(receiver.url))
            async with delivering(storage, QUICK):
                await proxy.stop()
                [delivery] = await insert_deliveries(direct, webhook, [("Web", "Payments")])
                async with asyncio.timeout(20):
                    while not any("wait for the database" in r.message for r in caplog.records):
                        await asyncio.sleep(0.02)
                await proxy.start()
                await wait_for_status(direct, delivery, SUCCEEDED)
        assert [call.delivery for call in receiver.calls] == [delivery.uuid]
    finally:
        await storage.close()


async def test_stopping_while_the_database_is_silent_ends_within_the_database_timeout(
    proxy: Proxy, direct: PostgresStorage, clean_postgres_database_url: str
) -> None:
    """A claim left hanging ends at the database timeout (ACCORD_DATABASE_TIMEOUT); stop follows."""
    storage = await PostgresStorage.open(
        through(clean_postgres_database_url, proxy.port), timeout=1
    )
    try:
        async with WebhookReceiver() as receiver:
            webhook = await insert_webhook(direct, receiver_request(receiver.url))
            async with asyncio.timeout(30), delivering(storage, QUICK):
                proxy.freeze()
                await insert_deliveries(direct, webhook, [("Web", "Payments")])
                # Let the next poll start a claim that the silent database leaves hanging.
                await asyncio.sleep(0.3)
        assert receiver.calls == []
    finally:
        proxy.thaw()
        await storage.close()

"""Webhook delivery by broker processes: at least once across a kill -9, once across replicas.

The webhooks and pending deliveries are written straight into the broker's database with the
storage API, as the services emitting events would write them.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import pytest

from broker.domain.webhooks import SUCCEEDED, Delivery
from broker.storage.factory import open_storage
from broker.storage.interface import Storage
from tests.conftest import BACKENDS
from tests.e2e.conftest import broker_process, running_broker
from tests.support.delivery_receiver import Answer, ReceivedCall, ThreadedReceiver
from tests.support.webhook_outbox import insert_deliveries, insert_webhook, receiver_request

pytestmark = pytest.mark.e2e
T = TypeVar("T")

# A short timeout makes the claims of a killed broker run out within seconds.
DELIVERY_ENV = {
    "ACCORD_WEBHOOK_DELIVERY": "true",
    "ACCORD_WEBHOOK_ALLOWED_HOSTS": "127.0.0.1",
    "ACCORD_WEBHOOK_SCHEMES": "http,https",
    "ACCORD_WEBHOOK_TIMEOUT": "1",
    "ACCORD_WEBHOOK_POLL_INTERVAL": "0.1",
    "ACCORD_WEBHOOK_RETRY_SCHEDULE": "0.1,0.1,0.1",
}


def answering_after(seconds: float) -> Answer:
    """A receiver's answer: 200 after `seconds`."""

    async def answer(call: ReceivedCall) -> int:
        await asyncio.sleep(seconds)
        return 200

    return answer


def on_storage(
    database_url: str, use: Callable[[Storage], Awaitable[T]], *, migrate: bool = False
) -> T:
    """`use(storage)` on a storage of `database_url` opened by this process (migrated first)."""

    async def run() -> T:
        storage = await open_storage(database_url)
        try:
            if migrate:
                await storage.migrate()
            return await use(storage)
        finally:
            await storage.close()

    return asyncio.run(run())


def seed(database_url: str, receiver_url: str, count: int, sequences: int) -> list[Delivery]:
    """A webhook calling the receiver and `count` deliveries over `sequences` integrations."""

    async def write(storage: Storage) -> list[Delivery]:
        webhook = await insert_webhook(storage, receiver_request(receiver_url))
        subjects = [(f"Consumer{n % sequences}", "Provider") for n in range(count)]
        return await insert_deliveries(storage, webhook, subjects)

    return on_storage(database_url, write, migrate=True)


def succeeded(database_url: str) -> int:
    async def count(storage: Storage) -> int:
        async with storage.transaction() as tx:
            return await tx.count_deliveries(SUCCEEDED)

    return on_storage(database_url, count)


def wait_for_succeeded(database_url: str, expected: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while (done := succeeded(database_url)) < expected:
        assert time.monotonic() < deadline, f"{done} of {expected} deliveries succeeded"
        time.sleep(0.1)


@pytest.fixture(params=BACKENDS)
def own_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database no other broker serves: a SQLite file, or a PostgreSQL database of its own."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'webhooks.db'}"
    url: str = request.getfixturevalue("empty_postgres_database_url")
    return url


def test_a_broker_killed_mid_delivery_delivers_every_delivery_after_its_restart(
    own_database_url: str, tmp_path: Path
) -> None:
    """kill -9 with deliveries pending and in flight, then start again: each one is made."""
    with ThreadedReceiver(answering_after(0.1)) as receiver:
        deliveries = seed(own_database_url, receiver.url, count=100, sequences=25)
        expected = {delivery.uuid for delivery in deliveries}
        with broker_process(own_database_url, tmp_path, **DELIVERY_ENV) as first:
            receiver.wait_until(lambda calls: len(calls) >= 20)
            first.process.kill()
            first.process.wait()
        before_restart = {call.delivery for call in receiver.calls}
        assert len(before_restart) < len(expected), "the kill came after every delivery"
        with running_broker(own_database_url, tmp_path, **DELIVERY_ENV):
            receiver.wait_until(lambda calls: {call.delivery for call in calls} >= expected)
            wait_for_succeeded(own_database_url, len(expected))
        seen = [call.delivery for call in receiver.calls]
    assert set(seen) == expected


@pytest.mark.postgres
def test_two_brokers_on_one_postgres_database_deliver_each_delivery_exactly_once(
    empty_postgres_database_url: str, tmp_path: Path
) -> None:
    database_url = empty_postgres_database_url
    with (
        ThreadedReceiver(answering_after(0.02)) as receiver,
        running_broker(database_url, tmp_path, **DELIVERY_ENV),
        running_broker(database_url, tmp_path, **DELIVERY_ENV),
    ):
        # Written once both brokers run, so both find the deliveries due together.
        deliveries = seed(database_url, receiver.url, count=200, sequences=200)
        expected = {delivery.uuid for delivery in deliveries}
        wait_for_succeeded(database_url, len(expected))
        seen = [call.delivery for call in receiver.calls]

    assert sorted(seen) == sorted(expected)

    async def workers(storage: Storage) -> set[str]:
        async with storage.transaction() as tx:
            return {
                attempt.worker
                for delivery in deliveries
                for attempt in await tx.attempts_of(delivery.id)
            }

    # Each broker made some of the calls: the work was shared, not merely survived.
    assert len(on_storage(database_url, workers)) == 2

"""The real `pact-broker test-webhook --uuid` of both flavours against Accord (#14).

Both CLIs read the index's `pb:webhook`, GET the webhook and POST its `pb:execute`; the Ruby
one prints the answer's `logs`, the Rust one the whole answer. The webhook is stored in the
broker's database directly and calls a receiver on 127.0.0.1, which the broker allows.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from broker.domain.webhooks import PacticipantSelector, WebhookDraft, WebhookRequest
from broker.storage.factory import open_storage
from tests.e2e.conftest import BrokerPool
from tests.e2e.pact_clients import run_cli
from tests.support.threaded_receiver import receiver_in_thread
from tests.support.webhook_receiver import answering

pytestmark = [pytest.mark.e2e, pytest.mark.pact_clients]

UUID = "accord-test-webhook-e2e"
RECEIVING = {"ACCORD_WEBHOOK_ALLOWED_HOSTS": "127.0.0.1", "ACCORD_WEBHOOK_SCHEMES": "http,https"}


async def store_webhook(database_url: str, port: int) -> None:
    storage = await open_storage(database_url)
    try:
        async with storage.transaction() as tx:
            await tx.insert_webhook(
                WebhookDraft(
                    uuid=UUID,
                    description="Build the provider",
                    provider=PacticipantSelector(name="Orders"),
                    request=WebhookRequest(
                        method="POST",
                        url=f"http://127.0.0.1:{port}/build",
                        body={"consumer": "${pactbroker.consumerName}"},
                    ),
                ),
                datetime.now(UTC),
            )
    finally:
        await storage.close()


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
@pytest.mark.parametrize("flavour", ["rust", "ruby"])
def test_test_webhook_runs_the_webhook_against_a_receiver_answering_200(
    flavour: str, backend: str, brokers: BrokerPool, request: pytest.FixtureRequest
) -> None:
    database_url = None if backend == "sqlite" else request.getfixturevalue("postgres_database_url")
    shared = brokers.broker(database_url, **RECEIVING)
    broker_url = shared.emptied()
    created = run_cli(flavour, broker_url, "create-or-update-pacticipant", "--name", "Orders")
    assert created.returncode == 0, created.stderr
    with receiver_in_thread(answering(200, b"building")) as receiver:
        asyncio.run(store_webhook(shared.database_url, receiver.port))
        tested = run_cli(flavour, broker_url, "test-webhook", "--uuid", UUID)
    assert tested.returncode == 0, f"stdout:\n{tested.stdout}\nstderr:\n{tested.stderr}"
    assert receiver.connections == 1
    assert receiver.head_of(0).startswith("POST /build HTTP/1.1")
    assert receiver.requests[0].endswith(b'{"consumer":"placeholder-consumer"}')
    assert "HTTP 200" in tested.stdout

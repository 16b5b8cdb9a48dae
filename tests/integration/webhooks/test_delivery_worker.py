"""The delivery worker against real receivers on 127.0.0.1, on both backends."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import timedelta

import msgspec
import pytest

from broker.domain.webhooks import DEAD, PENDING, RUNNING, SUCCEEDED, Attempt, Delivery
from broker.services.clock import system_clock
from broker.services.doorbell import Doorbell
from broker.storage.interface import Storage
from broker.webhooks.guard import WebhookPolicy
from broker.webhooks.sender import SendResult, WebhookSender
from broker.webhooks.worker import DeliveryConfig, DeliveryWorker, Sender
from tests.e2e.conftest import free_port
from tests.support.delivery_receiver import Answer, ReceivedCall, WebhookReceiver
from tests.support.webhook_outbox import insert_deliveries, insert_webhook, receiver_request

POLICY = WebhookPolicy(schemes=frozenset({"http"}), allowed_hosts=("127.0.0.1",))
QUICK = DeliveryConfig(timeout=5.0, retry_schedule=(0.05, 0.05, 0.05, 0.05), poll_interval=0.05)


@asynccontextmanager
async def delivering(
    storage: Storage, config: DeliveryConfig = QUICK, sender: Sender | None = None
) -> AsyncIterator[DeliveryWorker]:
    """A worker running on `storage` for the block; stopped (gracefully) at its end."""
    guarded = WebhookSender(POLICY, timeout=config.timeout)
    worker = DeliveryWorker(storage, sender or guarded, system_clock, Doorbell(), config)
    running = asyncio.create_task(worker.run())
    try:
        yield worker
    finally:
        await worker.stop()
        await running
        await guarded.aclose()


async def state_of(storage: Storage, delivery: Delivery) -> tuple[Delivery, list[Attempt]]:
    async with storage.transaction() as tx:
        found = await tx.find_delivery(delivery.uuid)
        assert found is not None
        return found, await tx.attempts_of(delivery.id)


async def wait_for_status(storage: Storage, delivery: Delivery, status: str) -> None:
    """Poll until the delivery has `status`; fail after 20 s (a bound, not a check)."""
    async with asyncio.timeout(20):
        while (await state_of(storage, delivery))[0].status != status:
            await asyncio.sleep(0.02)


def statuses(answers: Sequence[int]) -> Answer:
    """An answer giving `answers` in turn, then 200."""
    given = iter(answers)

    async def answer(call: ReceivedCall) -> int:
        return next(given, 200)

    return answer


async def test_a_delivery_failing_three_times_succeeds_on_the_fourth_with_four_attempts_logged(
    storage: Storage,
) -> None:
    async with WebhookReceiver(statuses([500, 500, 500])) as receiver:
        webhook = await insert_webhook(storage, receiver_request(receiver.url))
        [delivery] = await insert_deliveries(storage, webhook, [("Web", "Payments")])
        async with delivering(storage):
            await receiver.wait_until(lambda calls: len(calls) == 4)
    found, attempts = await state_of(storage, delivery)
    assert found.status == SUCCEEDED
    assert found.attempts == 4
    assert [a.number for a in attempts] == [1, 2, 3, 4]
    assert [a.response_status for a in attempts] == [500, 500, 500, 200]
    assert [a.succeeded for a in attempts] == [False, False, False, True]
    assert all(a.response_body == "received" and a.error is None for a in attempts)
    assert {call.delivery for call in receiver.calls} == {delivery.uuid}


async def test_a_receiver_that_never_answers_leaves_the_delivery_dead_after_the_schedule(
    storage: Storage,
) -> None:
    async def never(call: ReceivedCall) -> None:
        return None

    config = DeliveryConfig(timeout=0.3, retry_schedule=(0.05, 0.05), poll_interval=0.05)
    async with WebhookReceiver(never) as receiver:
        webhook = await insert_webhook(storage, receiver_request(receiver.url))
        [delivery] = await insert_deliveries(storage, webhook, [("Web", "Payments")])
        async with delivering(storage, config):
            await wait_for_status(storage, delivery, DEAD)
    found, attempts = await state_of(storage, delivery)
    assert found.attempts == 3
    assert len(receiver.calls) == 3
    assert [a.response_status for a in attempts] == [None, None, None]
    assert all(a.error is not None and a.error.startswith("Timed out") for a in attempts)


async def test_a_receiver_that_refuses_connections_leaves_the_delivery_dead(
    storage: Storage,
) -> None:
    webhook = await insert_webhook(storage, receiver_request(f"http://127.0.0.1:{free_port()}/x"))
    [delivery] = await insert_deliveries(storage, webhook, [("Web", "Payments")])
    config = DeliveryConfig(timeout=2.0, retry_schedule=(0.05,), poll_interval=0.05)
    async with delivering(storage, config):
        await wait_for_status(storage, delivery, DEAD)
    _, attempts = await state_of(storage, delivery)
    assert [a.number for a in attempts] == [1, 2]
    assert all(a.error and a.error.startswith("Could not connect") for a in attempts)


async def test_the_call_carries_the_delivery_and_event_ids_and_the_rendered_variables(
    storage: Storage,
) -> None:
    async with WebhookReceiver() as receiver:
        request = receiver_request(
            receiver.url + "/hooks/${pactbroker.consumerName}?provider=${pactbroker.providerName}",
            headers={"X-Team": "${pactbroker.providerName}"},
        )
        webhook = await insert_webhook(storage, request)
        [delivery] = await insert_deliveries(storage, webhook, [("Web App", "Pay/ments")])
        async with delivering(storage):
            await receiver.wait_until(lambda calls: len(calls) == 1)
    [call] = receiver.calls
    assert call.method == "POST"
    assert call.target == "/hooks/Web%20App?provider=Pay%2Fments"
    assert call.headers["x-accord-delivery"] == delivery.uuid
    assert call.headers["x-accord-event"] == "contract_content_changed"
    assert call.headers["x-team"] == "Pay/ments"
    assert call.headers["content-type"] == "application/json"
    assert json.loads(call.body) == {"consumer": "Web App", "provider": "Pay/ments"}


async def test_one_sequence_waits_for_its_slow_first_call_while_another_proceeds(
    storage: Storage,
) -> None:
    release = asyncio.Event()
    held: list[str] = []

    async def slow_first(call: ReceivedCall) -> int:
        if call.delivery == first.uuid:
            held.append(call.delivery)
            await release.wait()
        return 200

    async with WebhookReceiver(slow_first) as receiver:
        webhook = await insert_webhook(storage, receiver_request(receiver.url))
        first, second, other = await insert_deliveries(
            storage, webhook, [("Web", "Payments"), ("Web", "Payments"), ("App", "Payments")]
        )
        async with delivering(storage):
            # The other sequence is delivered while the first call hangs...
            await wait_for_status(storage, other, SUCCEEDED)
            # ...and its end woke the worker, which claimed again: the second still waits.
            assert held == [first.uuid]
            assert (await state_of(storage, second))[0].status == PENDING
            assert second.uuid not in {call.delivery for call in receiver.calls}
            release.set()
            await wait_for_status(storage, second, SUCCEEDED)
    arrived = [call.delivery for call in receiver.calls]
    assert sorted(arrived[:2]) == sorted([first.uuid, other.uuid])
    assert arrived[2:] == [second.uuid]


async def test_credentials_reach_the_receiver_but_never_the_logged_attempt(
    storage: Storage,
) -> None:
    async with WebhookReceiver(statuses([500])) as receiver:
        request = receiver_request(
            receiver.url,
            headers={"X-Api-Key": "key-1234567", "X-Trace": "visible"},
            username="ci",
            password="hunter2-password",
        )
        webhook = await insert_webhook(storage, request)
        [delivery] = await insert_deliveries(storage, webhook, [("Web", "Payments")])
        async with delivering(storage):
            await wait_for_status(storage, delivery, SUCCEEDED)
    basic = base64.b64encode(b"ci:hunter2-password").decode()
    assert receiver.calls[0].headers["authorization"] == f"Basic {basic}"
    assert receiver.calls[0].headers["x-api-key"] == "key-1234567"
    _, attempts = await state_of(storage, delivery)
    logged = msgspec.json.encode(attempts).decode()
    for secret in ("hunter2-password", basic, "key-1234567", "receiver-secret"):
        assert secret not in logged
    assert ["X-Trace", "visible"] in attempts[0].request["headers"]  # type: ignore[operator]
    assert ("Set-Cookie", "**********") in attempts[0].response_headers


async def test_a_disabled_webhook_is_not_called_and_its_delivery_ends_dead_saying_why(
    storage: Storage,
) -> None:
    async with WebhookReceiver() as receiver:
        webhook = await insert_webhook(storage, receiver_request(receiver.url), enabled=False)
        [delivery] = await insert_deliveries(storage, webhook, [("Web", "Payments")])
        async with delivering(storage):
            await wait_for_status(storage, delivery, DEAD)
    _, [attempt] = await state_of(storage, delivery)
    assert attempt.error == "The webhook is disabled: the delivery was not sent."
    assert receiver.calls == []


class BrokenOnce:
    """A sender that raises on its first call (a bug in the broker), then sends."""

    def __init__(self, sender: WebhookSender) -> None:
        self._sender = sender
        self.raised = False

    async def send(
        self, method: str, url: str, headers: Sequence[tuple[str, str]], body: bytes
    ) -> SendResult:
        if not self.raised:
            self.raised = True
            raise RuntimeError("a bug")
        return await self._sender.send(method, url, headers, body)


async def test_an_error_inside_the_broker_leaves_the_claim_to_run_out_and_the_loop_running(
    storage: Storage,
) -> None:
    config = DeliveryConfig(
        timeout=0.1, lease_margin=0.1, retry_schedule=(0.05,), poll_interval=0.05
    )
    async with WebhookReceiver() as receiver:
        webhook = await insert_webhook(storage, receiver_request(receiver.url))
        [delivery] = await insert_deliveries(storage, webhook, [("Web", "Payments")])
        inner = WebhookSender(POLICY, timeout=2.0)
        broken = BrokenOnce(inner)
        async with delivering(storage, config, broken):
            await wait_for_status(storage, delivery, SUCCEEDED)
        await inner.aclose()
    found, [attempt] = await state_of(storage, delivery)
    assert broken.raised
    # The first claim logged nothing; the second, after its lease ran out, is attempt 2.
    assert (found.attempts, attempt.number, attempt.succeeded) == (2, 2, True)


async def test_stopping_lets_a_call_in_flight_finish_and_settle(storage: Storage) -> None:
    answering = asyncio.Event()

    async def slow(call: ReceivedCall) -> int:
        answering.set()
        await asyncio.sleep(0.2)
        return 200

    async with WebhookReceiver(slow) as receiver:
        webhook = await insert_webhook(storage, receiver_request(receiver.url))
        [delivery] = await insert_deliveries(storage, webhook, [("Web", "Payments")])
        async with delivering(storage):
            await answering.wait()
    found, [attempt] = await state_of(storage, delivery)
    assert (found.status, attempt.response_status) == (SUCCEEDED, 200)


class Held:
    """A sender whose calls wait for `release`, then answer 200; it has no timeout of its own."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.called = asyncio.Event()
        self.calls: list[str] = []

    async def send(
        self, method: str, url: str, headers: Sequence[tuple[str, str]], body: bytes
    ) -> SendResult:
        self.calls.append(dict(headers)["X-Accord-Delivery"])
        self.called.set()
        await self.release.wait()
        return SendResult(status=200, duration_ms=1.0)


# Leases that run out at once, so a held call outlives its claim.
SHORT_LEASE = DeliveryConfig(
    timeout=0.05, lease_margin=0.05, concurrency=1, retry_schedule=(0.05,), poll_interval=0.05
)


async def test_a_call_that_outlived_its_claim_is_logged_but_settles_nothing(
    storage: Storage, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="broker.webhooks")
    webhook = await insert_webhook(storage, receiver_request("http://127.0.0.1:9/"))
    [delivery] = await insert_deliveries(storage, webhook, [("Web", "Payments")])
    held = Held()
    async with delivering(storage, SHORT_LEASE, held):
        await held.called.wait()
        later = system_clock() + timedelta(seconds=1)
        async with storage.transaction() as tx:
            stolen = await tx.claim_deliveries(
                worker="another", now=later, lease_until=later + timedelta(hours=1), limit=1
            )
        assert [d.id for d in stolen] == [delivery.id]
        held.release.set()
    found, [attempt] = await state_of(storage, delivery)
    assert (found.status, found.worker, found.attempts) == (RUNNING, "another", 2)
    assert (attempt.number, attempt.succeeded) == (1, True)
    assert any("claim ran out" in record.message for record in caplog.records)


async def test_a_worker_does_not_call_twice_when_its_own_claim_runs_out_mid_call(
    storage: Storage,
) -> None:
    webhook = await insert_webhook(storage, receiver_request("http://127.0.0.1:9/"))
    [delivery] = await insert_deliveries(storage, webhook, [("Web", "Payments")])
    held = Held()
    config = msgspec.structs.replace(SHORT_LEASE, concurrency=2)
    async with delivering(storage, config, held):
        await held.called.wait()
        # The worker claims the delivery again once the lease has run out...
        async with asyncio.timeout(20):
            while (await state_of(storage, delivery))[0].attempts < 2:
                await asyncio.sleep(0.02)
        held.release.set()
    # ...but the call in flight is the only one, and it settles the delivery.
    assert held.calls == [delivery.uuid]
    found, [attempt] = await state_of(storage, delivery)
    assert (found.status, attempt.succeeded) == (SUCCEEDED, True)


async def test_a_delivery_whose_claims_never_finish_is_given_up_as_dead(storage: Storage) -> None:
    """Claims that never settled (a worker killed each time) count against the schedule."""
    webhook = await insert_webhook(storage, receiver_request("http://127.0.0.1:9/"))
    [delivery] = await insert_deliveries(storage, webhook, [("Web", "Payments")])
    for _ in range(2):
        now = system_clock()
        async with storage.transaction() as tx:
            await tx.claim_deliveries(worker="killed", now=now, lease_until=now, limit=1)
    held = Held()
    held.release.set()
    async with delivering(storage, SHORT_LEASE, held):
        await wait_for_status(storage, delivery, DEAD)
    found, [attempt] = await state_of(storage, delivery)
    assert (found.attempts, attempt.number) == (3, 3)
    assert attempt.error == "Given up after 2 claims that never finished."
    assert held.calls == []

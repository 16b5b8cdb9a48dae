"""`list_webhook_deliveries` and `redrive_delivery` (SDK) and their commands, on a broker double."""

from __future__ import annotations

import httpx
import pytest

from clients.cli.__main__ import EXIT_FAILURE, EXIT_OK, main
from clients.sdk import AsyncBrokerClient, BrokerClient, BrokerError, NotFoundError
from tests.unit.clients.conftest import BASE, StubBroker, hal

DEAD = "d-1"


def delivery(uuid: str, status: str, attempts: int) -> dict[str, object]:
    return {
        "uuid": uuid,
        "name": "Build Orders",
        "status": status,
        "attemptsMade": attempts,
        "nextAttemptAt": None,
        "eventName": "contract_content_changed",
        "triggeredAt": "2026-12-01T12:00:00+00:00",
        "webhookUuid": "w-1",
        "_links": {"pb:logs": {"href": f"{BASE}/triggered-webhooks/{uuid}/logs"}},
    }


def listing(*items: dict[str, object]) -> dict[str, object]:
    return {"_embedded": {"triggeredWebhooks": list(items)}, "_links": {"self": {"href": BASE}}}


def conflict() -> httpx.Response:
    return hal(
        {
            "title": "Conflict",
            "status": 409,
            "detail": "Delivery d-1 is pending, not dead: only a dead delivery can be re-driven",
            "errors": {"status": ["is pending, not dead"]},
        },
        status=409,
    )


def run(stub: StubBroker, *argv: str) -> int:
    return main([*argv, "--broker-base-url", BASE], transport=stub.transport)


def test_the_sdk_lists_deliveries_of_a_status(stub: StubBroker) -> None:
    stub.on(
        "GET /admin/webhook-deliveries?limit=100&status=dead",
        hal(listing(delivery(DEAD, "dead", 11))),
    )
    with BrokerClient(BASE, transport=stub.transport) as broker:
        [found] = broker.list_webhook_deliveries(status="dead")
    assert (found.uuid, found.status, found.attempts_made) == (DEAD, "dead", 11)
    assert found.event_name == "contract_content_changed" and found.webhook_uuid == "w-1"


async def test_the_async_sdk_redrives_a_delivery(stub: StubBroker) -> None:
    stub.on(f"POST /triggered-webhooks/{DEAD}/redrive", hal(delivery(DEAD, "pending", 0)))
    async with AsyncBrokerClient(BASE, transport=stub.transport) as broker:
        again = await broker.redrive_delivery(DEAD)
    assert (again.status, again.attempts_made) == ("pending", 0)


def test_redriving_what_is_not_dead_or_unknown_raises(stub: StubBroker) -> None:
    stub.on(f"POST /triggered-webhooks/{DEAD}/redrive", conflict())
    with BrokerClient(BASE, transport=stub.transport) as broker:
        with pytest.raises(BrokerError, match="pending, not dead") as refused:
            broker.redrive_delivery(DEAD)
        assert refused.value.status == 409
        with pytest.raises(NotFoundError):
            broker.redrive_delivery("nope")


def test_the_commands_print_a_table_a_sentence_or_one_error_line(
    stub: StubBroker, capsys: pytest.CaptureFixture[str]
) -> None:
    stub.on(
        "GET /admin/webhook-deliveries?limit=100",
        hal(listing(delivery("s-1", "succeeded", 1), delivery(DEAD, "dead", 11))),
    )
    assert run(stub, "webhook-deliveries") == EXIT_OK
    lines = capsys.readouterr().out.splitlines()
    assert [cell.strip() for cell in lines[0].split(" | ")] == [
        "UUID",
        "STATUS",
        "EVENT",
        "ATTEMPTS",
        "TRIGGERED",
        "WEBHOOK",
    ]
    assert "s-1" in lines[2] and DEAD in lines[3] and "| 11 " in lines[3]

    stub.on(f"POST /triggered-webhooks/{DEAD}/redrive", hal(delivery(DEAD, "pending", 0)))
    assert run(stub, "redrive-delivery", DEAD) == EXIT_OK
    assert capsys.readouterr().out == (
        f"Delivery {DEAD} (contract_content_changed) is pending again: due now.\n"
    )
    stub.on(f"POST /triggered-webhooks/{DEAD}/redrive", conflict())
    assert run(stub, "redrive-delivery", DEAD) == EXIT_FAILURE
    printed = capsys.readouterr()
    assert printed.out == ""
    assert printed.err.count("\n") == 1 and "pending, not dead" in printed.err

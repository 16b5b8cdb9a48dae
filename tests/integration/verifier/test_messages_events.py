"""Event checks from integration-testing practice, written in a pact and verified.

The provider is an orders service on the in-memory bus (`tests/support/message_bus.py`): it
consumes `payments.received` and publishes `orders.paid` and `orders.status`. Each check is an
ordinary message interaction whose provider state makes the situation happen on the bus; the
producers return what reached the destination the consumer reads, and the verifier judges
those messages as it judges any others:

- **Idempotency.** Given "the payment-received message is delivered twice" (the same message
  id twice, as an at-least-once broker redelivers), the asynchronous message "an order-paid
  event" expects one message: a service that handles the duplicate publishes two, a finding.
- **Ordering.** Given "an order is paid, packed and shipped", the synchronous message "the
  status events of an order" sends the order's id (a ProviderState generator) and expects the
  three events, in order, with their ordering key: events published without the key
  interleave on the bus and arrive out of order.
- **Dead letters.** Given "a malformed payment-received message is delivered", the
  asynchronous message "a payment-received message on the dead-letter destination" expects the
  poison payload there, with the reason and the attempts: a service that swallows the message
  leaves the destination empty.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.integration.verifier.conftest import write_pact
from tests.support.message_bus import DEAD_LETTER_SUFFIX, Envelope, MessageBus
from verifier import (
    Message,
    MessageCall,
    MessageProducers,
    PactFile,
    Provider,
    ProviderState,
    StateAction,
    VerificationResult,
    Verifier,
    render_text,
)
from verifier.matching import JSONValue

PAYMENTS, PAID, STATUS = "payments.received", "orders.paid", "orders.status"
JSON = "application/json"


def rule(**matcher: JSONValue) -> dict[str, JSONValue]:
    return {"matchers": [dict(matcher)]}


def events_pact() -> dict[str, Any]:
    """What the consumers of the orders service expect, each check through a provider state."""
    status_events = [
        {
            "contents": {"content": {"orderId": 7, "status": status}, "contentType": JSON},
            "metadata": {"orderingKey": "order-7"},
        }
        for status in ("paid", "packed", "shipped")
    ]
    return {
        "consumer": {"name": "Shipping"},
        "provider": {"name": "Orders"},
        "interactions": [
            {
                "type": "Asynchronous/Messages",
                "description": "an order-paid event",
                "providerStates": [
                    {
                        "name": "the payment-received message is delivered twice",
                        "params": {"orderId": 42, "amount": 9.5, "messageId": "payment-1"},
                    }
                ],
                "contents": {
                    "content": {"orderId": 42, "amount": 9.5, "status": "paid"},
                    "contentType": JSON,
                },
                "metadata": {"contentType": JSON, "destination": PAID, "orderingKey": "order-42"},
                "matchingRules": {
                    "body": {"$.orderId": rule(match="integer"), "$.amount": rule(match="number")},
                    "metadata": {"orderingKey": rule(match="regex", regex="^order-\\d+$")},
                },
            },
            {
                "type": "Asynchronous/Messages",
                "description": "a payment-received message on the dead-letter destination",
                "providerStates": [
                    {
                        "name": "a malformed payment-received message is delivered",
                        "params": {"payload": "not a payment"},
                    }
                ],
                "contents": {"content": "not a payment", "contentType": "text/plain"},
                "metadata": {
                    "destination": PAYMENTS + DEAD_LETTER_SUFFIX,
                    "originalDestination": PAYMENTS,
                    "deadLetterReason": "ValueError: a payment needs an orderId",
                    "attempts": 3,
                },
                "matchingRules": {
                    "metadata": {
                        "deadLetterReason": rule(match="regex", regex="^\\w+: .+$"),
                        "attempts": rule(match="integer"),
                    }
                },
            },
            {
                "type": "Synchronous/Messages",
                "description": "the status events of an order",
                "providerStates": [
                    {"name": "an order is paid, packed and shipped", "params": {"orderId": 7}}
                ],
                "request": {
                    "contents": {"content": {"orderId": 1}, "contentType": JSON},
                    "generators": {
                        "body": {"$.orderId": {"type": "ProviderState", "expression": "${orderId}"}}
                    },
                },
                "response": status_events,
            },
        ],
        "metadata": {"pactSpecification": {"version": "4.0"}},
    }


class Orders:
    """The provider under verification, with switches for the bugs the checks catch."""

    def __init__(
        self,
        bus: MessageBus,
        *,
        deduplicates: bool = True,
        keys_events: bool = True,
        rejects_malformed: bool = True,
    ) -> None:
        self.bus = bus
        self.deduplicates = deduplicates
        self.keys_events = keys_events
        self.rejects_malformed = rejects_malformed
        self.handled: set[str] = set()
        bus.subscribe(PAYMENTS, self.on_payment)

    def on_payment(self, envelope: Envelope) -> None:
        payment = envelope.contents
        if not (isinstance(payment, dict) and isinstance(payment.get("orderId"), int)):
            if self.rejects_malformed:
                raise ValueError("a payment needs an orderId")
            return
        if self.deduplicates:
            if envelope.message_id in self.handled:
                return
            self.handled.add(envelope.message_id)
        event = {"orderId": payment["orderId"], "amount": payment["amount"], "status": "paid"}
        self.emit(PAID, event)

    def fulfil(self, order_id: int) -> None:
        for status in ("paid", "packed", "shipped"):
            self.emit(STATUS, {"orderId": order_id, "status": status})

    def emit(self, destination: str, event: dict[str, Any]) -> None:
        key = f"order-{event['orderId']}" if self.keys_events else None
        self.bus.publish(destination, event, metadata={"contentType": JSON}, ordering_key=key)


def as_message(envelope: Envelope) -> Message:
    """A message as the consumer sees it on its destination."""
    metadata = {**envelope.metadata, "destination": envelope.destination}
    if envelope.ordering_key:
        metadata["orderingKey"] = envelope.ordering_key
    return Message(contents=envelope.contents, metadata=metadata)


async def verify(tmp_path: Path, **bugs: bool) -> VerificationResult:
    bus = MessageBus(seed=3)
    orders = Orders(bus, **bugs)

    def states(state: ProviderState, action: StateAction) -> dict[str, JSONValue] | None:
        if action == "teardown":
            bus.reset()
            orders.handled.clear()
            return None
        params = state.params
        if state.name == "the payment-received message is delivered twice":
            payment = {"orderId": params["orderId"], "amount": params["amount"]}
            for _ in range(2):
                bus.publish(PAYMENTS, payment, message_id=str(params["messageId"]))
        elif state.name == "a malformed payment-received message is delivered":
            bus.publish(PAYMENTS, params["payload"], metadata={"contentType": "text/plain"})
        elif state.name == "an order is paid, packed and shipped":
            orders.fulfil(int(str(params["orderId"])))
        bus.drain()
        return {"orderId": params.get("orderId")}

    producers = MessageProducers()

    @producers.produces("an order-paid event")
    def paid(call: MessageCall) -> list[Message]:
        return [as_message(envelope) for envelope in bus.delivered(PAID)]

    @producers.produces("a payment-received message on the dead-letter destination")
    def dead_letters(call: MessageCall) -> list[Message]:
        return [as_message(envelope) for envelope in bus.delivered(PAYMENTS + DEAD_LETTER_SUFFIX)]

    @producers.produces("the status events of an order")
    def status_events(call: MessageCall) -> list[Message]:
        assert call.request is not None
        wanted = call.request.contents["orderId"]  # type: ignore[index, call-overload]  # a JSON object in this pact
        delivered = bus.delivered(STATUS)
        return [as_message(e) for e in delivered if e.contents["orderId"] == wanted]

    provider = Provider(
        name="Orders",
        base_url="http://127.0.0.1:9",  # only messages: nothing is sent to the base URL
        state_handler=states,
        state_change_teardown=True,
    )
    # One bus for every interaction: run them one at a time so their messages stay apart.
    verifier = Verifier(provider, sequential=True, message_producers=producers)
    return await verifier.verify(
        [PactFile(write_pact(tmp_path, events_pact(), "Shipping-Orders.json"))]
    )


def verdicts(result: VerificationResult) -> list[str]:
    return [interaction.status for interaction in result.pacts[0].interactions]


async def test_a_service_that_honours_every_event_check_passes(tmp_path: Path) -> None:
    result = await verify(tmp_path)
    assert verdicts(result) == ["passed", "passed", "passed"], render_text(result)


async def test_handling_a_redelivered_payment_twice_fails_the_idempotency_check(
    tmp_path: Path,
) -> None:
    result = await verify(tmp_path, deduplicates=False)
    assert verdicts(result) == ["failed", "passed", "passed"]
    (twice,) = result.pacts[0].interactions[0].findings
    assert (twice.kind, twice.expected, twice.actual) == ("message", 1, 2)
    report = render_text(result)
    assert (
        "an order-paid event given the payment-received message is delivered twice ... FAILED"
    ) in report
    assert "expected 1 message but the producer produced 2" in report


async def test_events_published_without_an_ordering_key_fail_the_ordering_check(
    tmp_path: Path,
) -> None:
    result = await verify(tmp_path, keys_events=False)
    assert verdicts(result) == ["failed", "passed", "failed"]
    findings = result.pacts[0].interactions[2].findings
    missing_keys = [f.path for f in findings if f.kind == "metadata"]
    assert missing_keys == [f"$.response[{i}].metadata.orderingKey" for i in range(3)]
    out_of_order = [f.description for f in findings if f.kind == "body"]
    assert out_of_order
    assert all(".contents.status: expected " in line for line in out_of_order)


async def test_swallowing_a_poison_message_fails_the_dead_letter_check(tmp_path: Path) -> None:
    result = await verify(tmp_path, rejects_malformed=False)
    assert verdicts(result) == ["passed", "failed", "passed"]
    report = render_text(result)
    assert (
        "a payment-received message on the dead-letter destination given a malformed "
        "payment-received message is delivered ... FAILED"
    ) in report
    assert "expected 1 message but the producer produced none" in report

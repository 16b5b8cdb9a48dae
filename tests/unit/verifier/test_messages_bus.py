"""The in-memory message bus the event checks run on: ordering keys, redelivery, dead letters."""

from __future__ import annotations

import pytest

from tests.support.message_bus import Envelope, MessageBus


def statuses(envelopes: list[Envelope]) -> list[str]:
    return [envelope.contents["status"] for envelope in envelopes]


@pytest.mark.parametrize("seed", range(8))
def test_messages_with_one_ordering_key_arrive_in_publishing_order(seed: int) -> None:
    bus = MessageBus(seed=seed)
    for status in ("created", "paid", "shipped"):
        bus.publish("orders", {"status": status}, ordering_key="order-1")
        bus.publish("orders", {"status": f"other-{status}"}, ordering_key="order-2")
    bus.drain()
    delivered = statuses(bus.delivered("orders"))
    assert [s for s in delivered if not s.startswith("other")] == ["created", "paid", "shipped"]
    assert [s for s in delivered if s.startswith("other")] == [
        "other-created",
        "other-paid",
        "other-shipped",
    ]


def test_messages_without_a_key_may_arrive_in_any_order() -> None:
    orders = set()
    for seed in range(8):
        bus = MessageBus(seed=seed)
        for status in ("created", "paid", "shipped"):
            bus.publish("orders", {"status": status})
        bus.drain()
        orders.add(tuple(statuses(bus.delivered("orders"))))
    assert len(orders) > 1


def test_a_message_that_keeps_failing_ends_in_the_dead_letter_destination() -> None:
    bus = MessageBus(max_attempts=3)
    attempts: list[int] = []

    def rejects(envelope: Envelope) -> None:
        attempts.append(envelope.attempts)
        raise ValueError("not a payment")

    bus.subscribe("payments", rejects)
    bus.publish("payments", "{oops", metadata={"contentType": "text/plain"}, message_id="p-1")
    bus.drain()
    assert attempts == [1, 2, 3]
    assert bus.delivered("payments") == []
    (dead,) = bus.delivered("payments.dead-letter")
    assert (dead.contents, dead.message_id) == ("{oops", "p-1")
    assert dead.metadata == {
        "contentType": "text/plain",
        "originalDestination": "payments",
        "deadLetterReason": "ValueError: not a payment",
        "attempts": 3,
    }


def test_a_message_that_fails_once_is_redelivered_before_the_next_with_its_key() -> None:
    bus = MessageBus()
    seen: list[str] = []

    def flaky(envelope: Envelope) -> None:
        if envelope.contents == "first" and envelope.attempts == 1:
            raise ConnectionError("database away")
        seen.append(envelope.contents)

    bus.subscribe("q", flaky)
    bus.publish("q", "first", ordering_key="k")
    bus.publish("q", "second", ordering_key="k")
    bus.drain()
    assert seen == ["first", "second"]
    assert bus.delivered("q.dead-letter") == []

"""Event checks against a real consumer over HTTP on 127.0.0.1 (tests/support/event_consumer.py).

The right warehouse passes every check; each seeded bug fails exactly its own check, with a
detail naming the interaction and the check.
"""

from __future__ import annotations

import datetime
from collections import Counter

import httpx
import pytest

from tests.support.event_consumer import BUGS, PACT, Warehouse, serve
from verifier._pact import read_pact
from verifier.events import CHECKS, EventChecker, HttpConsumer, plan
from verifier.events.consumers import headers_of
from verifier.events.run import EventResult

NOW = datetime.datetime(2026, 1, 2, tzinfo=datetime.UTC)
OWN_CHECK = {
    "not-idempotent": "event.idempotency",
    "order-dependent": "event.ordering",
    "malformed-500": "event.dead-letter",
    "malformed-accepted": "event.dead-letter",
}


def check_over_http(bug: str | None, *, with_state: bool = True) -> list[EventResult]:
    with serve(Warehouse(bug)) as url:
        consumer = HttpConsumer(
            f"{url}/messages",
            state_url=f"{url}/state" if with_state else None,
            reset_url=f"{url}/reset" if with_state else None,
            dead_letter_url=f"{url}/dead-letters",
        )
        with consumer:
            return EventChecker(consumer).run(plan([read_pact(PACT)], now=NOW))


def test_the_right_consumer_passes_every_check() -> None:
    results = check_over_http(None)
    assert [(r.outcome, r.detail) for r in results if r.outcome != "passed"] == []
    assert Counter(r.check for r in results) == {check: 3 for check in CHECKS}
    # Deliveries per check: 1, the message twice, each order of two messages, two malformed.
    assert {(r.check, r.deliveries) for r in results} == {
        ("event.format", 1),
        ("event.idempotency", 2),
        ("event.ordering", 4),
        ("event.dead-letter", 2),
    }


@pytest.mark.parametrize("bug", BUGS)
def test_each_seeded_bug_fails_exactly_its_own_check(bug: str) -> None:
    results = check_over_http(bug)
    failed = {(r.interaction, r.check) for r in results if r.outcome == "failed"}
    assert failed, f"{bug} failed no check"
    assert {check for _, check in failed} == {OWN_CHECK[bug]}
    assert all(r.outcome == "passed" for r in results if r.check != OWN_CHECK[bug])
    for result in results:
        if result.outcome == "failed":
            assert result.detail.startswith(f"{result.interaction} {result.check}: ")


def test_what_each_bug_is_reported_as() -> None:
    by_bug = {bug: check_over_http(bug) for bug in BUGS}

    def detail(bug: str, interaction: str, check: str) -> str:
        return next(
            r.detail for r in by_bug[bug] if (r.interaction, r.check) == (interaction, check)
        )

    assert "the duplicate (message id accord-" in detail(
        "not-idempotent", "an order created event", "event.idempotency"
    )
    assert '"reserved":4' in detail("not-idempotent", "an order created event", "event.idempotency")
    ordering = detail("order-dependent", "a stock counted event", "event.ordering")
    assert "the stale version 1 (sequence 1) changed the state" in ordering
    assert "answered 500" in detail("malformed-500", "an order shipped event", "event.dead-letter")
    accepted = detail("malformed-accepted", "a stock counted event", "event.dead-letter")
    assert "without `sku` was acknowledged and not dead-lettered (answered 202)" in accepted
    assert "and the state changed" in accepted


def test_without_a_state_endpoint_only_the_format_check_runs() -> None:
    results = check_over_http("not-idempotent", with_state=False)
    assert {r.check for r in results if r.outcome == "passed"} == {"event.format"}
    skipped = [r for r in results if r.outcome == "skipped"]
    assert len(skipped) == 9
    assert all("no state endpoint was given" in r.detail for r in skipped)


def test_a_delivery_carries_the_message_id_sequence_and_metadata_as_headers() -> None:
    message = plan([read_pact(PACT)], now=NOW)[0].messages[0]
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(202)

    client = httpx.Client(transport=httpx.MockTransport(answer))
    HttpConsumer("http://consumer.test/messages", client=client).deliver(message)
    sent = seen[0]
    assert sent.headers["Accord-Message-Id"] == message.message_id
    assert sent.headers["Accord-Message-Sequence"] == "1"
    assert sent.headers["Accord-Interaction"] == "an order created event"
    assert sent.headers["topic"] == "orders"
    assert sent.headers["type"] == "OrderCreated"
    assert sent.headers["Content-Type"] == "application/json"
    assert httpx.Response(200, content=sent.content).json() == message.contents
    assert dict(headers_of(message))["Accord-Metadata"] == (
        '{"topic":"orders","type":"OrderCreated"}'
    )

"""Planning the event checks of a message pact: messages built, grouped, varied and broken."""

from __future__ import annotations

import copy
import datetime
import uuid
from typing import Any

from tests.support.event_consumer import PACT
from verifier._pact import read_pact
from verifier.events import CHECKS, plan
from verifier.events.plan import PlannedCheck

NOW = datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)


def by_check(planned: list[PlannedCheck]) -> dict[tuple[str, str], PlannedCheck]:
    return {(check.interaction, check.check): check for check in planned}


def test_each_message_gets_the_four_checks_with_generators_applied_and_stable_ids() -> None:
    planned = plan([read_pact(PACT)], now=NOW)
    assert [(c.interaction, c.check) for c in planned[:4]] == [
        ("an order created event", check) for check in CHECKS
    ]
    assert len(planned) == 12
    assert all(not check.skip_reason for check in planned)
    created = by_check(planned)["an order created event", "event.format"].messages[0]
    assert created.contents != PACT["messages"][0]["contents"]  # the Uuid generator ran
    assert isinstance(created.contents, dict)
    uuid.UUID(str(created.contents["eventRef"]))
    assert created.metadata == {"topic": "orders", "type": "OrderCreated"}
    again = plan([read_pact(PACT)], now=NOW)
    assert again == planned  # seeded: the same pact plans the same deliveries


def test_messages_of_one_topic_are_one_group_delivered_in_reverse() -> None:
    planned = by_check(plan([read_pact(PACT)], now=NOW))
    created = planned["an order created event", "event.ordering"]
    shipped = planned["an order shipped event", "event.ordering"]
    assert created.group == shipped.group == ("an order created event", "an order shipped event")
    assert [(m.interaction, m.sequence) for m in created.messages] == [
        ("an order created event", 1),
        ("an order shipped event", 2),
    ]
    assert [m.sequence for m in created.out_of_order] == [2, 1]


def test_a_message_alone_in_its_group_gets_a_second_version_changing_typed_numbers_only() -> None:
    check = by_check(plan([read_pact(PACT)], now=NOW))["a stock counted event", "event.ordering"]
    first, second = check.messages
    assert (first.contents, first.sequence) == ({"sku": "s-1", "count": 5}, 1)
    assert (second.contents, second.sequence) == ({"sku": "s-1", "count": 6}, 2)
    assert first.message_id != second.message_id
    assert check.out_of_order == (second, first)


def test_without_a_type_matcher_two_versions_cannot_differ_so_ordering_is_skipped() -> None:
    document = copy.deepcopy(PACT)
    document["messages"] = [document["messages"][2]]
    del document["messages"][0]["matchingRules"]["body"]["$.count"]
    check = by_check(plan([read_pact(document)], now=NOW))[
        "a stock counted event", "event.ordering"
    ]
    assert check.messages == ()
    assert "no type matcher" in check.skip_reason


def test_malformed_messages_drop_then_retype_the_first_field_a_rule_names() -> None:
    check = by_check(plan([read_pact(PACT)], now=NOW))["a stock counted event", "event.dead-letter"]
    assert [(m.label, m.contents) for m in check.messages] == [
        ("without `sku`", {"count": 5}),
        ("`sku` as int", {"sku": 12345, "count": 5}),
    ]
    assert len({m.message_id for m in check.messages}) == 2


def test_v4_asynchronous_messages_are_read_and_synchronous_ones_skipped() -> None:
    document: dict[str, Any] = {
        "consumer": {"name": "Warehouse"},
        "provider": {"name": "Orders"},
        "interactions": [
            {
                "type": "Asynchronous/Messages",
                "description": "an order paid event",
                "contents": {"content": {"orderId": 42}, "contentType": "application/json"},
                "metadata": {"topic": "payments", "partitionKey": "42"},
            },
            {
                "type": "Synchronous/Messages",
                "description": "a stock query",
                "request": {"contents": {"content": {"sku": "a"}}},
                "response": [{"contents": {"content": {"count": 1}}}],
            },
            {
                "type": "Synchronous/HTTP",
                "description": "a request",
                "request": {"method": "GET", "path": "/"},
                "response": {"status": 200},
            },
        ],
        "metadata": {"pactSpecification": {"version": "4.0"}},
    }
    planned = by_check(plan([read_pact(document)], now=NOW))
    paid = planned["an order paid event", "event.format"].messages[0]
    assert paid.contents == {"orderId": 42}
    assert paid.content_type == "application/json"
    assert {check for (name, check) in planned if name == "a stock query"} == set(CHECKS)
    assert all(
        "synchronous message" in c.skip_reason
        for (n, _), c in planned.items()
        if n == "a stock query"
    )
    assert not any(name == "a request" for name, _ in planned)
    # orderId is an identifier and no matcher lets anything else change.
    assert planned["an order paid event", "event.ordering"].skip_reason


def test_text_contents_have_no_field_to_break() -> None:
    document = copy.deepcopy(PACT)
    document["messages"] = [
        {"description": "a note", "contents": "hello", "metaData": {"contentType": "text/plain"}}
    ]
    check = by_check(plan([read_pact(document)], now=NOW))["a note", "event.dead-letter"]
    assert (
        check.skip_reason == "the contents are not a JSON object with a field to remove or retype"
    )


def test_a_generator_past_the_calendar_skips_its_checks_saying_why() -> None:
    """A Date generator of `+ 99999999 years` raised ValueError out of `plan`."""
    pact = copy.deepcopy(PACT)
    far = {"type": "Date", "expression": "+ 99999999 years"}
    pact["messages"][0]["generators"] = {"body": {"$.eventRef": far}}
    planned = by_check(plan([read_pact(pact)], now=NOW))
    skipped = planned["an order created event", "event.format"]
    assert "a generator of the message cannot make a value" in skipped.skip_reason
    assert "out of range" in skipped.skip_reason
    assert not planned["a stock counted event", "event.format"].skip_reason

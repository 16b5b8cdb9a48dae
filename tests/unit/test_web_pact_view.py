"""Pacts V2 to V4 rendered for reading (broker/web/pact_view.py)."""

from __future__ import annotations

import json
from typing import Any

from broker.domain.pact_diff import diff_pacts
from broker.web.pact_view import compare, read_interactions


def pact(version: str, **members: Any) -> str:
    return json.dumps(
        {
            "consumer": {"name": "Web"},
            "provider": {"name": "Orders"},
            **members,
            "metadata": {"pactSpecification": {"version": version}},
        }
    )


def test_a_v2_interaction_shows_its_query_headers_body_and_the_rules_of_its_part() -> None:
    document = pact(
        "2.0.0",
        interactions=[
            {
                "description": "a search",
                "providerState": "orders exist",
                "request": {"method": "get", "path": "/orders", "query": "status=open&page=2"},
                "response": {
                    "status": 200,
                    "headers": {"Content-Type": "application/json"},
                    "body": {"orders": [{"id": 1}]},
                    "matchingRules": {"$.body.orders": {"min": 1}},
                },
            }
        ],
    )
    specification, [interaction] = read_interactions(document)
    assert specification == "2.0.0"
    assert interaction.provider_states == [("orders exist", None)]
    request, response = interaction.parts
    assert (request.method, request.path) == ("GET", "/orders")
    assert request.query == [("status", "open"), ("page", "2")]
    assert response.status == 200
    assert response.content_type == "application/json"
    assert response.body is not None
    assert json.loads(response.body) == {"orders": [{"id": 1}]}
    assert response.matching_rules is not None
    assert json.loads(response.matching_rules) == {"$.body.orders": {"min": 1}}


def test_a_v4_interaction_shows_listed_headers_typed_bodies_and_state_parameters() -> None:
    document = pact(
        "4.0",
        interactions=[
            {
                "type": "Synchronous/HTTP",
                "description": "an order",
                "providerStates": [{"name": "order 1 exists", "params": {"id": 1}}],
                "pending": True,
                "request": {
                    "method": "GET",
                    "path": "/orders/1",
                    "query": {"expand": ["lines", "customer"]},
                    "headers": {"Accept": ["application/json"]},
                },
                "response": {
                    "status": 200,
                    "body": {"content": "aGk=", "contentType": "image/png", "encoded": "base64"},
                    "generators": {"body": {"$.id": {"type": "RandomInt"}}},
                },
            }
        ],
    )
    _, [interaction] = read_interactions(document)
    assert interaction.pending
    assert interaction.provider_states == [("order 1 exists", '{\n  "id": 1\n}')]
    request, response = interaction.parts
    assert request.query == [("expand", "lines"), ("expand", "customer")]
    assert request.headers == [("Accept", "application/json")]
    assert response.body == "(base64 encoded) aGk="
    assert response.content_type == "image/png"
    assert response.generators is not None


def test_messages_show_their_contents_and_metadata() -> None:
    document = pact(
        "4.0",
        interactions=[
            {
                "type": "Asynchronous/Messages",
                "description": "an order was placed",
                "contents": {"content": {"id": 1}, "contentType": "application/json"},
                "metadata": {"topic": "orders"},
                "matchingRules": {"body": {"$.id": {"matchers": [{"match": "integer"}]}}},
            },
            {
                "type": "Synchronous/Messages",
                "description": "a price is asked",
                "request": {"contents": {"content": "sku-1", "contentType": "text/plain"}},
                "response": [{"contents": {"content": "12.50", "contentType": "text/plain"}}],
            },
        ],
    )
    _, [event, exchange] = read_interactions(document)
    assert event.kind == "Message"
    [message] = event.parts
    assert message.body is not None
    assert json.loads(message.body) == {"id": 1}
    assert message.headers == [("topic", "orders")]
    assert message.matching_rules is not None
    assert exchange.kind == "Synchronous message"
    assert [(p.title, p.body) for p in exchange.parts] == [
        ("Request message", "sku-1"),
        ("Response message 1", "12.50"),
    ]


def test_a_v3_message_pact_lists_its_messages() -> None:
    document = pact(
        "3.0.0",
        messages=[
            {
                "description": "an order was placed",
                "providerStates": [{"name": "an order"}],
                "contents": {"id": 1},
                "metaData": {"topic": "orders"},
            }
        ],
    )
    _, [message] = read_interactions(document)
    assert message.kind == "Message"
    assert message.parts[0].body is not None
    assert json.loads(message.parts[0].body) == {"id": 1}
    assert message.parts[0].headers == [("topic", "orders")]


def test_a_comparison_pairs_each_changed_added_and_removed_interaction_with_its_sides() -> None:
    def http(description: str, status: int) -> dict[str, Any]:
        return {
            "description": description,
            "request": {"method": "GET", "path": f"/{description}"},
            "response": {"status": status},
        }

    old = pact("2.0.0", interactions=[http("kept", 200), http("edited", 200), http("gone", 200)])
    new = pact("2.0.0", interactions=[http("kept", 200), http("new", 201), http("edited", 404)])
    _, before = read_interactions(old)
    _, after = read_interactions(new)
    comparison = compare("1.0.0", before, after, diff_pacts(json.loads(old), json.loads(new)))
    assert comparison.unchanged == 1
    changed, added, removed = comparison.rows
    assert changed.change == "changed"
    assert changed.before is not None and changed.before.description == "edited"
    assert changed.after is not None and changed.after.parts[1].status == 404
    assert changed.paths == ("response.status",)
    assert (added.change, added.before, added.after and added.after.description) == (
        "added",
        None,
        "new",
    )
    assert (removed.change, removed.after, removed.before and removed.before.description) == (
        "removed",
        None,
        "gone",
    )

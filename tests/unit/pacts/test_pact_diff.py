"""Diffs between two versions of a pact, structural and as text."""

from __future__ import annotations

import copy
from typing import Any

import msgspec
import pytest

from broker.domain.errors import InvalidInputError
from broker.domain.pact_diff import PactDiff, diff_pacts, render_text


def interaction(description: str, state: str | None = None, **response: Any) -> Any:
    item: Any = {
        "description": description,
        "request": {"method": "GET", "path": "/users", "headers": {"Accept": "application/json"}},
        "response": {"status": 200, "body": {"items": [{"id": 1}]}, **response},
    }
    if state is not None:
        item["providerState"] = state
    return item


def pact(*interactions: Any, version: str = "2.0.0") -> Any:
    return {
        "consumer": {"name": "Web"},
        "provider": {"name": "Users"},
        "interactions": list(interactions),
        "metadata": {"pactSpecification": {"version": version}},
    }


OLD = pact(
    interaction("a request for users", "users exist"),
    interaction("a request to delete a user"),
    interaction("a request for the health"),
)


def test_the_same_pact_has_an_empty_diff() -> None:
    diff = diff_pacts(OLD, copy.deepcopy(OLD))
    assert diff.is_empty
    assert diff.unchanged == 3
    assert render_text(diff) == "0 removed, 0 added, 0 changed, 3 unchanged"


def test_reordering_interactions_is_no_change() -> None:
    reordered = pact(*reversed(OLD["interactions"]))
    assert diff_pacts(OLD, reordered).is_empty


def test_added_removed_and_changed_interactions_are_found() -> None:
    new = copy.deepcopy(OLD)
    new["interactions"][0]["response"]["body"]["items"][0]["id"] = 2
    new["interactions"][0]["request"]["headers"]["Accept"] = "text/plain"
    new["interactions"][0]["response"]["status"] = 201
    del new["interactions"][1]
    new["interactions"].append(interaction("a request for a user", "user 1 exists"))
    diff = diff_pacts(OLD, new)
    assert [i.description for i in diff.removed] == ["a request to delete a user"]
    assert [(i.description, i.provider_states) for i in diff.added] == [
        ("a request for a user", ("user 1 exists",))
    ]
    assert len(diff.changed) == 1
    assert diff.changed[0].paths == (
        "request.headers.Accept",
        "response.status",
        "response.body.items[0].id",
    )
    assert diff.unchanged == 1


def test_a_changed_provider_state_is_a_removal_and_an_addition() -> None:
    """Interactions are matched by description and provider states, as the Pact Broker does."""
    new = copy.deepcopy(OLD)
    new["interactions"][0]["providerState"] = "no users exist"
    diff = diff_pacts(OLD, new)
    assert [i.provider_states for i in diff.removed] == [("users exist",)]
    assert [i.provider_states for i in diff.added] == [("no users exist",)]


def test_members_present_on_one_side_and_array_lengths_are_named() -> None:
    new = copy.deepcopy(OLD)
    first = new["interactions"][0]
    first["response"]["headers"] = {"Content-Type": "application/json"}
    first["response"]["body"]["items"].append({"id": 2})
    del first["request"]["headers"]
    first["response"]["matchingRules"] = {}
    diff = diff_pacts(OLD, new)
    assert diff.changed[0].paths == (
        "request.headers",
        "response.body.items[1]",
        "response.headers",
        "response.matchingRules",
    )


def test_keys_that_are_not_plain_names_are_quoted() -> None:
    old = pact(interaction("a", matchingRules={"$.body.id": {"match": "type"}}))
    new = pact(interaction("a", matchingRules={"$.body.id": {"match": "integer"}}))
    assert diff_pacts(old, new).changed[0].paths == ("response.matchingRules['$.body.id'].match",)


def test_a_boolean_is_not_the_number_one() -> None:
    old = pact(interaction("a", body=1))
    new = pact(interaction("a", body=True))
    assert diff_pacts(old, new).changed[0].paths == ("response.body",)


def test_v4_keys_match_first_and_changed_content_matches_by_identity() -> None:
    """Rust and JVM derive a V4 key from the content, so a changed interaction has a new key."""
    old_item = {**interaction("a"), "type": "Synchronous/HTTP", "key": "k1"}
    new_item = {**interaction("a", status=500), "type": "Synchronous/HTTP", "key": "k2"}
    diff = diff_pacts(pact(old_item, version="4.0"), pact(new_item, version="4.0"))
    assert [c.paths for c in diff.changed] == [("response.status",)]
    assert not diff.added
    assert not diff.removed


def test_broker_ids_and_tool_keys_are_not_changes() -> None:
    new = copy.deepcopy(OLD)
    for index, item in enumerate(new["interactions"]):
        item["_id"] = f"id-{index}"
    assert diff_pacts(OLD, new).is_empty


def test_messages_are_diffed_like_interactions() -> None:
    old = {**pact(version="3.0.0"), "messages": [{"description": "e", "contents": {"a": 1}}]}
    new = {**pact(version="3.0.0"), "messages": [{"description": "e", "contents": {"a": 2}}]}
    diff = diff_pacts(old, new)
    assert [(c.type, c.paths) for c in diff.changed] == [("Asynchronous/Messages", ("contents.a",))]
    assert "~ message 'e' changed: contents.a" in render_text(diff)


def test_duplicate_descriptions_pair_in_document_order() -> None:
    old = pact(interaction("a", status=200), interaction("a", status=201))
    new = pact(interaction("a", status=200), interaction("a", status=202))
    diff = diff_pacts(old, new)
    assert [(c.old_index, c.new_index, c.paths) for c in diff.changed] == [
        (1, 1, ("response.status",))
    ]


def test_a_new_specification_version_is_reported() -> None:
    diff = diff_pacts(OLD, {**OLD, "metadata": {"pactSpecification": {"version": "3.0.0"}}})
    assert diff.specification == ("2", "3")
    assert render_text(diff).splitlines()[0] == "~ specification version 2 -> 3"


def test_the_text_form_lists_each_change_on_a_line() -> None:
    new = copy.deepcopy(OLD)
    new["interactions"][0]["response"]["status"] = 404
    del new["interactions"][1]
    new["interactions"].append(interaction("a request for a user", "user 1 exists"))
    assert render_text(diff_pacts(OLD, new)) == "\n".join(
        [
            "- interaction 'a request to delete a user'",
            "+ interaction 'a request for a user' (given user 1 exists)",
            "~ interaction 'a request for users' (given users exist) changed: response.status",
            "1 removed, 1 added, 1 changed, 1 unchanged",
        ]
    )


def test_provider_state_parameters_show_in_the_text() -> None:
    item = {**interaction("a"), "providerStates": [{"name": "user", "params": {"id": 1}}]}
    diff = diff_pacts(pact(version="3.0.0"), pact(item, version="3.0.0"))
    assert render_text(diff).splitlines()[0] == "+ interaction 'a' (given user {\"id\":1})"


def test_many_changed_paths_are_cut_short_in_the_text() -> None:
    old = pact(interaction("a", body={f"f{i}": i for i in range(30)}))
    new = pact(interaction("a", body={f"f{i}": -i - 1 for i in range(30)}))
    line = render_text(diff_pacts(old, new)).splitlines()[0]
    assert line.endswith("response.body.f19 and 10 more")


def test_the_diff_encodes_to_plain_json() -> None:
    new = copy.deepcopy(OLD)
    new["interactions"][0]["response"]["status"] = 404
    encoded = msgspec.json.encode(msgspec.to_builtins(diff_pacts(OLD, new)))
    assert msgspec.json.decode(encoded)["changed"][0]["paths"] == ["response.status"]
    assert msgspec.json.decode(encoded, type=PactDiff) == diff_pacts(OLD, new)


def test_a_document_that_is_not_a_pact_is_refused() -> None:
    with pytest.raises(InvalidInputError):
        diff_pacts(OLD, [1, 2])
    with pytest.raises(InvalidInputError):
        diff_pacts({"consumer": {}}, OLD)

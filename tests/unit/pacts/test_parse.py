"""Reading pact documents: names, specification versions, interactions, and refusals."""

from __future__ import annotations

import json

import pytest

from broker.domain.errors import FieldError, InvalidInputError
from broker.domain.model import JSONValue
from broker.domain.pacts import (
    MAX_PACT_DEPTH,
    ProviderState,
    json_depth,
    json_pointer,
    parse_pact,
)


def pact(**members: object) -> bytes:
    document: dict[str, object] = {"consumer": {"name": "Web"}, "provider": {"name": "Users"}}
    document.update(members)
    return json.dumps(document).encode()


def http(description: str = "a request for user 1", **members: object) -> dict[str, object]:
    return {
        "description": description,
        "request": {"method": "GET", "path": "/users/1"},
        "response": {"status": 200},
        **members,
    }


def problems_of(raw: bytes) -> list[FieldError]:
    with pytest.raises(InvalidInputError) as caught:
        parse_pact(raw)
    return caught.value.errors


def test_parsing_reads_names_and_keeps_the_whole_document() -> None:
    raw = pact(interactions=[http()], metadata={"pactSpecification": {"version": "3.0.0"}})
    parsed = parse_pact(raw)
    assert (parsed.consumer, parsed.provider) == ("Web", "Users")
    assert parsed.document == json.loads(raw)


def test_unknown_members_are_kept_in_the_document() -> None:
    raw = pact(interactions=[http(x_custom={"a": 1})], extension=[1, 2])
    parsed = parse_pact(raw)
    assert parsed.document["extension"] == [1, 2]


@pytest.mark.parametrize(
    ("metadata", "major", "declared"),
    [
        ({"pactSpecification": {"version": "1.0.0"}}, "1", "1.0.0"),
        ({"pactSpecification": {"version": "1.1.0"}}, "1.1", "1.1.0"),
        ({"pactSpecification": {"version": "2.0.0"}}, "2", "2.0.0"),
        ({"pactSpecification": {"version": "3.0.0"}}, "3", "3.0.0"),
        ({"pactSpecification": {"version": "4.0"}}, "4", "4.0"),
        ({"pact-specification": {"version": "2.0.0"}}, "2", "2.0.0"),
        ({"pact-specification": "2.0.0"}, "2", "2.0.0"),
        ({"pactSpecificationVersion": "3.0.0"}, "3", "3.0.0"),
    ],
)
def test_the_specification_version_is_read_from_any_spelling(
    metadata: dict[str, object], major: str, declared: str
) -> None:
    parsed = parse_pact(pact(interactions=[], metadata=metadata))
    assert (parsed.specification, parsed.specification_version) == (major, declared)


def rules(**members: object) -> dict[str, object]:
    return {"method": "GET", "path": "/users/1", **members}


@pytest.mark.parametrize(
    ("members", "major"),
    [
        # Nothing newer than V1: V1, not a default of V3.
        ({"interactions": [http()]}, "1"),
        ({"interactions": [http(providerState="user 1 exists")]}, "1"),
        ({"interactions": [http(request=rules(query="a=1"))]}, "1"),
        ({"interactions": []}, "1"),
        ({}, "1"),
        ({"interactions": [http()], "metadata": {"pactSpecification": {"version": "9.0"}}}, "1"),
        ({"interactions": [http()], "metadata": {"pact-specification": {"version": None}}}, "1"),
        # V2: matching rules keyed by `$.` paths.
        ({"interactions": [http(response={"matchingRules": {"$.body.id": {}}})]}, "2"),
        ({"interactions": [http(request=rules(matchingRules={"$.path": {}}))]}, "2"),
        ({"interactions": [http(request=rules(matchingRules={}))]}, "2"),
        # V3: provider states with parameters, generators, grouped rules, query maps, messages.
        ({"interactions": [http(providerStates=[{"name": "s"}])]}, "3"),
        ({"interactions": [http(request=rules(generators={"body": {}}))]}, "3"),
        ({"interactions": [http(response={"status": 200, "matchingRules": {"body": {}}})]}, "3"),
        ({"interactions": [http(request=rules(query={"a": ["1"]}))]}, "3"),
        ({"messages": [{"description": "an event", "contents": {}}]}, "3"),
        # V4: typed interactions, whatever else they hold.
        ({"interactions": [http(type="Synchronous/HTTP")]}, "4"),
        ({"interactions": [{"type": "Asynchronous/Messages", "description": "e"}]}, "4"),
    ],
)
def test_trust_13_a_pact_without_a_usable_version_is_read_by_its_shape(
    members: dict[str, object], major: str
) -> None:
    assert parse_pact(pact(**members)).specification == major


def test_interactions_and_messages_have_types_and_pointers() -> None:
    raw = pact(
        interactions=[http()],
        messages=[{"description": "a user was created", "contents": {"id": 1}}],
        metadata={"pactSpecification": {"version": "3.0.0"}},
    )
    first, second = parse_pact(raw).interactions
    assert (first.type, first.pointer) == ("Synchronous/HTTP", "/interactions/0")
    assert (second.type, second.pointer) == ("Asynchronous/Messages", "/messages/0")


def test_v4_interactions_carry_their_declared_types() -> None:
    raw = pact(
        interactions=[
            http(type="Synchronous/HTTP"),
            {"type": "Asynchronous/Messages", "description": "event", "contents": {}},
            {"type": "Synchronous/Messages", "description": "rpc", "request": {}, "response": []},
        ],
        metadata={"pactSpecification": {"version": "4.0"}},
    )
    types = [i.type for i in parse_pact(raw).interactions]
    assert types == ["Synchronous/HTTP", "Asynchronous/Messages", "Synchronous/Messages"]


def test_provider_states_are_read_from_old_and_new_spellings() -> None:
    raw = pact(
        interactions=[
            http("a", providerState="user 1 exists"),
            http("b", provider_state="user 2 exists"),
            http("c", providerStates=[{"name": "user exists", "params": {"id": 3}}, {"name": "x"}]),
        ]
    )
    a, b, c = (i.provider_states for i in parse_pact(raw).interactions)
    assert a == (ProviderState(name="user 1 exists"),)
    assert b == (ProviderState(name="user 2 exists"),)
    assert c == (ProviderState(name="user exists", params={"id": 3}), ProviderState(name="x"))


def test_the_key_is_the_v4_key_when_present_else_the_identity() -> None:
    raw = pact(interactions=[http("a", key="abc123"), http("b")])
    keyed, unkeyed = parse_pact(raw).interactions
    assert keyed.key == "abc123"
    assert unkeyed.key == unkeyed.identity


def test_the_identity_depends_on_description_and_states_not_on_content() -> None:
    one = parse_pact(pact(interactions=[http("a", providerState="s")])).interactions[0]
    changed = http("a", providerState="s", response={"status": 500})
    two = parse_pact(pact(interactions=[changed])).interactions[0]
    other_state = parse_pact(pact(interactions=[http("a", providerState="t")])).interactions[0]
    assert one.identity == two.identity
    assert one.identity != other_state.identity


def test_a_byte_order_mark_is_ignored() -> None:
    assert parse_pact(b"\xef\xbb\xbf" + pact(interactions=[])).consumer == "Web"


@pytest.mark.parametrize(
    ("raw", "pointer"),
    [
        (b"{not json", ""),
        (b'{"consumer": "\xff"}', ""),
        (b"[1, 2]", ""),
        (b"null", ""),
    ],
)
def test_what_is_not_a_json_object_is_refused(raw: bytes, pointer: str) -> None:
    assert [p.pointer for p in problems_of(raw)] == [pointer]


def test_every_unreadable_place_is_reported_at_once() -> None:
    raw = json.dumps(
        {
            "consumer": {"name": " "},
            "provider": "Users",
            "interactions": [
                "not an object",
                {"request": {}, "providerStates": [{"params": {}}]},
                {"description": "d", "type": "Synchronous/Carrier-Pigeon"},
            ],
        }
    ).encode()
    assert [p.pointer for p in problems_of(raw)] == [
        "/consumer/name",
        "/provider",
        "/interactions/0",
        "/interactions/1/description",
        "/interactions/1/providerStates/0/name",
        "/interactions/2/type",
    ]


def test_interactions_must_be_an_array() -> None:
    assert [p.pointer for p in problems_of(pact(interactions={}))] == ["/interactions"]


def test_json_pointers_escape_tilde_and_slash() -> None:
    assert json_pointer("matchingRules", "$.a/b", "~x", 0) == "/matchingRules/$.a~1b/~0x/0"


@pytest.mark.parametrize(
    ("value", "depth"),
    [
        (1, 0),
        ("[{]}", 0),  # brackets inside a string are text
        ({}, 1),
        ({"a": [1, {"b": []}], "c": {}}, 4),
        ([[[[]]], []], 4),
    ],
)
def test_json_depth_counts_nested_objects_and_arrays(value: JSONValue, depth: int) -> None:
    assert json_depth(value, 10) == depth


def test_json_depth_stops_one_level_past_its_limit() -> None:
    deep: JSONValue = []
    for _ in range(500):
        deep = [deep]
    assert json_depth(deep, 20) == 21


def test_a_pact_nested_past_the_bound_is_refused_and_one_at_the_bound_is_read() -> None:
    # The pact object, its interactions list, one interaction and its response: 4 levels.
    def nested(levels: int) -> JSONValue:
        body: JSONValue = 1
        for _ in range(levels):
            body = [body]
        return body

    inside = MAX_PACT_DEPTH - 4
    parse_pact(pact(interactions=[http(response={"status": 200, "body": nested(inside)})]))
    refused = problems_of(
        pact(interactions=[http(response={"status": 200, "body": nested(inside + 1)})])
    )
    assert [problem.detail for problem in refused] == [
        f"nests deeper than {MAX_PACT_DEPTH} levels of objects and arrays"
    ]

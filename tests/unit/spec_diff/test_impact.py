"""`impact`: a change names the consumers whose interactions use what changed, and no others."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.unit.spec_diff.specs import base, edited
from verifier.comparison import PactError
from verifier.spec_diff import breaking_for_consumers, diff_specs, impact

PET = ["components", "schemas", "Pet"]
NEW_PET = ["components", "schemas", "NewPet"]
LIST = ["paths", "/pets", "get"]


def pact(consumer: str, *interactions: dict[str, Any]) -> dict[str, Any]:
    return {
        "consumer": {"name": consumer},
        "provider": {"name": "pets"},
        "interactions": [
            {"description": f"{consumer} {n}", **interaction}
            for n, interaction in enumerate(interactions)
        ],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }


READER = pact(
    "reader",
    {
        "request": {"method": "GET", "path": "/pets/7"},
        "response": {"status": 200, "body": {"id": "7", "name": "Rex"}},
    },
)
LISTER = pact(
    "lister",
    {
        "request": {"method": "GET", "path": "/pets", "query": {"limit": ["5"]}},
        "response": {"status": 200, "body": [{"id": "7"}]},
    },
)
WRITER = pact(
    "writer",
    {
        "request": {"method": "POST", "path": "/pets", "body": {"name": "Rex"}},
        "response": {"status": 201},
    },
)
PACTS = [READER, LISTER, WRITER]


def consumers_of(
    *edits: tuple[list[Any], Any], pacts: list[Any] = PACTS
) -> dict[str, tuple[str, ...]]:
    changes = diff_specs(base(), edited(*edits))
    return {
        f"{hit.change.id} {hit.change.operation}": hit.consumers
        for hit in impact(base(), changes, pacts)
    }


def test_a_response_property_change_touches_those_who_read_it() -> None:
    assert consumers_of(([*PET, "properties", "name", "type"], "integer")) == {
        "response-property-type-changed GET /pets": (),
        "response-property-type-changed GET /pets/{id}": ("reader",),
    }


def test_a_parameter_change_touches_those_who_send_it() -> None:
    hits = consumers_of(
        ([*LIST, "parameters", 0, "schema", "maximum"], 10),
        ([*LIST, "parameters", 1, "schema", "enum"], ["cat"]),
    )
    assert hits == {
        "request-parameter-max-decreased GET /pets": ("lister",),
        "request-parameter-enum-value-removed GET /pets": (),
    }


def test_a_new_requirement_touches_those_who_leave_it_out() -> None:
    sends_tag = pact(
        "tagger",
        {
            "request": {"method": "POST", "path": "/pets", "body": {"name": "Rex", "tag": "x"}},
            "response": {"status": 201},
        },
    )
    hits = consumers_of(([*NEW_PET, "required"], ["name", "tag"]), pacts=[WRITER, sends_tag])
    assert hits == {"request-property-became-required POST /pets": ("writer",)}


def test_a_removed_operation_or_status_touches_its_callers() -> None:
    assert consumers_of((["paths", "/pets/{id}"], ...)) == {
        "api-path-removed-without-deprecation GET /pets/{id}": ("reader",)
    }
    assert consumers_of(([*LIST, "responses", "200"], ...)) == {
        "response-success-status-removed GET /pets": ("lister",)
    }


def test_only_breaking_changes_that_someone_uses_are_breaking_for_consumers() -> None:
    changes = diff_specs(
        base(),
        edited(
            ([*LIST, "parameters", 1, "schema", "enum"], ["cat"]),  # nobody sends kind
            ([*PET, "properties", "id", "type"], "integer"),  # reader and lister read id
            ([*PET, "properties", "age"], {"type": "integer"}),  # INFO
        ),
    )
    breaking = breaking_for_consumers(impact(base(), changes, [json.dumps(p) for p in PACTS]))
    assert {(hit.change.id, hit.change.operation, hit.consumers) for hit in breaking} == {
        ("response-property-type-changed", "GET /pets", ("lister",)),
        ("response-property-type-changed", "GET /pets/{id}", ("reader",)),
    }


def test_a_pact_that_is_not_json_is_refused() -> None:
    with pytest.raises(PactError, match="cannot be read"):
        impact(base(), [], ["{not json"])


def test_a_shared_schema_is_reported_once_and_matched_on_every_path() -> None:
    """`Pet` reached as `owner` and as `best_friend`: one change, either path touches."""
    address = {"$ref": "#/components/schemas/NewPet"}
    both = (
        ([*PET, "properties", "owner"], address),
        ([*PET, "properties", "best_friend"], address),
    )
    retyped = (*both, (["components", "schemas", "NewPet", "properties", "tag", "type"], "integer"))
    friend_reader = pact(
        "friend-reader",
        {
            "request": {"method": "GET", "path": "/pets/7"},
            "response": {"status": 200, "body": {"id": "7", "best_friend": {"tag": "x"}}},
        },
    )
    changes = [
        c for c in diff_specs(edited(*both), edited(*retyped)) if c.operation == "GET /pets/{id}"
    ]
    (change,) = changes
    assert (change.id, change.target.field, change.target.also) == (
        "response-property-type-changed",
        ("owner", "tag"),
        (("best_friend", "tag"),),
    )
    (hit,) = impact(edited(*both), changes, [friend_reader, READER])
    assert hit.consumers == ("friend-reader",)


def test_each_consumer_is_given_the_interactions_that_touch_a_change() -> None:
    """Only the interactions using the changed part are named, under their consumer."""
    lister = pact(
        "lister",
        {
            "request": {"method": "GET", "path": "/pets", "query": {"limit": ["5"]}},
            "response": {"status": 200, "body": [{"id": "7"}]},
        },
        {"request": {"method": "GET", "path": "/pets"}, "response": {"status": 200}},
    )
    changes = diff_specs(base(), edited(([*LIST, "parameters", 0, "schema", "maximum"], 10)))
    (hit,) = impact(base(), changes, [lister, READER])
    assert hit.consumers == ("lister",)
    assert dict(hit.interactions) == {"lister": ("lister 0",)}


def test_a_change_nobody_touches_names_no_interactions() -> None:
    changes = diff_specs(base(), edited(([*LIST, "parameters", 1, "schema", "enum"], ["cat"])))
    (hit,) = impact(base(), changes, PACTS)
    assert (hit.consumers, dict(hit.interactions)) == ((), {})


def test_an_interaction_without_a_description_is_named_by_its_position() -> None:
    nameless = {
        "consumer": {"name": "nameless"},
        "provider": {"name": "pets"},
        "interactions": [
            {"request": {"method": "GET", "path": "/pets/7"}, "response": {"status": 404}},
            {
                "request": {"method": "GET", "path": "/pets/7"},
                "response": {"status": 200, "body": {"id": "7", "name": "Rex"}},
            },
        ],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }
    changes = diff_specs(base(), edited(([*PET, "properties", "name", "type"], "integer")))
    touched = {
        hit.change.operation: dict(hit.interactions) for hit in impact(base(), changes, [nameless])
    }
    assert touched["GET /pets/{id}"] == {"nameless": ("interaction 2",)}

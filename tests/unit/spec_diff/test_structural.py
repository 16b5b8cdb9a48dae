"""Structural changes reported as the one change they are (`verifier.spec_diff.structure`).

Each case is a base schema and its revision, put at a request body or a response body, at the
root or under a property, with exactly the ids and levels `diff_specs` must report: a schema
wrapped into or unwrapped from `oneOf`/`anyOf`, properties moved into an `allOf`, a `$ref`
replaced by the same schema inline, and their tightened and loosened variants.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from verifier.spec_diff import OWN_IDS, diff_specs
from verifier.spec_diff.equivalence import equivalent, flatten

INTEGER, STRING = {"type": "integer"}, {"type": "string"}
PET: dict[str, Any] = {
    "type": "object",
    "required": ["id"],
    "properties": {"id": INTEGER, "name": STRING},
}
CAT: dict[str, Any] = {
    "type": "object",
    "required": ["meow"],
    "properties": {"meow": {"type": "boolean"}},
}
SCHEMAS = {"Pet": PET, "Cat": CAT}
REF_PET, REF_CAT = {"$ref": "#/components/schemas/Pet"}, {"$ref": "#/components/schemas/Cat"}
NULL = {"type": "null"}


def document(
    schema: Any, direction: str, *, schemas: dict[str, Any] | None = None, version: str = "3.0.3"
) -> bytes:
    """A spec whose `POST /pets` sends `schema` (request) or answers with it (response)."""
    media = {"application/json": {"schema": schema}}
    operation: dict[str, Any] = {"responses": {"200": {"description": "ok"}}}
    if direction == "request":
        operation["requestBody"] = {"content": media}
    else:
        operation["responses"]["200"]["content"] = media
    return json.dumps(
        {
            "openapi": version,
            "info": {"title": "pets", "version": "1"},
            "paths": {"/pets": {"post": operation}},
            "components": {"schemas": SCHEMAS if schemas is None else schemas},
        }
    ).encode()


def at(schema: Any, part: str) -> Any:
    """`schema` as the body (`body`) or as the body's `pet` property (`property`)."""
    return schema if part == "body" else {"type": "object", "properties": {"pet": schema}}


def reported(base: Any, revision: Any, direction: str, **kw: Any) -> list[tuple[str, str]]:
    changes = diff_specs(document(base, direction, **kw), document(revision, direction, **kw))
    return sorted((c.id, c.level.value) for c in changes)


DIRECTIONS = ["request", "response"]
PARTS = ["body", "property"]


def _id(template: str, direction: str, part: str) -> str:
    return template.format(side=direction, part=part)


# (name, base, revision, {direction: [(id template, level)]}); `{part}` is body or property
CASES: list[tuple[str, Any, Any, dict[str, list[tuple[str, str]]]]] = [
    (
        "wrapped in a oneOf",
        REF_PET,
        {"oneOf": [REF_PET, REF_CAT]},
        {
            "request": [("request-{part}-wrapped-in-one-of", "ERR")],
            "response": [("response-{part}-wrapped-in-one-of", "ERR")],
        },
    ),
    (
        "wrapped in a oneOf of inline alternatives",
        PET,
        {"oneOf": [PET, CAT], "discriminator": {"propertyName": "kind"}},
        {
            "request": [
                ("request-{part}-discriminator-added", "INFO"),
                ("request-{part}-wrapped-in-one-of", "ERR"),
            ],
            "response": [
                ("response-{part}-discriminator-added", "INFO"),
                ("response-{part}-wrapped-in-one-of", "ERR"),
            ],
        },
    ),
    (
        "unwrapped from a oneOf",
        {"oneOf": [REF_PET, REF_CAT]},
        REF_PET,
        {
            "request": [("request-{part}-one-of-removed", "ERR")],
            "response": [("response-{part}-one-of-removed", "INFO")],
        },
    ),
    (
        "wrapped in an anyOf",
        REF_PET,
        {"anyOf": [REF_CAT, REF_PET]},
        {
            "request": [("request-{part}-any-of-added", "INFO")],
            "response": [("response-{part}-wrapped-in-any-of", "ERR")],
        },
    ),
    (
        "unwrapped from an anyOf",
        {"anyOf": [REF_PET, REF_CAT]},
        PET,
        {
            "request": [("request-{part}-any-of-removed", "ERR")],
            "response": [("response-{part}-any-of-removed", "INFO")],
        },
    ),
    (
        "wrapped in a oneOf of one alternative",
        REF_PET,
        {"oneOf": [REF_PET]},
        {"request": [], "response": []},
    ),
    (
        "unwrapped from a oneOf of one alternative",
        {"oneOf": [PET]},
        REF_PET,
        {"request": [], "response": []},
    ),
    (
        "wrapped in a oneOf, the alternative requiring more (tightened)",
        REF_PET,
        {"oneOf": [{**PET, "required": ["id", "name"]}, REF_CAT]},
        {
            "request": [
                ("request-property-became-required", "ERR"),
                ("request-{part}-wrapped-in-one-of", "ERR"),
            ],
            "response": [
                ("response-property-became-required", "INFO"),
                ("response-{part}-wrapped-in-one-of", "ERR"),
            ],
        },
    ),
    (
        "wrapped in an anyOf, the alternative requiring more (a sender breaks)",
        REF_PET,
        {"anyOf": [{**PET, "required": ["id", "name"]}, REF_CAT]},
        {
            "request": [
                ("request-property-became-required", "ERR"),
                ("request-{part}-any-of-added", "INFO"),
            ],
            "response": [
                ("response-property-became-required", "INFO"),
                ("response-{part}-wrapped-in-any-of", "ERR"),
            ],
        },
    ),
    (
        "wrapped in an anyOf, the alternative requiring less (loosened)",
        REF_PET,
        {"anyOf": [{**PET, "required": []}, REF_CAT]},
        {
            "request": [
                ("request-property-became-optional", "INFO"),
                ("request-{part}-any-of-added", "INFO"),
            ],
            "response": [
                ("response-property-became-optional", "ERR"),
                ("response-{part}-wrapped-in-any-of", "ERR"),
            ],
        },
    ),
    (
        "unwrapped from a oneOf into a schema with a new required property (tightened)",
        {"oneOf": [REF_PET, REF_CAT]},
        {**PET, "required": ["id"], "properties": {**PET["properties"], "age": INTEGER}}
        | {"required": ["id", "age"]},
        {
            "request": [
                ("new-required-request-property", "ERR"),
                ("request-{part}-one-of-removed", "ERR"),
            ],
            "response": [
                ("response-required-property-added", "INFO"),
                ("response-{part}-one-of-removed", "INFO"),
            ],
        },
    ),
    (
        "unwrapped from an anyOf into a schema requiring less (loosened)",
        {"anyOf": [REF_PET, REF_CAT]},
        {**PET, "required": []},
        {
            "request": [
                ("request-property-became-optional", "INFO"),
                ("request-{part}-any-of-removed", "ERR"),
            ],
            "response": [
                ("response-property-became-optional", "ERR"),
                ("response-{part}-any-of-removed", "INFO"),
            ],
        },
    ),
    (
        "properties moved into allOf members",
        REF_PET,
        {
            "allOf": [
                {"type": "object", "required": ["id"], "properties": {"id": INTEGER}},
                {"properties": {"name": STRING}},
            ]
        },
        {"request": [], "response": []},
    ),
    (
        "one property moved into an allOf member beside the rest",
        REF_PET,
        {
            "type": "object",
            "required": ["id"],
            "properties": {"id": INTEGER},
            "allOf": [{"properties": {"name": STRING}}],
        },
        {"request": [], "response": []},
    ),
    (
        "properties moved out of allOf members",
        {"allOf": [{"$ref": "#/components/schemas/Cat"}, {"properties": {"name": STRING}}]},
        {
            "type": "object",
            "required": ["meow"],
            "properties": {"meow": {"type": "boolean"}, "name": STRING},
        },
        {"request": [], "response": []},
    ),
    (
        "moved into allOf members, one of them requiring more (tightened)",
        REF_PET,
        {
            "allOf": [
                {"type": "object", "required": ["id"], "properties": {"id": INTEGER}},
                {"required": ["name"], "properties": {"name": STRING}},
            ]
        },
        {
            "request": [("request-property-became-required", "ERR")],
            "response": [("response-property-became-required", "INFO")],
        },
    ),
    (
        "moved into allOf members, none requiring the id (loosened)",
        REF_PET,
        {
            "allOf": [
                {"type": "object", "properties": {"id": INTEGER}},
                {"properties": {"name": STRING}},
            ]
        },
        {
            "request": [("request-property-became-optional", "INFO")],
            "response": [("response-property-became-optional", "ERR")],
        },
    ),
    (
        "a $ref replaced by the same schema inline",
        REF_PET,
        PET,
        {"request": [], "response": []},
    ),
    (
        "the same schema inline replaced by a $ref",
        PET,
        REF_PET,
        {"request": [], "response": []},
    ),
    (
        "a oneOf member's $ref replaced by the same schema inline",
        {"oneOf": [REF_PET, REF_CAT]},
        {"oneOf": [PET, REF_CAT]},
        {"request": [], "response": []},
    ),
    (
        "an anyOf member inlined beside one that is new",
        {"anyOf": [REF_PET]},
        {"anyOf": [PET, {"type": "string"}]},
        {
            "request": [("request-{part}-any-of-added", "INFO")],
            "response": [("response-{part}-any-of-added", "INFO")],
        },
    ),
]


@pytest.mark.parametrize("part", PARTS)
@pytest.mark.parametrize("direction", DIRECTIONS)
@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
def test_a_structural_change_is_reported_as_one_change(
    case: tuple[str, Any, Any, dict[str, list[tuple[str, str]]]], direction: str, part: str
) -> None:
    name, base, revision, expected = case
    want = sorted(
        (_id(template, direction, part), level) for template, level in expected[direction]
    )
    assert reported(at(base, part), at(revision, part), direction) == want, name


@pytest.mark.parametrize("direction", DIRECTIONS)
def test_a_wrapping_that_takes_values_away_from_senders_still_breaks(direction: str) -> None:
    """`Pet` wrapped in an anyOf whose Pet alternative requires a new property: the wrapping
    only widens, but the alternative narrows, and a sender of the old Pet is refused."""
    narrowed = {
        **PET,
        "required": ["id", "age"],
        "properties": {**PET["properties"], "age": INTEGER},
    }
    got = reported(REF_PET, {"anyOf": [narrowed, REF_CAT]}, direction)
    if direction == "request":
        assert got == [
            ("new-required-request-property", "ERR"),
            ("request-body-any-of-added", "INFO"),
        ]
    else:
        assert got == [
            ("response-body-wrapped-in-any-of", "ERR"),
            ("response-required-property-added", "INFO"),
        ]
    assert any(level == "ERR" for _, level in got)


@pytest.mark.parametrize("direction", DIRECTIONS)
def test_object_alternatives_sharing_nothing_with_the_base_are_still_one_wrapping(
    direction: str,
) -> None:
    """A oneOf of objects none of which has the base's properties: a value the base accepted
    may match no alternative, one breaking change either way."""
    dog = {"type": "object", "properties": {"bark": STRING}}
    got = reported(REF_PET, {"oneOf": [REF_CAT, dog]}, direction)
    assert got == [(f"{direction}-body-wrapped-in-one-of", "ERR")]


def test_an_anyof_sharing_nothing_with_the_base_is_compared_keyword_by_keyword() -> None:
    """No alternative to compare the base with: its properties are removed, as before."""
    dog = {"type": "object", "properties": {"bark": STRING}}
    got = reported(REF_PET, {"anyOf": [REF_CAT, dog]}, "response")
    assert ("response-required-property-removed", "ERR") in got
    assert not [i for i, _ in got if "wrapped" in i]


@pytest.mark.parametrize("part", PARTS)
@pytest.mark.parametrize(
    ("direction", "wrapped", "unwrapped"),
    [("request", "INFO", "ERR"), ("response", "ERR", "INFO")],
)
def test_a_null_alternative_beside_the_schema_is_a_nullability_change(
    direction: str, wrapped: str, unwrapped: str, part: str
) -> None:
    """OpenAPI 3.1's idiom for a nullable `$ref`: `oneOf: [Pet, {type: null}]`."""
    for key in ("oneOf", "anyOf"):
        nullable = at({key: [REF_PET, NULL]}, part)
        pet = at(REF_PET, part)
        assert reported(pet, nullable, direction, version="3.1.0") == [
            (f"{direction}-{part}-became-nullable", wrapped)
        ]
        assert reported(nullable, pet, direction, version="3.1.0") == [
            (f"{direction}-{part}-became-not-nullable", unwrapped)
        ]


def test_a_null_alternative_beside_a_schema_already_nullable_is_no_nullability_change() -> None:
    nullable_pet = {**PET, "type": ["object", "null"]}
    got = reported(nullable_pet, {"oneOf": [nullable_pet, NULL]}, "request", version="3.1.0")
    assert ("request-body-became-nullable", "INFO") not in got
    assert ("request-body-wrapped-in-one-of", "ERR") in got


def test_a_wrapper_that_constrains_more_than_its_alternatives_is_compared_keyword_by_keyword() -> (
    None
):
    """`minProperties` beside the oneOf is a constraint of its own: no wrapping recognised."""
    got = reported(REF_PET, {"oneOf": [REF_PET, REF_CAT], "minProperties": 2}, "response")
    assert not [i for i, _ in got if "wrapped" in i]


def test_a_union_of_many_alternatives_is_compared_keyword_by_keyword() -> None:
    """More than 64 alternatives is a generated union: no alternative is searched for."""
    many = [{"type": "object", "properties": {f"p{i}": STRING}} for i in range(65)]
    got = reported(REF_PET, {"oneOf": [REF_PET, *many]}, "response")
    assert ("response-required-property-removed", "ERR") in got
    assert not [i for i, _ in got if "wrapped" in i]


def test_members_added_to_an_existing_allof_keep_oasdiffs_ids() -> None:
    base = {"allOf": [REF_PET]}
    revision = {"allOf": [REF_PET, {"properties": {"age": INTEGER}}]}
    assert reported(base, revision, "request") == [("request-body-all-of-added", "ERR")]


@pytest.mark.parametrize("direction", DIRECTIONS)
def test_inlining_a_component_that_is_deleted_reports_only_the_deletion(direction: str) -> None:
    schemas = {"Pet": PET, "Cat": CAT}
    got = diff_specs(
        document(REF_PET, direction, schemas=schemas),
        document(PET, direction, schemas={"Cat": CAT}),
    )
    assert [(c.id, c.level.value) for c in got] == [("api-schema-removed", "INFO")]


@pytest.mark.parametrize("direction", DIRECTIONS)
def test_nested_references_inlined_renamed_or_under_items_are_no_change(direction: str) -> None:
    owner = {"type": "object", "required": ["email"], "properties": {"email": STRING}}
    pet = {
        "type": "object",
        "properties": {"id": INTEGER, "owner": {"$ref": "#/components/schemas/Owner"}},
    }
    schemas = {"Pet": pet, "Owner": owner, "Animal": pet, "Person": owner}
    inline = {"type": "object", "properties": {"id": INTEGER, "owner": owner}}
    renamed = {
        "type": "object",
        "properties": {"id": INTEGER, "owner": {"$ref": "#/components/schemas/Person"}},
    }
    for base, revision in [
        (REF_PET, inline),
        (REF_PET, {"$ref": "#/components/schemas/Animal"}),
        (REF_PET, renamed),
        ({"type": "array", "items": REF_PET}, {"type": "array", "items": inline}),
        ({"oneOf": [REF_PET, REF_CAT]}, {"oneOf": [inline, {"$ref": "#/components/schemas/Cat"}]}),
    ]:
        with_cat = {**schemas, "Cat": CAT}
        assert reported(base, revision, direction, schemas=with_cat) == [], (base, revision)
    # a real difference inside the inlined copy is still found, where it is
    tightened = {
        "type": "object",
        "properties": {"id": INTEGER, "owner": {**owner, "required": []}},
    }
    got = reported(REF_PET, tightened, direction, schemas=schemas)
    assert got == [
        (f"{direction}-property-became-optional", "INFO" if direction == "request" else "ERR")
    ]


@pytest.mark.parametrize("direction", DIRECTIONS)
def test_a_31_defs_reference_inlined_is_no_change(direction: str) -> None:
    """A component with its own `$id` and `$defs`, its `#/$defs/…` reference inlined."""
    tag = {"type": "string", "maxLength": 10}
    pet = {
        "$id": "https://example.com/pet",
        "type": "object",
        "properties": {"tag": {"$ref": "#/$defs/Tag"}},
        "$defs": {"Tag": tag},
    }
    schemas = {"Pet": pet}
    inline = {"type": "object", "properties": {"tag": tag}}
    assert reported(REF_PET, inline, direction, schemas=schemas, version="3.1.0") == []
    longer = {"type": "object", "properties": {"tag": {**tag, "maxLength": 20}}}
    got = reported(REF_PET, longer, direction, schemas=schemas, version="3.1.0")
    level = "INFO" if direction == "request" else "ERR"
    assert got == [(f"{direction}-property-max-length-increased", level)]


def test_the_new_ids_are_listed_as_accords_own() -> None:
    for change_id in (
        "request-property-wrapped-in-one-of",
        "response-property-wrapped-in-one-of",
        "response-body-wrapped-in-any-of",
        "response-property-wrapped-in-any-of",
    ):
        assert change_id in OWN_IDS


def test_flatten_refuses_merges_that_would_change_the_accepted_values() -> None:
    documents: tuple[Any, Any] = ({}, {})
    closed = {
        "allOf": [
            {"properties": {"a": STRING}, "additionalProperties": False},
            {"properties": {"b": STRING}},
        ]
    }
    assert flatten(closed, {}) is None
    assert flatten({"allOf": [{"type": "string"}, {"type": "integer"}]}, {}) is None
    assert (
        flatten({"allOf": [{"properties": {"a": STRING}}, {"properties": {"a": INTEGER}}]}, {})
        is None
    )
    assert flatten({"nullable": False, "allOf": [{"type": "string"}]}, {}) == {"type": "string"}
    merged = flatten({"allOf": [{"required": ["a"]}, {"required": ["b"], "title": "t"}]}, {})
    assert merged == {"required": ["a", "b"], "title": "t"}
    assert equivalent({"type": "string", "description": "x"}, {"type": "string"}, documents)
    assert not equivalent({"type": "string"}, {"type": "string", "deprecated": True}, documents)
    recursive = {
        "components": {
            "schemas": {
                "Node": {
                    "type": "object",
                    "properties": {"next": {"$ref": "#/components/schemas/Node"}},
                }
            }
        }
    }
    node = {"$ref": "#/components/schemas/Node"}
    assert equivalent(node, node, (recursive, recursive))

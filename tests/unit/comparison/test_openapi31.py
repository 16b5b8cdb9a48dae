"""OpenAPI 3.1 (JSON Schema 2020-12) keywords in `compare`: a pact whose response body, or
request body, violates one is an error; one that satisfies it passes. And the references 3.1
adds (`$defs`, `$anchor`, `$id`, `$dynamicRef`) are followed, not skipped."""

from __future__ import annotations

from typing import Any

import pytest

from verifier.comparison import Spec, SpecError, compare

STRING = {"type": "string"}
CONTAINS = {"type": "array", "items": STRING, "contains": {"const": "a"}}
AB = {"type": "object", "properties": {"a": STRING, "b": STRING}}
CONDITIONAL = {
    "type": "object",
    "properties": {"kind": STRING, "n": {"type": "integer"}},
    "if": {"properties": {"kind": {"const": "big"}}, "required": ["kind"]},
    "then": {"properties": {"n": {"minimum": 10}}},
    "else": {"properties": {"n": {"maximum": 5}}},
}

# keyword, schema, a body it accepts, a body it refuses
KEYWORDS: list[tuple[str, Any, Any, Any]] = [
    ("contains", CONTAINS, ["b", "a"], ["b"]),
    ("minContains", {**CONTAINS, "minContains": 2}, ["a", "a"], ["a", "b"]),
    ("maxContains", {**CONTAINS, "maxContains": 1}, ["a", "b"], ["a", "a"]),
    (
        "dependentRequired",
        {**AB, "dependentRequired": {"a": ["b"]}},
        {"a": "x", "b": "y"},
        {"a": "x"},
    ),
    (
        "dependentSchemas",
        {**AB, "dependentSchemas": {"a": {"properties": {"b": {"maxLength": 1}}}}},
        {"a": "x", "b": "y"},
        {"a": "x", "b": "yy"},
    ),
    (
        "unevaluatedProperties",
        {"properties": {"a": STRING}, "unevaluatedProperties": False},
        {"a": "x"},
        {"a": "x", "z": 1},
    ),
    (
        "unevaluatedItems",
        {"type": "array", "prefixItems": [STRING], "unevaluatedItems": False},
        ["a"],
        ["a", 1],
    ),
    (
        "prefixItems",
        {"type": "array", "prefixItems": [STRING, {"type": "integer"}]},
        ["a", 1],
        [1, "a"],
    ),
    (
        "items after prefixItems",
        {"type": "array", "prefixItems": [STRING], "items": {"type": "integer"}},
        ["a", 1, 2],
        ["a", "b"],
    ),
    ("const", {"type": "object", "properties": {"k": {"const": "a"}}}, {"k": "a"}, {"k": "b"}),
    (
        "type array",
        {"type": "object", "properties": {"k": {"type": ["string", "null"]}}},
        {"k": None},
        {"k": 1},
    ),
    ("if/then", CONDITIONAL, {"kind": "big", "n": 20}, {"kind": "big", "n": 1}),
    ("if/else", CONDITIONAL, {"kind": "small", "n": 1}, {"kind": "small", "n": 7}),
]


def spec(schema: Any, **schemas: Any) -> Spec:
    content = {"application/json": {"schema": schema}}
    return Spec(
        {
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "paths": {
                "/x": {
                    "get": {"responses": {"200": {"description": "x", "content": content}}},
                    "post": {
                        "requestBody": {"content": content},
                        "responses": {"204": {"description": "done"}},
                    },
                }
            },
            "components": {"schemas": schemas},
        }
    )


def codes(the_spec: Spec, interaction: dict[str, Any]) -> list[str]:
    pact = {"interactions": [interaction], "metadata": {"pactSpecification": {"version": "3.0.0"}}}
    return [f"{finding.code}:{finding.type}" for finding in compare(the_spec, pact)]


def responding(body: Any) -> dict[str, Any]:
    return {
        "description": "get x",
        "request": {"method": "GET", "path": "/x"},
        "response": {"status": 200, "headers": {"Content-Type": "application/json"}, "body": body},
    }


def sending(body: Any) -> dict[str, Any]:
    return {
        "description": "post x",
        "request": {
            "method": "POST",
            "path": "/x",
            "headers": {"Content-Type": "application/json"},
            "body": body,
        },
        "response": {"status": 204},
    }


@pytest.mark.parametrize(
    ("schema", "good", "bad"), [case[1:] for case in KEYWORDS], ids=[case[0] for case in KEYWORDS]
)
def test_a_response_that_violates_the_keyword_is_an_error(schema: Any, good: Any, bad: Any) -> None:
    the_spec = spec(schema)
    assert codes(the_spec, responding(good)) == []
    found = codes(the_spec, responding(bad))
    assert found
    assert set(found) == {"response.body.incompatible:error"}


@pytest.mark.parametrize(
    ("schema", "good", "bad"), [case[1:] for case in KEYWORDS], ids=[case[0] for case in KEYWORDS]
)
def test_a_request_that_violates_the_keyword_is_an_error(schema: Any, good: Any, bad: Any) -> None:
    the_spec = spec(schema)
    assert codes(the_spec, sending(good)) == []
    found = codes(the_spec, sending(bad))
    assert found
    assert set(found) == {"request.body.incompatible:error"}


def _thing() -> dict[str, Any]:
    return {
        "type": "object",
        "$defs": {
            "Name": {"$anchor": "name", "type": "string", "maxLength": 3},
            "Code": {"$dynamicAnchor": "code", "type": "string", "pattern": "^[A-Z]+$"},
        },
        "properties": {
            "byPointer": {"$ref": "#/components/schemas/Thing/$defs/Name"},
            "byAnchor": {"$ref": "#name"},
            "byDynamic": {"$dynamicRef": "#code"},
            "byId": {"$ref": "https://example.com/schemas/tag"},
        },
    }


TAG = {"$id": "https://example.com/schemas/tag", "type": "integer"}


@pytest.mark.parametrize("field", ["byPointer", "byAnchor", "byDynamic", "byId"])
def test_defs_anchors_ids_and_dynamic_references_are_followed(field: str) -> None:
    the_spec = spec({"$ref": "#/components/schemas/Thing"}, Thing=_thing(), Tag=TAG)
    good = {"byPointer": "abc", "byAnchor": "abc", "byDynamic": "ABC", "byId": 1}
    assert codes(the_spec, responding(good)) == []
    assert codes(the_spec, sending(good)) == []
    bad = {
        **good,
        field: {"byPointer": "abcd", "byAnchor": "abcd", "byDynamic": "abc", "byId": "1"}[field],
    }
    response = compare(the_spec, {"interactions": [responding(bad)]})
    assert [finding.mock_details.location for finding in response] == [
        f"[root].interactions[0].response.body.{field}"
    ]
    assert codes(the_spec, sending(bad)) == ["request.body.incompatible:error"]


def test_a_recursive_dynamic_reference_validates_every_level() -> None:
    tree = {
        "$dynamicAnchor": "node",
        "type": "object",
        "properties": {
            "name": STRING,
            "kids": {"type": "array", "items": {"$dynamicRef": "#node"}},
        },
    }
    the_spec = spec({"$ref": "#/components/schemas/Tree"}, Tree=tree)
    body: Any = {"name": "leaf"}
    for depth in range(30):
        body = {"name": f"n{depth}", "kids": [body]}
    assert codes(the_spec, responding(body)) == []
    wrong: Any = {"name": 1}
    for depth in range(30):
        wrong = {"name": f"n{depth}", "kids": [wrong]}
    found = compare(the_spec, {"interactions": [responding(wrong)]})
    assert [finding.mock_details.location for finding in found] == [
        "[root].interactions[0].response.body" + ".kids.0" * 30 + ".name"
    ]


@pytest.mark.parametrize("ref", ["#self", "#/components/schemas/Loop"])
def test_a_reference_to_itself_is_a_clear_error_not_a_crash(ref: str) -> None:
    loop = {"$anchor": "self", "$ref": ref}
    the_spec = spec({"type": "object", "properties": {"l": {"$ref": ref}}}, Loop=loop)
    with pytest.raises(SpecError, match="only refers to itself"):
        codes(the_spec, responding({"l": 1}))


def test_nested_any_of_under_unevaluated_properties_is_refused_not_run_for_ever() -> None:
    """Each level re-checks every branch of the levels below: 2^n work from n small schemas."""
    schemas: dict[str, Any] = {"S0": {"type": "object"}}
    for level in range(1, 11):
        below = {"$ref": f"#/components/schemas/S{level - 1}"}
        schemas[f"S{level}"] = {
            "anyOf": [below, {"properties": {"a": below}}],
            "unevaluatedProperties": False,
        }
    the_spec = spec({"$ref": "#/components/schemas/S10"}, **schemas)
    with pytest.raises(SpecError, match="too much work"):
        codes(the_spec, sending({"a": {"a": {"a": {}}}, "z": 1}))


def test_a_large_value_gets_work_in_proportion_to_its_size() -> None:
    item = {"type": "object", "properties": {"a": STRING}, "unevaluatedProperties": False}
    the_spec = spec({"type": "array", "items": item})
    assert codes(the_spec, sending([{"a": "x"}] * 20_000)) == []
    assert codes(the_spec, sending([{"a": "x"}] * 19_999 + [{"b": "y"}])) == [
        "request.body.incompatible:error"
    ]


def test_defs_of_a_schema_with_an_id_are_found_from_inside_it() -> None:
    tag = {
        "$id": "https://example.com/schemas/tag",
        "type": "object",
        "$defs": {"Label": {"type": "string", "maxLength": 3}},
        "properties": {"label": {"$ref": "#/$defs/Label"}},
    }
    the_spec = spec({"$ref": "tag"}, Tag=tag)
    assert codes(the_spec, responding({"label": "abc"})) == []
    assert codes(the_spec, sending({"label": "abc"})) == []
    found = compare(the_spec, {"interactions": [responding({"label": "abcd"})]})
    assert [f.mock_details.location for f in found] == [
        "[root].interactions[0].response.body.label"
    ]
    assert codes(the_spec, sending({"label": "abcd"})) == ["request.body.incompatible:error"]


def test_objects_in_a_tuple_are_closed_in_responses_as_items_are() -> None:
    point = {"type": "object", "properties": {"x": {"type": "integer"}}}
    the_spec = spec({"type": "array", "prefixItems": [point], "items": point})
    assert codes(the_spec, responding([{"x": 1}, {"x": 2}])) == []
    found = compare(the_spec, {"interactions": [responding([{"x": 1, "y": 2}, {"x": 2, "y": 3}])]})
    assert [
        (f.mock_details.location, f.spec_details.location.rsplit(".", 2)[-2:]) for f in found
    ] == [
        ("[root].interactions[0].response.body.0", ["0", "additionalProperties"]),
        ("[root].interactions[0].response.body.1", ["items", "additionalProperties"]),
    ]
    assert codes(the_spec, sending([{"x": 1, "y": 2}])) == []  # a request may send more


def test_parameters_are_checked_against_the_3_1_keywords_too() -> None:
    the_spec = Spec(
        {
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "paths": {
                "/n": {
                    "get": {
                        "parameters": [
                            {
                                "name": "n",
                                "in": "query",
                                "schema": {"type": ["integer", "null"], "const": 3},
                            },
                            {
                                "name": "ids",
                                "in": "query",
                                "explode": False,
                                "schema": {
                                    "type": "array",
                                    "contains": {"const": "a"},
                                    "maxContains": 1,
                                },
                            },
                        ],
                        "responses": {"200": {"description": "ok"}},
                    }
                }
            },
        }
    )

    def asking(query: str) -> dict[str, Any]:
        return {
            "description": query,
            "request": {"method": "GET", "path": "/n", "query": query},
            "response": {"status": 200},
        }

    assert codes(the_spec, asking("n=3&ids=a,b")) == []
    assert codes(the_spec, asking("n=4&ids=a,b")) == ["request.query.incompatible:error"]
    # as Ajv reports `contains`: why each item missed, then the count
    assert codes(the_spec, asking("n=3&ids=b,c")) == ["request.query.incompatible:error"] * 3
    assert codes(the_spec, asking("n=3&ids=a,a")) == ["request.query.incompatible:error"]

"""OpenAPI 3.1 (JSON Schema 2020-12) keywords in `diff_specs`: each tightened and loosened, in a
request body and a response body, with oasdiff's ids and the levels of `rules.json`; and the
references 3.1 adds (`$defs`, `$anchor`, `$id`, `$dynamicRef`) followed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from verifier.comparison import SpecError
from verifier.spec_diff import Change, diff_specs
from verifier.spec_diff.rules import OWN_IDS

RULES = Path(__file__).parents[3].parent / "shared" / "corpora" / "oasdiff" / "rules.json"
STRING = {"type": "string"}


def document(request: Any, response: Any, **schemas: Any) -> bytes:
    """A 3.1 spec whose `POST /things` sends `request` and answers `response`."""
    return json.dumps(
        {
            "openapi": "3.1.0",
            "info": {"title": "things", "version": "1"},
            "paths": {
                "/things": {
                    "post": {
                        "requestBody": {"content": {"application/json": {"schema": request}}},
                        "responses": {
                            "200": {
                                "description": "the thing",
                                "content": {"application/json": {"schema": response}},
                            }
                        },
                    }
                }
            },
            "components": {"schemas": schemas},
        }
    ).encode()


def ids(changes: list[Change]) -> set[tuple[str, str]]:
    return {(change.id, change.level.value) for change in changes}


ARRAY = {"type": "array", "items": STRING}
CONTAINS = {**ARRAY, "contains": {"const": "a"}}
OBJECT = {"type": "object", "properties": {"a": STRING, "b": STRING}}

# keyword, the looser schema, the tighter schema, the id part when tightened, when loosened,
# and whether tightening is "added" for the request and response levels of rules.json.
KEYWORDS: list[tuple[str, Any, Any, str, str]] = [
    ("contains", ARRAY, CONTAINS, "contains-added", "contains-removed"),
    (
        "minContains",
        CONTAINS,
        {**CONTAINS, "minContains": 2},
        "min-contains-increased",
        "min-contains-decreased",
    ),
    (
        "maxContains",
        {**CONTAINS, "maxContains": 3},
        {**CONTAINS, "maxContains": 1},
        "max-contains-decreased",
        "max-contains-increased",
    ),
    (
        "dependentRequired",
        OBJECT,
        {**OBJECT, "dependentRequired": {"a": ["b"]}},
        "dependent-required-added",
        "dependent-required-removed",
    ),
    (
        "dependentSchemas",
        OBJECT,
        {**OBJECT, "dependentSchemas": {"a": {"required": ["b"]}}},
        "dependent-schema-added",
        "dependent-schema-removed",
    ),
    (
        "unevaluatedProperties",
        OBJECT,
        {**OBJECT, "unevaluatedProperties": False},
        "unevaluated-properties-added",
        "unevaluated-properties-removed",
    ),
    (
        "unevaluatedItems",
        {"type": "array", "prefixItems": [STRING]},
        {"type": "array", "prefixItems": [STRING], "unevaluatedItems": False},
        "unevaluated-items-added",
        "unevaluated-items-removed",
    ),
    (
        "prefixItems",
        {"type": "array", "prefixItems": [STRING, STRING]},
        {"type": "array", "prefixItems": [STRING]},
        "prefix-items-removed",
        "prefix-items-added",
    ),
    ("const", STRING, {**STRING, "const": "a"}, "const-added", "const-removed"),
    (
        "type array",
        {"type": ["string", "integer"]},
        {"type": ["string"]},
        "list-of-types-narrowed",
        "list-of-types-widened",
    ),
    (
        "if",
        OBJECT,
        {**OBJECT, "if": {"required": ["a"]}},
        "if-added",
        "if-removed",
    ),
    (
        "then",
        {**OBJECT, "if": {"required": ["a"]}},
        {**OBJECT, "if": {"required": ["a"]}, "then": {"required": ["b"]}},
        "then-added",
        "then-removed",
    ),
    (
        "else",
        {**OBJECT, "if": {"required": ["a"]}},
        {**OBJECT, "if": {"required": ["a"]}, "else": {"required": ["b"]}},
        "else-added",
        "else-removed",
    ),
]


def _levels() -> dict[str, str]:
    return {rule["id"]: rule["level"] for rule in json.loads(RULES.read_text())["rules"]}


@pytest.mark.parametrize(
    ("looser", "tighter", "tightened", "loosened"),
    [case[1:] for case in KEYWORDS],
    ids=[case[0] for case in KEYWORDS],
)
@pytest.mark.parametrize("where", ["body", "property"])
def test_each_keyword_tightened_breaks_requests_and_loosened_breaks_responses(
    looser: Any, tighter: Any, tightened: str, loosened: str, where: str
) -> None:
    levels = _levels()

    def wrap(schema: Any) -> Any:
        return schema if where == "body" else {"type": "object", "properties": {"p": schema}}

    plain = document(wrap(looser), wrap(looser))
    tight = document(wrap(tighter), wrap(tighter))
    narrowed = ids(diff_specs(plain, tight))
    widened = ids(diff_specs(tight, plain))
    for direction, tightening, loosening in (
        ("request", "ERR", "INFO"),
        ("response", "INFO", "ERR"),
    ):
        assert (f"{direction}-{where}-{tightened}", tightening) in narrowed
        assert (f"{direction}-{where}-{loosened}", loosening) in widened
        # the level is the one oasdiff's rules give the id
        assert levels[f"{direction}-{where}-{tightened}"] == tightening
        assert levels[f"{direction}-{where}-{loosened}"] == loosening
    assert {change_id for change_id, _ in narrowed | widened} <= set(levels) | OWN_IDS


def test_a_type_array_that_admits_null_is_a_nullability_change() -> None:
    changes = ids(
        diff_specs(document(STRING, STRING), document(*[{"type": ["string", "null"]}] * 2))
    )
    assert changes == {
        ("request-body-became-nullable", "INFO"),
        ("response-body-became-nullable", "ERR"),
    }


def test_dependent_required_lists_changed_are_errors_both_ways() -> None:
    before = {**OBJECT, "dependentRequired": {"a": ["b"]}}
    after = {**OBJECT, "dependentRequired": {"a": ["b", "c"]}}
    assert ids(diff_specs(document(before, before), document(after, after))) == {
        ("request-body-dependent-required-changed", "ERR"),
        ("response-body-dependent-required-changed", "ERR"),
    }


def test_unevaluated_true_is_no_constraint() -> None:
    loose = {**OBJECT, "unevaluatedProperties": True}
    assert diff_specs(document(OBJECT, OBJECT), document(loose, loose)) == []


@pytest.mark.parametrize(
    ("key", "step"),
    [
        ("then", "then"),
        ("else", "else"),
        ("dependentSchemas", "dependentSchemas.a"),
        ("prefixItems", "prefixItems[0]"),
        ("unevaluatedProperties", "unevaluatedProperties"),
        ("unevaluatedItems", "unevaluatedItems"),
        ("contains", "contains"),
    ],
)
def test_changes_inside_the_new_subschemas_are_compared(key: str, step: str) -> None:
    def schema(length: int) -> dict[str, Any]:
        inner = {"type": "string", "maxLength": length}
        held: Any = (
            {"a": inner}
            if key == "dependentSchemas"
            else [inner]
            if key == "prefixItems"
            else inner
        )
        return {"if": {"required": ["a"]}, key: held} if key in ("then", "else") else {key: held}

    changes = diff_specs(document(schema(10), STRING), document(schema(5), STRING))
    decreased = [c for c in changes if c.id.endswith("max-length-decreased")]
    assert [(c.level.value, c.location.rsplit(".schema.", 1)[1]) for c in decreased] == [
        ("ERR", step)
    ]


def test_defs_anchors_ids_and_dynamic_references_are_followed() -> None:
    def thing(length: int) -> dict[str, Any]:
        return {
            "type": "object",
            "$defs": {
                "Name": {"$anchor": "name", "type": "string", "maxLength": length},
                "Code": {"$dynamicAnchor": "code", "type": "string", "maxLength": length},
            },
            "properties": {
                "byPointer": {"$ref": "#/components/schemas/Thing/$defs/Name"},
                "byAnchor": {"$ref": "#name"},
                "byDynamic": {"$dynamicRef": "#code"},
                "byId": {"$ref": "https://example.com/schemas/tag"},
            },
        }

    def spec(length: int) -> bytes:
        tag = {"$id": "https://example.com/schemas/tag", "type": "string", "maxLength": length}
        ref = {"$ref": "#/components/schemas/Thing"}
        return document(ref, STRING, Thing=thing(length), Tag=tag)

    changes = diff_specs(spec(10), spec(5))
    decreased = [c for c in changes if c.id == "request-property-max-length-decreased"]
    # `#name` and its pointer are one schema: reported once, the other path in `also`
    fields = sorted(field for c in decreased for field in (c.target.field, *c.target.also))
    assert fields == [("byAnchor",), ("byDynamic",), ("byId",), ("byPointer",)]
    assert len(decreased) == 3


def test_recursive_dynamic_references_and_deep_nesting_are_bounded() -> None:
    tree = {
        "$dynamicAnchor": "node",
        "type": "object",
        "properties": {"kids": {"type": "array", "items": {"$dynamicRef": "#node"}}},
    }
    loop = {"$anchor": "self", "$ref": "#self"}  # a reference to itself leads nowhere

    def deep(length: int) -> Any:
        nested: Any = {"type": "string", "maxLength": length}
        for _ in range(60):  # deeper than the walk goes; the reader refuses past 128
            nested = {"if": {}, "then": nested}
        return nested

    def spec(tree: Any, length: int) -> bytes:
        properties = {"tree": {"$ref": "#/components/schemas/Tree"}, "loop": {"$ref": "#self"}}
        body = {"type": "object", "properties": properties}
        return document(body, deep(length), Tree=tree, Loop=loop)

    revised = {**tree, "required": ["kids"]}
    changes = diff_specs(spec(tree, 10), spec(revised, 5))
    assert [(c.id, c.target.field) for c in changes] == [
        ("request-property-became-required", ("tree", "kids"))
    ]
    too_deep: Any = STRING
    for _ in range(200):
        too_deep = {"then": too_deep}
    with pytest.raises(SpecError, match="deep"):
        diff_specs(spec(tree, 10), document(too_deep, STRING))


@pytest.mark.parametrize("kind", ["Properties", "Items"])
def test_unevaluated_false_against_a_schema_is_an_accord_id(kind: str) -> None:
    closed = {f"unevaluated{kind}": False}
    typed = {f"unevaluated{kind}": {"type": "string"}}
    word = kind.lower()
    assert ids(diff_specs(document(typed, typed), document(closed, closed))) == {
        (f"request-body-unevaluated-{word}-narrowed", "ERR"),
        (f"response-body-unevaluated-{word}-narrowed", "INFO"),
    }
    assert ids(diff_specs(document(closed, closed), document(typed, typed))) == {
        (f"request-body-unevaluated-{word}-widened", "INFO"),
        (f"response-body-unevaluated-{word}-widened", "ERR"),
    }
    assert f"request-body-unevaluated-{word}-narrowed" in OWN_IDS


def test_defs_of_a_schema_with_an_id_are_found_from_inside_it() -> None:
    def spec(length: int) -> bytes:
        tag = {
            "$id": "https://example.com/schemas/tag",
            "type": "object",
            "$defs": {"Label": {"type": "string", "maxLength": length}},
            "properties": {"label": {"$ref": "#/$defs/Label"}},
        }
        return document({"$ref": "tag"}, STRING, Tag=tag)

    changes = diff_specs(spec(10), spec(5))
    assert [(c.id, c.target.field) for c in changes] == [
        ("request-property-max-length-decreased", ("label",))
    ]


def test_a_changed_if_is_a_warning_both_ways() -> None:
    before = {**OBJECT, "if": {"required": ["a"]}, "then": {"required": ["b"]}}
    after = {**OBJECT, "if": {"required": ["b"]}, "then": {"required": ["b"]}}
    assert ids(diff_specs(document(before, before), document(after, after))) == {
        ("request-body-if-changed", "WARN"),
        ("response-body-if-changed", "WARN"),
    }
    assert "response-property-if-changed" in OWN_IDS

"""oasdiff's response and API rules, one base/revision pair each, built from the rule's meaning.

Every rule of `../shared/corpora/oasdiff/rules.json` whose id starts with `response-`, `api-`,
`endpoint-`, `webhook-`, `sunset-`, `optional-response-` or `required-response-` is either a
`Case` here (the pair must produce exactly that id at that level, plus the ids in `also`, which
oasdiff reports for the same edit too) or an entry of `NOT_APPLICABLE` with the reason.
`test_rules_response.py` runs them. The documents are as small as the rule allows: one
`GET /pets` answering 200 with a JSON body, edited one keyword at a time.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from verifier.spec_diff import DeprecationPolicy

TODAY = date(2026, 6, 1)
PAST, SOON, LATER = "2026-01-01", "2026-06-20", "2027-06-01"
POLICY = DeprecationPolicy(beta_days=31, stable_days=180)
OWNED_PREFIXES = (
    "response-",
    "api-",
    "endpoint-",
    "webhook-",
    "sunset-",
    "optional-response-",
    "required-response-",
)


@dataclass(frozen=True)
class Case:
    """A rule, the level oasdiff gives it, and a base and revision that must produce it.

    `options` are keyword arguments of `diff_specs` beyond `today` (a deprecation policy,
    the versioning policy); `also` lists other ids oasdiff reports for the same edit.
    """

    rule: str
    level: str
    base: dict[str, Any]
    revision: dict[str, Any]
    note: str = ""
    options: dict[str, Any] = field(default_factory=dict)
    also: tuple[str, ...] = ()


# documents ------------------------------------------------------------------------------


def api(
    *,
    schema: Any = None,
    openapi: str = "3.0.3",
    version: str = "1.0.0",
    media: str = "application/json",
    status: str = "200",
    headers: dict[str, Any] | None = None,
    operation: dict[str, Any] | None = None,
    extra_paths: dict[str, Any] | None = None,
    top: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A document with one operation, `GET /pets`, answering `status` with `schema` as `media`."""
    response: dict[str, Any] = {"description": "pets"}
    if schema is not ...:
        response["content"] = {media: {} if schema is None else {"schema": schema}}
    if headers:
        response["headers"] = headers
    document: dict[str, Any] = {
        "openapi": openapi,
        "info": {"title": "pets", "version": version},
        "paths": {"/pets": {"get": {**(operation or {}), "responses": {status: response}}}},
    }
    document["paths"].update(extra_paths or {})
    document.update(top or {})
    return document


def body(schema: Any, **kw: Any) -> dict[str, Any]:
    """`api` with `schema` as the 200 body."""
    return api(schema=schema, **kw)


def prop(schema: Any, **kw: Any) -> dict[str, Any]:
    """`api` with `schema` as the property `p` of an object body."""
    return api(schema={"type": "object", "properties": {"p": schema}}, **kw)


def obj(properties: dict[str, Any], required: tuple[str, ...] = (), **kw: Any) -> dict[str, Any]:
    """`api` whose 200 body is an object with these properties (and required names)."""
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    return api(schema=schema, **kw)


def with_op(**fields: Any) -> dict[str, Any]:
    """`api` with these fields on the `GET /pets` operation."""
    return api(schema={"type": "string"}, operation=fields)


def header(schema: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """`api` whose 200 response carries an `X-Rate` header with this schema."""
    return api(schema={"type": "string"}, headers={"X-Rate": {"schema": schema, **fields}})


def edit(document: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    """A copy of `document` with `value` at `path` (`...` deletes the key)."""
    copied = copy.deepcopy(document)
    node = copied
    for part in path[:-1]:
        node = node[part]
    if value is ...:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return copied


def _both(
    stem: str, level: str, before: Any, after: Any, *, openapi: str = "3.0.3", note: str = ""
) -> list[Case]:
    """The body case and the property case of a schema rule, from one pair of schemas."""
    return [
        Case(
            f"response-body-{stem}",
            level,
            body(before, openapi=openapi),
            body(after, openapi=openapi),
            note,
        ),
        Case(
            f"response-property-{stem}",
            level,
            prop(before, openapi=openapi),
            prop(after, openapi=openapi),
            note,
        ),
    ]


_31 = "3.1.0"
_S, _I, _N = {"type": "string"}, {"type": "integer"}, {"type": "number"}
_ARRAY, _OBJECT = {"type": "array", "items": _S}, {"type": "object"}
_MAPPED: dict[str, Any] = {
    "type": "object",
    "properties": {"kind": _S},
    "discriminator": {"propertyName": "kind", "mapping": {"cat": "#/components/schemas/Cat"}},
}


def mapped(mapping: dict[str, str]) -> dict[str, Any]:
    return {**_MAPPED, "discriminator": {"propertyName": "kind", "mapping": mapping}}


def _keyword(key: str, value: Any, base: dict[str, Any] = _OBJECT) -> dict[str, Any]:
    return {**base, key: value}


# schema rules that exist for the body and for its properties ------------------------------

_SCHEMA_CASES: list[Case] = [
    *_both("all-of-added", "INFO", _OBJECT, _keyword("allOf", [{"required": ["id"]}])),
    *_both("all-of-removed", "INFO", _keyword("allOf", [{"required": ["id"]}]), _OBJECT),
    *_both(
        "all-of-added-annotation-only",
        "INFO",
        _OBJECT,
        _keyword("allOf", [{"description": "a pet"}]),
        note="an allOf branch with only annotations accepts every value",
    ),
    *_both(
        "all-of-removed-annotation-only",
        "INFO",
        _keyword("allOf", [{"title": "Pet", "description": "a pet"}]),
        _OBJECT,
    ),
    *_both("any-of-added", "INFO", {"anyOf": [_S, _I]}, {"anyOf": [_S, _I, {"type": "boolean"}]}),
    *_both("any-of-removed", "INFO", {"anyOf": [_S, _I, {"type": "boolean"}]}, {"anyOf": [_S, _I]}),
    *_both("one-of-added", "ERR", {"oneOf": [_S, _I]}, {"oneOf": [_S, _I, {"type": "boolean"}]}),
    *_both("one-of-removed", "INFO", {"oneOf": [_S, _I, {"type": "boolean"}]}, {"oneOf": [_S, _I]}),
    *_both("became-nullable", "ERR", _S, {**_S, "nullable": True}),
    *_both("became-not-nullable", "INFO", {**_S, "nullable": True}, _S),
    *_both("const-added", "INFO", _S, {**_S, "const": "a"}, openapi=_31),
    *_both("const-changed", "ERR", {**_S, "const": "a"}, {**_S, "const": "b"}, openapi=_31),
    *_both("const-removed", "ERR", {**_S, "const": "a"}, _S, openapi=_31),
    *_both("contains-added", "INFO", _ARRAY, {**_ARRAY, "contains": {"const": "a"}}, openapi=_31),
    *_both("contains-removed", "ERR", {**_ARRAY, "contains": {"const": "a"}}, _ARRAY, openapi=_31),
    *_both(
        "content-encoding-changed",
        "ERR",
        {**_S, "contentEncoding": "base64"},
        {**_S, "contentEncoding": "base32"},
        openapi=_31,
    ),
    *_both(
        "content-media-type-changed",
        "ERR",
        {**_S, "contentMediaType": "image/png"},
        {**_S, "contentMediaType": "image/jpeg"},
        openapi=_31,
    ),
    *_both(
        "content-schema-added",
        "INFO",
        {**_S, "contentMediaType": "application/json"},
        {**_S, "contentMediaType": "application/json", "contentSchema": _OBJECT},
        openapi=_31,
    ),
    *_both(
        "content-schema-removed",
        "ERR",
        {**_S, "contentMediaType": "application/json", "contentSchema": _OBJECT},
        {**_S, "contentMediaType": "application/json"},
        openapi=_31,
    ),
    *_both("default-value-added", "INFO", _S, {**_S, "default": "a"}),
    *_both("default-value-changed", "INFO", {**_S, "default": "a"}, {**_S, "default": "b"}),
    *_both("default-value-removed", "INFO", {**_S, "default": "a"}, _S),
    *_both(
        "dependent-required-added",
        "INFO",
        _OBJECT,
        _keyword("dependentRequired", {"a": ["b"]}),
        openapi=_31,
    ),
    *_both(
        "dependent-required-changed",
        "ERR",
        _keyword("dependentRequired", {"a": ["b"]}),
        _keyword("dependentRequired", {"a": ["c"]}),
        openapi=_31,
    ),
    *_both(
        "dependent-required-removed",
        "ERR",
        _keyword("dependentRequired", {"a": ["b"]}),
        _OBJECT,
        openapi=_31,
    ),
    *_both(
        "dependent-schema-added",
        "INFO",
        _OBJECT,
        _keyword("dependentSchemas", {"a": {"required": ["b"]}}),
        openapi=_31,
    ),
    *_both(
        "dependent-schema-removed",
        "ERR",
        _keyword("dependentSchemas", {"a": {"required": ["b"]}}),
        _OBJECT,
        openapi=_31,
    ),
    *_both(
        "discriminator-added",
        "INFO",
        {k: v for k, v in _MAPPED.items() if k != "discriminator"},
        _MAPPED,
    ),
    *_both(
        "discriminator-removed",
        "INFO",
        _MAPPED,
        {k: v for k, v in _MAPPED.items() if k != "discriminator"},
    ),
    *_both(
        "discriminator-property-name-changed",
        "INFO",
        _MAPPED,
        {**_MAPPED, "discriminator": {**_MAPPED["discriminator"], "propertyName": "type"}},
    ),
    *_both(
        "discriminator-mapping-added",
        "INFO",
        _MAPPED,
        mapped({"cat": "#/components/schemas/Cat", "dog": "#/components/schemas/Dog"}),
    ),
    *_both(
        "discriminator-mapping-deleted",
        "INFO",
        mapped({"cat": "#/components/schemas/Cat", "dog": "#/components/schemas/Dog"}),
        _MAPPED,
    ),
    *_both(
        "discriminator-mapping-changed",
        "INFO",
        _MAPPED,
        mapped({"cat": "#/components/schemas/Feline"}),
    ),
    *_both("if-added", "INFO", _OBJECT, _keyword("if", {"required": ["a"]}), openapi=_31),
    *_both("if-removed", "ERR", _keyword("if", {"required": ["a"]}), _OBJECT, openapi=_31),
    *_both(
        "then-added",
        "INFO",
        _keyword("if", {"required": ["a"]}),
        {**_OBJECT, "if": {"required": ["a"]}, "then": {"required": ["b"]}},
        openapi=_31,
    ),
    *_both(
        "then-removed",
        "ERR",
        {**_OBJECT, "if": {"required": ["a"]}, "then": {"required": ["b"]}},
        _keyword("if", {"required": ["a"]}),
        openapi=_31,
    ),
    *_both(
        "else-added",
        "INFO",
        _keyword("if", {"required": ["a"]}),
        {**_OBJECT, "if": {"required": ["a"]}, "else": {"required": ["b"]}},
        openapi=_31,
    ),
    *_both(
        "else-removed",
        "ERR",
        {**_OBJECT, "if": {"required": ["a"]}, "else": {"required": ["b"]}},
        _keyword("if", {"required": ["a"]}),
        openapi=_31,
    ),
    *_both("max-increased", "ERR", {**_I, "maximum": 10}, {**_I, "maximum": 20}),
    *_both("min-decreased", "ERR", {**_I, "minimum": 10}, {**_I, "minimum": 5}),
    *_both(
        "exclusive-max-increased",
        "ERR",
        {**_I, "exclusiveMaximum": 10},
        {**_I, "exclusiveMaximum": 20},
        openapi=_31,
    ),
    *_both(
        "exclusive-min-decreased",
        "ERR",
        {**_I, "exclusiveMinimum": 10},
        {**_I, "exclusiveMinimum": 5},
        openapi=_31,
    ),
    *_both(
        "list-of-types-narrowed",
        "INFO",
        {"type": ["string", "integer"]},
        {"type": ["string"]},
        openapi=_31,
    ),
    *_both(
        "list-of-types-widened",
        "ERR",
        {"type": ["string"]},
        {"type": ["string", "integer"]},
        openapi=_31,
    ),
    *_both(
        "max-contains-decreased",
        "INFO",
        {**_ARRAY, "contains": {"const": "a"}, "maxContains": 5},
        {**_ARRAY, "contains": {"const": "a"}, "maxContains": 3},
        openapi=_31,
    ),
    *_both(
        "max-contains-increased",
        "ERR",
        {**_ARRAY, "contains": {"const": "a"}, "maxContains": 3},
        {**_ARRAY, "contains": {"const": "a"}, "maxContains": 5},
        openapi=_31,
    ),
    *_both(
        "min-contains-decreased",
        "ERR",
        {**_ARRAY, "contains": {"const": "a"}, "minContains": 3},
        {**_ARRAY, "contains": {"const": "a"}, "minContains": 2},
        openapi=_31,
    ),
    *_both(
        "min-contains-increased",
        "INFO",
        {**_ARRAY, "contains": {"const": "a"}, "minContains": 2},
        {**_ARRAY, "contains": {"const": "a"}, "minContains": 3},
        openapi=_31,
    ),
    *_both("max-length-increased", "ERR", {**_S, "maxLength": 10}, {**_S, "maxLength": 20}),
    *_both("max-length-unset", "ERR", {**_S, "maxLength": 10}, _S),
    *_both("min-length-decreased", "ERR", {**_S, "minLength": 10}, {**_S, "minLength": 5}),
    *_both("min-items-decreased", "ERR", {**_ARRAY, "minItems": 3}, {**_ARRAY, "minItems": 2}),
    *_both("min-items-unset", "ERR", {**_ARRAY, "minItems": 3}, _ARRAY),
    *_both(
        "pattern-property-added",
        "INFO",
        _OBJECT,
        _keyword("patternProperties", {"^x-": _S}),
        openapi=_31,
    ),
    *_both(
        "pattern-property-removed",
        "ERR",
        _keyword("patternProperties", {"^x-": _S}),
        _OBJECT,
        openapi=_31,
    ),
    *_both(
        "prefix-items-added",
        "ERR",
        {"type": "array", "prefixItems": [_S]},
        {"type": "array", "prefixItems": [_S, _I]},
        openapi=_31,
    ),
    *_both(
        "prefix-items-removed",
        "INFO",
        {"type": "array", "prefixItems": [_S, _I]},
        {"type": "array", "prefixItems": [_S]},
        openapi=_31,
    ),
    *_both(
        "property-names-added",
        "INFO",
        _OBJECT,
        _keyword("propertyNames", {"pattern": "^[a-z]+$"}),
        openapi=_31,
    ),
    *_both(
        "property-names-removed",
        "ERR",
        _keyword("propertyNames", {"pattern": "^[a-z]+$"}),
        _OBJECT,
        openapi=_31,
    ),
    *_both("type-changed", "ERR", _S, _I),
    *_both("type-generalized", "ERR", _I, _N),
    *_both("type-specialized", "INFO", _N, _I),
    *_both(
        "unevaluated-items-added",
        "INFO",
        {"type": "array"},
        {"type": "array", "unevaluatedItems": False},
        openapi=_31,
    ),
    *_both(
        "unevaluated-items-removed",
        "ERR",
        {"type": "array", "unevaluatedItems": False},
        {"type": "array"},
        openapi=_31,
    ),
    *_both(
        "unevaluated-properties-added",
        "INFO",
        _OBJECT,
        _keyword("unevaluatedProperties", False),
        openapi=_31,
    ),
    *_both(
        "unevaluated-properties-removed",
        "ERR",
        _keyword("unevaluatedProperties", False),
        _OBJECT,
        openapi=_31,
    ),
    Case(
        "response-body-type-compatible",
        "INFO",
        body(_S, media="text/plain"),
        body(_I, media="text/plain"),
        "text/plain is not strongly typed: a client reads the digits as the string it expected",
    ),
    Case(
        "response-property-type-compatible",
        "INFO",
        prop(_S, media="application/xml"),
        prop(_I, media="application/xml"),
        "XML is not strongly typed: an element's text reads as a string either way",
    ),
    Case(
        "response-body-wrapped-in-one-of",
        "ERR",
        obj({"id": _S}, ("id",)),
        body(
            {
                "oneOf": [
                    {"type": "object", "properties": {"id": _S}, "required": ["id"]},
                    {"type": "object", "properties": {"code": _I}},
                ]
            }
        ),
        "one change, not the removal of every required property",
    ),
]


# properties: existence, requiredness, access, enums, patterns, lifecycle ------------------

_WO = {**_S, "writeOnly": True}
_RO = {**_S, "readOnly": True}
_PROPERTY_CASES: list[Case] = [
    Case("response-optional-property-added", "INFO", obj({"a": _S}), obj({"a": _S, "b": _S})),
    Case("response-optional-property-removed", "WARN", obj({"a": _S, "b": _S}), obj({"a": _S})),
    Case(
        "response-optional-write-only-property-added",
        "INFO",
        obj({"a": _S}),
        obj({"a": _S, "b": _WO}),
    ),
    Case(
        "response-optional-write-only-property-removed",
        "INFO",
        obj({"a": _S, "b": _WO}),
        obj({"a": _S}),
    ),
    Case(
        "response-required-property-added",
        "INFO",
        obj({"a": _S}),
        obj({"a": _S, "b": _S}, ("b",)),
    ),
    Case(
        "response-required-property-removed",
        "ERR",
        obj({"a": _S, "b": _S}, ("b",)),
        obj({"a": _S}),
    ),
    Case(
        "response-required-write-only-property-added",
        "INFO",
        obj({"a": _S}),
        obj({"a": _S, "b": _WO}, ("b",)),
    ),
    Case(
        "response-required-write-only-property-removed",
        "INFO",
        obj({"a": _S, "b": _WO}, ("b",)),
        obj({"a": _S}),
    ),
    Case("response-property-became-optional", "ERR", obj({"a": _S}, ("a",)), obj({"a": _S})),
    Case("response-property-became-required", "INFO", obj({"a": _S}), obj({"a": _S}, ("a",))),
    Case(
        "response-write-only-property-became-optional",
        "INFO",
        obj({"a": _WO}, ("a",)),
        obj({"a": _WO}),
    ),
    Case(
        "response-write-only-property-became-required",
        "INFO",
        obj({"a": _WO}),
        obj({"a": _WO}, ("a",)),
    ),
    Case("response-optional-property-became-read-only", "INFO", obj({"a": _S}), obj({"a": _RO})),
    Case(
        "response-optional-property-became-not-read-only", "INFO", obj({"a": _RO}), obj({"a": _S})
    ),
    Case("response-optional-property-became-write-only", "INFO", obj({"a": _S}), obj({"a": _WO})),
    Case(
        "response-optional-property-became-not-write-only", "INFO", obj({"a": _WO}), obj({"a": _S})
    ),
    Case(
        "response-required-property-became-read-only",
        "INFO",
        obj({"a": _S}, ("a",)),
        obj({"a": _RO}, ("a",)),
    ),
    Case(
        "response-required-property-became-not-read-only",
        "INFO",
        obj({"a": _RO}, ("a",)),
        obj({"a": _S}, ("a",)),
    ),
    Case(
        "response-required-property-became-write-only",
        "INFO",
        obj({"a": _S}, ("a",)),
        obj({"a": _WO}, ("a",)),
    ),
    Case(
        "response-required-property-became-not-write-only",
        "WARN",
        obj({"a": _WO}, ("a",)),
        obj({"a": _S}, ("a",)),
        "a required property clients never received is now sent to them",
    ),
    Case(
        "response-property-enum-value-added",
        "WARN",
        prop({**_S, "enum": ["a"]}),
        prop({**_S, "enum": ["a", "b"]}),
    ),
    Case(
        "response-property-enum-value-removed",
        "INFO",
        prop({**_S, "enum": ["a", "b"]}),
        prop({**_S, "enum": ["a"]}),
    ),
    Case(
        "response-write-only-property-enum-value-added",
        "INFO",
        prop({**_WO, "enum": ["a"]}),
        prop({**_WO, "enum": ["a", "b"]}),
    ),
    Case(
        "response-mediatype-enum-value-removed",
        "INFO",
        body({**_S, "enum": ["a", "b"]}),
        body({**_S, "enum": ["a"]}),
    ),
    Case("response-property-pattern-added", "INFO", prop(_S), prop({**_S, "pattern": "^a"})),
    Case(
        "response-property-pattern-changed",
        "INFO",
        prop({**_S, "pattern": "^a"}),
        prop({**_S, "pattern": "^b"}),
    ),
    Case("response-property-pattern-removed", "INFO", prop({**_S, "pattern": "^a"}), prop(_S)),
    Case("response-property-deprecated", "INFO", prop(_S), prop({**_S, "deprecated": True})),
    Case(
        "response-property-deprecated-with-sunset",
        "INFO",
        prop(_S),
        prop({**_S, "deprecated": True, "x-sunset": LATER}),
    ),
    Case(
        "response-property-deprecated-sunset-invalid",
        "ERR",
        prop(_S),
        prop({**_S, "deprecated": True, "x-sunset": "next spring"}),
        "a sunset that does not parse is reported, never read as a date",
    ),
    Case(
        "response-property-deprecated-sunset-missing",
        "ERR",
        prop(_S),
        prop({**_S, "deprecated": True}),
        "with a deprecation policy (oasdiff's --deprecation-days-*) a sunset is required",
        options={"policy": POLICY},
    ),
    Case(
        "response-property-sunset-date-too-small",
        "ERR",
        prop(_S),
        prop({**_S, "deprecated": True, "x-sunset": SOON}),
        "19 days' notice where the policy asks for 180",
        options={"policy": POLICY},
    ),
    Case("response-property-reactivated", "INFO", prop({**_S, "deprecated": True}), prop(_S)),
    Case(
        "response-property-stability-decreased",
        "ERR",
        prop({**_S, "x-stability-level": "stable"}),
        prop({**_S, "x-stability-level": "beta"}),
    ),
    Case(
        "response-property-stability-increased",
        "INFO",
        prop({**_S, "x-stability-level": "beta"}),
        prop({**_S, "x-stability-level": "stable"}),
    ),
]


# responses: statuses, media types, headers ------------------------------------------------

_RESPONSE_CASES: list[Case] = [
    Case(
        "response-success-status-added",
        "INFO",
        body(_S),
        edit(body(_S), ("paths", "/pets", "get", "responses", "201"), {"description": "made"}),
    ),
    Case(
        "response-success-status-removed",
        "ERR",
        edit(body(_S), ("paths", "/pets", "get", "responses", "201"), {"description": "made"}),
        body(_S),
    ),
    Case(
        "response-non-success-status-added",
        "INFO",
        body(_S),
        edit(body(_S), ("paths", "/pets", "get", "responses", "404"), {"description": "gone"}),
    ),
    Case(
        "response-non-success-status-removed",
        "INFO",
        edit(body(_S), ("paths", "/pets", "get", "responses", "404"), {"description": "gone"}),
        body(_S),
    ),
    Case(
        "response-media-type-added",
        "INFO",
        body(_S),
        edit(body(_S), ("paths", "/pets", "get", "responses", "200", "content", "text/csv"), {}),
    ),
    Case(
        "response-media-type-removed",
        "ERR",
        edit(body(_S), ("paths", "/pets", "get", "responses", "200", "content", "text/csv"), {}),
        body(_S),
    ),
    Case(
        "response-media-type-name-changed",
        "INFO",
        body(_S, media="application/json; charset=utf-8"),
        body(_S, media="application/json; charset=utf-16"),
        "the same media type with other parameters",
    ),
    Case(
        "response-media-type-name-generalized",
        "ERR",
        body(_S, media="application/problem+json"),
        body(_S, media="application/json"),
        "clients may now receive any JSON, not only problem details",
    ),
    Case(
        "response-media-type-name-specialized",
        "INFO",
        body(_S, media="application/json"),
        body(_S, media="application/problem+json"),
    ),
    Case("response-body-media-type-schema-added", "INFO", api(), body(_S)),
    Case("response-body-media-type-schema-removed", "WARN", body(_S), api()),
    Case("response-header-added", "INFO", body(_S), header(_S)),
    Case("required-response-header-removed", "ERR", header(_S, required=True), body(_S)),
    Case("optional-response-header-removed", "WARN", header(_S), body(_S)),
    Case("response-header-became-optional", "ERR", header(_S, required=True), header(_S)),
    Case("response-header-became-nullable", "ERR", header(_S), header({**_S, "nullable": True})),
    Case(
        "response-header-became-not-nullable", "INFO", header({**_S, "nullable": True}), header(_S)
    ),
    Case(
        "response-header-type-changed",
        "ERR",
        header(_I),
        header({"type": "boolean"}),
        "a header value that was a number is now true/false",
    ),
    Case(
        "response-header-type-compatible",
        "INFO",
        header(_S),
        header(_I),
        "a header is text on the wire: the digits still read as the string clients expected",
    ),
    Case("response-header-type-generalized", "ERR", header(_I), header(_N)),
    Case("response-header-type-specialized", "INFO", header(_N), header(_I)),
]


# operations, paths, the document --------------------------------------------------------

_PETS = {
    "/pets/{id}": {
        "get": {
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": _S}],
            "responses": {"200": {"description": "a pet"}},
        }
    }
}


def _two(**fields: Any) -> dict[str, Any]:
    """`GET /pets` (with `fields`) and `GET /pets/{id}`."""
    return api(schema=_S, operation=fields, extra_paths=copy.deepcopy(_PETS))


def item_doc(**fields: Any) -> dict[str, Any]:
    """`GET /pets` and `GET /pets/{id}` with `fields`: removing the latter removes its path."""
    paths = copy.deepcopy(_PETS)
    paths["/pets/{id}"]["get"].update(fields)
    return api(schema=_S, extra_paths=paths)


def _post(**fields: Any) -> dict[str, Any]:
    """`GET /pets` and a `POST /pets` with `fields`: removing the post keeps the path."""
    document = api(schema=_S)
    document["paths"]["/pets"]["post"] = {**fields, "responses": {"201": {"description": "made"}}}
    return document


_SECURED = {
    "components": {
        "securitySchemes": {
            "key": {"type": "apiKey", "in": "header", "name": "X-Key"},
            "oauth": {
                "type": "oauth2",
                "flows": {
                    "clientCredentials": {
                        "tokenUrl": "https://auth.example/token",
                        "scopes": {"read": "read", "write": "write"},
                    }
                },
            },
        }
    }
}


def _secured(operation: dict[str, Any] | None = None, **top: Any) -> dict[str, Any]:
    return api(schema=_S, operation=operation, top={**copy.deepcopy(_SECURED), **top})


def _scheme(path: tuple[str, ...], value: Any) -> dict[str, Any]:
    return edit(_secured(), ("components", "securitySchemes", *path), value)


_FLOW = ("oauth", "flows", "clientCredentials")
_WEBHOOK = {"newPet": {"post": {"responses": {"200": {"description": "ok"}}}}}


def _created(version: str) -> dict[str, Any]:
    """`GET /pets` answering 200 and 201: dropping the 201 breaks clients."""
    created = ("paths", "/pets", "get", "responses", "201")
    return edit(body(_S, version=version), created, {"description": "made"})


_API_CASES: list[Case] = [
    Case("endpoint-added", "INFO", api(schema=_S), _two()),
    Case("api-path-removed-without-deprecation", "ERR", _two(), api(schema=_S)),
    Case(
        "api-path-removed-before-sunset",
        "ERR",
        item_doc(deprecated=True, **{"x-sunset": LATER}),
        api(schema=_S),
    ),
    Case("api-removed-without-deprecation", "ERR", _post(), api(schema=_S)),
    Case(
        "api-removed-before-sunset",
        "ERR",
        _post(deprecated=True, **{"x-sunset": LATER}),
        api(schema=_S),
    ),
    Case(
        "api-removed-with-deprecation",
        "INFO",
        _post(deprecated=True, **{"x-sunset": PAST}),
        api(schema=_S),
    ),
    Case(
        "api-path-removed-with-deprecation",
        "INFO",
        item_doc(deprecated=True, **{"x-sunset": PAST}),
        api(schema=_S),
    ),
    Case(
        "api-path-sunset-parse",
        "ERR",
        item_doc(deprecated=True, **{"x-sunset": "soon"}),
        api(schema=_S),
        "removed, and the sunset that would have allowed it does not parse",
    ),
    Case("endpoint-deprecated", "INFO", with_op(), with_op(deprecated=True)),
    Case(
        "endpoint-deprecated-with-sunset",
        "INFO",
        with_op(),
        with_op(deprecated=True, **{"x-sunset": LATER}),
    ),
    Case("endpoint-reactivated", "INFO", with_op(deprecated=True), with_op()),
    Case(
        "api-deprecated-sunset-parse",
        "ERR",
        with_op(),
        with_op(deprecated=True, **{"x-sunset": "31/12/2027"}),
    ),
    Case(
        "api-deprecated-sunset-missing",
        "ERR",
        with_op(),
        with_op(deprecated=True),
        options={"policy": POLICY},
    ),
    Case(
        "api-sunset-date-too-small",
        "ERR",
        with_op(),
        with_op(deprecated=True, **{"x-sunset": SOON}),
        "19 days' notice where the policy asks for 180 (the operation is stable)",
        options={"policy": POLICY},
    ),
    Case(
        "sunset-deleted",
        "ERR",
        with_op(deprecated=True, **{"x-sunset": LATER}),
        with_op(deprecated=True),
    ),
    Case(
        "api-sunset-date-changed-too-small",
        "ERR",
        with_op(deprecated=True, **{"x-sunset": LATER}),
        with_op(deprecated=True, **{"x-sunset": SOON}),
        "moved 11 months earlier, leaving less notice than the policy's 180 days",
        options={"policy": POLICY},
    ),
    Case(
        "api-invalid-stability-level",
        "ERR",
        with_op(),
        with_op(**{"x-stability-level": "experimental"}),
    ),
    Case(
        "api-stability-decreased",
        "ERR",
        with_op(**{"x-stability-level": "stable"}),
        with_op(**{"x-stability-level": "beta"}),
    ),
    Case(
        "api-stability-increased",
        "INFO",
        with_op(**{"x-stability-level": "beta"}),
        with_op(**{"x-stability-level": "stable"}),
    ),
    Case("api-operation-id-added", "INFO", with_op(), with_op(operationId="listPets")),
    Case("api-operation-id-removed", "INFO", with_op(operationId="listPets"), with_op()),
    Case("api-tag-added", "INFO", with_op(), with_op(tags=["pets"])),
    Case("api-tag-removed", "INFO", with_op(tags=["pets"]), with_op()),
    Case(
        "api-schema-removed",
        "INFO",
        api(schema=_S, top={"components": {"schemas": {"Pet": _OBJECT}}}),
        api(schema=_S),
    ),
    Case(
        "webhook-added",
        "INFO",
        api(schema=_S, openapi=_31),
        api(schema=_S, openapi=_31, top={"webhooks": _WEBHOOK}),
    ),
    Case(
        "webhook-removed",
        "ERR",
        api(schema=_S, openapi=_31, top={"webhooks": _WEBHOOK}),
        api(schema=_S, openapi=_31),
    ),
    Case("api-global-security-added", "INFO", _secured(), _secured(security=[{"key": []}])),
    Case("api-global-security-removed", "INFO", _secured(security=[{"key": []}]), _secured()),
    Case(
        "api-global-security-scope-added",
        "INFO",
        _secured(security=[{"oauth": ["read"]}]),
        _secured(security=[{"oauth": ["read", "write"]}]),
    ),
    Case(
        "api-global-security-scope-removed",
        "INFO",
        _secured(security=[{"oauth": ["read", "write"]}]),
        _secured(security=[{"oauth": ["read"]}]),
    ),
    Case("api-security-added", "INFO", _secured(), _secured({"security": [{"key": []}]})),
    Case("api-security-removed", "INFO", _secured({"security": [{"key": []}]}), _secured()),
    Case(
        "api-security-scope-added",
        "INFO",
        _secured({"security": [{"oauth": ["read"]}]}),
        _secured({"security": [{"oauth": ["read", "write"]}]}),
    ),
    Case(
        "api-security-scope-removed",
        "INFO",
        _secured({"security": [{"oauth": ["read", "write"]}]}),
        _secured({"security": [{"oauth": ["read"]}]}),
    ),
    Case(
        "api-security-component-added",
        "INFO",
        _secured(),
        _scheme(("basic",), {"type": "http", "scheme": "basic"}),
    ),
    Case("api-security-component-removed", "INFO", _secured(), _scheme(("key",), ...)),
    Case(
        "api-security-component-type-changed",
        "INFO",
        _secured(),
        _scheme(("key",), {"type": "http", "scheme": "bearer"}),
    ),
    Case(
        "api-security-component-oauth-scope-added",
        "INFO",
        _secured(),
        _scheme((*_FLOW, "scopes", "admin"), "admin"),
    ),
    Case(
        "api-security-component-oauth-scope-removed",
        "INFO",
        _secured(),
        _scheme((*_FLOW, "scopes", "write"), ...),
    ),
    Case(
        "api-security-component-oauth-scope-changed",
        "INFO",
        _secured(),
        _scheme((*_FLOW, "scopes", "write"), "write pets"),
        "the scope's description changed",
    ),
    Case(
        "api-security-component-oauth-token-url-changed",
        "INFO",
        _secured(),
        _scheme((*_FLOW, "tokenUrl"), "https://auth.example/v2/token"),
    ),
    Case(
        "api-security-component-oauth-url-changed",
        "INFO",
        _secured(),
        _scheme((*_FLOW, "refreshUrl"), "https://auth.example/refresh"),
    ),
    Case(
        "api-version-not-bumped",
        "INFO",
        _created("1.0.0"),
        body(_S, version="1.0.0"),
        "a breaking change released under the same version (oasdiff's versioning policy)",
        options={"versioning": True},
        also=("response-success-status-removed",),
    ),
    Case(
        "api-version-decreased",
        "INFO",
        _created("1.2.0"),
        body(_S, version="1.1.0"),
        options={"versioning": True},
        also=("response-success-status-removed",),
    ),
    Case(
        "api-major-version-not-bumped",
        "INFO",
        _created("1.2.0"),
        body(_S, version="1.3.0"),
        "a breaking change needs 2.0.0",
        options={"versioning": True},
        also=("response-success-status-removed",),
    ),
]

CASES: list[Case] = [*_SCHEMA_CASES, *_PROPERTY_CASES, *_RESPONSE_CASES, *_API_CASES]

# every owned rule has a case: the ones that need a deprecation policy or the versioning policy
# pass it in `options`, as oasdiff reports them only under those settings
NOT_APPLICABLE: dict[str, str] = {}

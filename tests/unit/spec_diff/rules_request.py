"""oasdiff's request-side change rules, each as a base document and a revision.

Every rule of `../shared/corpora/oasdiff/rules.json` whose id starts with `request-`, `new-`,
`optional-request` or `required-request` is either a `Case` here (a minimal base and a revision
that `verifier.spec_diff.diff_specs` must report as exactly that id at that level) or an entry of
`NOT_APPLICABLE` with the reason Accord does not report it. The documents are built from each
rule's meaning in oasdiff's `checker/*.go` and `messages.yaml`; `test_rules_request.py` runs them.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from verifier.spec_diff import DeprecationPolicy

STRING: dict[str, Any] = {"type": "string"}
PREFIXES = ("request-", "new-", "optional-request", "required-request")


@dataclass(frozen=True, slots=True)
class Case:
    """One rule's example.

    Attributes:
        rule: the oasdiff id the revision must produce.
        level: its level in `rules.json` (`ERR`, `WARN`, `INFO`).
        base: the document clients were written against.
        revision: the changed document.
        note: why the documents look as they do, where it is not obvious.
        also: other ids oasdiff reports for the same change, which Accord reports too.
        options: other keyword arguments of `diff_specs` (a deprecation policy).
    """

    rule: str
    level: str
    base: dict[str, Any]
    revision: dict[str, Any]
    note: str = ""
    also: tuple[str, ...] = ()
    options: dict[str, Any] = field(default_factory=dict)


def document(
    operation: dict[str, Any],
    *,
    openapi: str = "3.0.3",
    path: str = "/things",
    method: str = "post",
    path_item: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A document with one operation (`POST /things` unless told), answering 200."""
    raw = {"responses": {"200": {"description": "done"}}, **copy.deepcopy(operation)}
    return {
        "openapi": openapi,
        "info": {"title": "things", "version": "1"},
        "paths": {path: {**(path_item or {}), method: raw}},
    }


def body(
    schema: Any = None,
    *,
    media: str = "application/json",
    required: bool | None = None,
    openapi: str = "3.0.3",
) -> dict[str, Any]:
    """A document whose operation takes a request body of `schema` (no schema when None)."""
    content: dict[str, Any] = {media: {} if schema is None else {"schema": schema}}
    request: dict[str, Any] = {"content": content}
    if required is not None:
        request["required"] = required
    return document({"requestBody": request}, openapi=openapi)


def obj(properties: dict[str, Any], required: list[str] | None = None, **extra: Any) -> Any:
    """An object schema."""
    schema: dict[str, Any] = {"type": "object", "properties": properties, **extra}
    if required:
        schema["required"] = required
    return schema


def prop(schema: Any, *, required: bool = False, openapi: str = "3.0.3", **extra: Any) -> Any:
    """A document whose request body is an object with the one property `p` of `schema`."""
    return body(obj({"p": schema}, ["p"] if required else None, **extra), openapi=openapi)


def param(
    schema: Any = None,
    *,
    where: str = "query",
    name: str = "p",
    openapi: str = "3.0.3",
    **extra: Any,
) -> dict[str, Any]:
    """A document whose operation takes one parameter (`schema` None: no parameter at all)."""
    if schema is None:
        return document({}, openapi=openapi)
    parameter: dict[str, Any] = {"name": name, "in": where, "schema": schema, **extra}
    if where == "path":
        parameter["required"] = True
        return document(
            {"parameters": [parameter]}, openapi=openapi, path="/things/{p}", method="get"
        )
    return document({"parameters": [parameter]}, openapi=openapi)


def pair(
    suffix: str,
    level: str,
    before: Any,
    after: Any,
    *,
    openapi: str = "3.0.3",
    note: str = "",
    body_only: bool = False,
) -> list[Case]:
    """`request-body-{suffix}` (the schema as the body) and `request-property-{suffix}`."""
    cases = [
        Case(
            f"request-body-{suffix}",
            level,
            body(before, openapi=openapi),
            body(after, openapi=openapi),
            note,
        )
    ]
    if not body_only:
        cases.append(
            Case(
                f"request-property-{suffix}",
                level,
                prop(before, openapi=openapi),
                prop(after, openapi=openapi),
                note,
            )
        )
    return cases


def parameter(suffix: str, level: str, before: Any, after: Any, note: str = "", **kw: Any) -> Case:
    """`request-parameter-{suffix}` for a query parameter whose schema goes from before to after."""
    return Case(f"request-parameter-{suffix}", level, param(before, **kw), param(after, **kw), note)


def _sunset(schema: Any, sunset: str | None = None, **extra: Any) -> Any:
    out = {**schema, "deprecated": True, **extra}
    if sunset is not None:
        out["x-sunset"] = sunset
    return out


INTEGER = {"type": "integer"}
NUMBER = {"type": "number"}
ARRAY = {"type": "array", "items": STRING}
CONTAINS = {**ARRAY, "contains": {"type": "string", "const": "a"}}
OBJECT = obj({"a": STRING, "b": STRING})
MEMBER_A = {"title": "A", "type": "object", "properties": {"a": STRING}}
MEMBER_B = {"title": "B", "type": "object", "properties": {"b": STRING}}
NOTE_ONLY = {"description": "an annotation, no constraint"}
ONE_A = {"title": "A", "type": "string"}
ONE_B = {"title": "B", "type": "integer"}
DISCRIMINATED = {
    "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
}
PAST, FUTURE = "2020-01-01", "9999-12-31"
HEADER_OBJECT = obj({"a": STRING})
V31 = "3.1.0"
SINGLE = {"type": "array", "prefixItems": [STRING]}


def _discriminated(discriminator: Any) -> dict[str, Any]:
    schema = {**DISCRIMINATED}
    if discriminator is not None:
        schema["discriminator"] = discriminator
    return schema


def _with_pets(doc: dict[str, Any]) -> dict[str, Any]:
    """`doc` with the `Cat` and `Dog` schemas a discriminator's mapping names."""
    pet = obj({"kind": STRING})
    doc["components"] = {"schemas": {"Cat": pet, "Dog": copy.deepcopy(pet)}}
    return doc


def _discriminator_cases() -> list[Case]:
    cat = "#/components/schemas/Cat"
    dog = "#/components/schemas/Dog"
    variants = {
        "discriminator-added": (None, {"propertyName": "kind"}),
        "discriminator-removed": ({"propertyName": "kind"}, None),
        "discriminator-property-name-changed": ({"propertyName": "kind"}, {"propertyName": "type"}),
        "discriminator-mapping-added": (
            {"propertyName": "kind"},
            {"propertyName": "kind", "mapping": {"cat": cat}},
        ),
        "discriminator-mapping-deleted": (
            {"propertyName": "kind", "mapping": {"cat": cat}},
            {"propertyName": "kind"},
        ),
        "discriminator-mapping-changed": (
            {"propertyName": "kind", "mapping": {"cat": cat}},
            {"propertyName": "kind", "mapping": {"cat": dog}},
        ),
    }
    cases = []
    for suffix, (before, after) in variants.items():
        for part, build in (("body", body), ("property", prop)):
            cases.append(
                Case(
                    f"request-{part}-{suffix}",
                    "INFO",
                    _with_pets(build(_discriminated(before))),
                    _with_pets(build(_discriminated(after))),
                )
            )
    return cases


def _schema_cases() -> list[Case]:
    """Combinators: `allOf`, `anyOf`, `oneOf` members added and removed."""
    cases: list[Case] = []
    cases += pair("all-of-added", "ERR", {"allOf": [MEMBER_A]}, {"allOf": [MEMBER_A, MEMBER_B]})
    cases += pair("all-of-removed", "WARN", {"allOf": [MEMBER_A, MEMBER_B]}, {"allOf": [MEMBER_A]})
    cases += pair(
        "all-of-added-annotation-only",
        "INFO",
        {"allOf": [MEMBER_A]},
        {"allOf": [MEMBER_A, NOTE_ONLY]},
        note="the new member only describes: it constrains nothing",
    )
    cases += pair(
        "all-of-removed-annotation-only",
        "INFO",
        {"allOf": [MEMBER_A, NOTE_ONLY]},
        {"allOf": [MEMBER_A]},
    )
    cases += pair("any-of-added", "INFO", {"anyOf": [ONE_A]}, {"anyOf": [ONE_A, ONE_B]})
    cases += pair("any-of-removed", "ERR", {"anyOf": [ONE_A, ONE_B]}, {"anyOf": [ONE_A]})
    cases += pair("one-of-added", "INFO", {"oneOf": [ONE_A]}, {"oneOf": [ONE_A, ONE_B]})
    cases += pair("one-of-removed", "ERR", {"oneOf": [ONE_A, ONE_B]}, {"oneOf": [ONE_A]})
    return cases


def _value_cases() -> list[Case]:
    """Enums, nullability, `const`, `contains`."""
    cases: list[Case] = []
    cases += pair("became-enum", "ERR", STRING, {**STRING, "enum": ["a", "b"]})
    cases += pair("became-not-nullable", "ERR", {**STRING, "nullable": True}, STRING)
    cases += pair("became-nullable", "INFO", STRING, {**STRING, "nullable": True})
    cases += pair("const-added", "ERR", STRING, {**STRING, "const": "a"}, openapi=V31)
    cases += pair(
        "const-changed", "ERR", {**STRING, "const": "a"}, {**STRING, "const": "b"}, openapi=V31
    )
    cases += pair("const-removed", "INFO", {**STRING, "const": "a"}, STRING, openapi=V31)
    cases += pair("contains-added", "ERR", ARRAY, CONTAINS, openapi=V31)
    cases += pair("contains-removed", "INFO", CONTAINS, ARRAY, openapi=V31)
    cases += pair(
        "max-contains-decreased",
        "ERR",
        {**CONTAINS, "maxContains": 3},
        {**CONTAINS, "maxContains": 1},
        openapi=V31,
    )
    cases += pair(
        "max-contains-increased",
        "INFO",
        {**CONTAINS, "maxContains": 1},
        {**CONTAINS, "maxContains": 3},
        openapi=V31,
    )
    cases += pair(
        "min-contains-increased",
        "ERR",
        {**CONTAINS, "minContains": 1},
        {**CONTAINS, "minContains": 2},
        openapi=V31,
    )
    cases += pair(
        "min-contains-decreased",
        "INFO",
        {**CONTAINS, "minContains": 2},
        {**CONTAINS, "minContains": 1},
        openapi=V31,
    )
    return cases


def _keyword_cases() -> list[Case]:
    """The 2020-12 keywords (OpenAPI 3.1), defaults and enums."""
    cases: list[Case] = []
    encoded = {**STRING, "contentEncoding": "base64", "contentMediaType": "image/png"}
    cases += pair(
        "content-encoding-changed",
        "ERR",
        encoded,
        {**encoded, "contentEncoding": "base32"},
        openapi=V31,
    )
    cases += pair(
        "content-media-type-changed",
        "ERR",
        encoded,
        {**encoded, "contentMediaType": "image/jpeg"},
        openapi=V31,
    )
    json_text = {**STRING, "contentMediaType": "application/json"}
    with_schema = {**json_text, "contentSchema": obj({"a": STRING})}
    cases += pair("content-schema-added", "ERR", json_text, with_schema, openapi=V31)
    cases += pair("content-schema-removed", "INFO", with_schema, json_text, openapi=V31)
    cases += pair("default-value-added", "INFO", STRING, {**STRING, "default": "a"})
    cases += pair(
        "default-value-changed", "INFO", {**STRING, "default": "a"}, {**STRING, "default": "b"}
    )
    cases += pair("default-value-removed", "INFO", {**STRING, "default": "a"}, STRING)
    dependent = {**OBJECT, "dependentRequired": {"a": ["b"]}}
    cases += pair("dependent-required-added", "ERR", OBJECT, dependent, openapi=V31)
    cases += pair("dependent-required-removed", "INFO", dependent, OBJECT, openapi=V31)
    cases += pair(
        "dependent-required-changed",
        "ERR",
        dependent,
        {**OBJECT, "dependentRequired": {"a": ["b", "c"]}},
        openapi=V31,
    )
    schemas = {**OBJECT, "dependentSchemas": {"a": {"required": ["b"]}}}
    cases += pair("dependent-schema-added", "ERR", OBJECT, schemas, openapi=V31)
    cases += pair("dependent-schema-removed", "INFO", schemas, OBJECT, openapi=V31)
    conditional = {**OBJECT, "if": {"required": ["a"]}}
    for keyword in ("then", "else"):
        complete = {**conditional, keyword: {"required": ["b"]}}
        cases += pair(f"{keyword}-added", "ERR", conditional, complete, openapi=V31)
        cases += pair(f"{keyword}-removed", "INFO", complete, conditional, openapi=V31)
    cases += pair("if-added", "ERR", OBJECT, conditional, openapi=V31)
    cases += pair("if-removed", "INFO", conditional, OBJECT, openapi=V31)
    cases += pair(
        "enum-value-removed", "ERR", {**STRING, "enum": ["a", "b"]}, {**STRING, "enum": ["a"]}
    )
    cases += [
        Case(
            "request-property-enum-value-added",
            "INFO",
            prop({**STRING, "enum": ["a"]}),
            prop({**STRING, "enum": ["a", "b"]}),
        )
    ]
    return cases


def _bound_cases() -> list[Case]:
    """Numeric bounds, lengths, item counts, and the 2020-12 keywords on objects and arrays."""
    cases: list[Case] = []
    for keyword, name in (("Maximum", "max"), ("Minimum", "min")):
        upper = name == "max"
        tight, loose = (5, 10) if upper else (10, 5)
        ex = f"exclusive{keyword}"
        cases += pair(
            f"exclusive-{name}-{'decreased' if upper else 'increased'}",
            "ERR",
            {**NUMBER, ex: loose},
            {**NUMBER, ex: tight},
            openapi=V31,
        )
        cases += pair(
            f"exclusive-{name}-{'increased' if upper else 'decreased'}",
            "INFO",
            {**NUMBER, ex: tight},
            {**NUMBER, ex: loose},
            openapi=V31,
        )
        cases += pair(f"exclusive-{name}-set", "WARN", NUMBER, {**NUMBER, ex: 5}, openapi=V31)
        bound = keyword.lower()
        cases += pair(
            f"{name}-{'decreased' if upper else 'increased'}",
            "ERR",
            {**NUMBER, bound: loose},
            {**NUMBER, bound: tight},
        )
        cases += pair(
            f"{name}-{'increased' if upper else 'decreased'}",
            "INFO",
            {**NUMBER, bound: tight},
            {**NUMBER, bound: loose},
        )
        cases += pair(f"{name}-set", "WARN", NUMBER, {**NUMBER, bound: 5})
    cases += pair(
        "list-of-types-narrowed",
        "ERR",
        {"type": ["string", "integer"]},
        {"type": ["string"]},
        openapi=V31,
    )
    cases += pair(
        "list-of-types-widened",
        "INFO",
        {"type": ["string"]},
        {"type": ["string", "integer"]},
        openapi=V31,
    )
    cases += pair(
        "max-length-decreased", "ERR", {**STRING, "maxLength": 10}, {**STRING, "maxLength": 5}
    )
    cases += pair(
        "max-length-increased", "INFO", {**STRING, "maxLength": 5}, {**STRING, "maxLength": 10}
    )
    cases += pair("max-length-set", "WARN", STRING, {**STRING, "maxLength": 5})
    cases += pair(
        "min-length-increased", "ERR", {**STRING, "minLength": 1}, {**STRING, "minLength": 5}
    )
    cases += pair(
        "min-length-decreased", "INFO", {**STRING, "minLength": 5}, {**STRING, "minLength": 1}
    )
    cases += pair("min-items-increased", "ERR", {**ARRAY, "minItems": 1}, {**ARRAY, "minItems": 5})
    cases += pair("min-items-set", "WARN", ARRAY, {**ARRAY, "minItems": 1})
    patterned = {"type": "object", "patternProperties": {"^x-": STRING}}
    cases += pair("pattern-property-added", "ERR", {"type": "object"}, patterned, openapi=V31)
    cases += pair("pattern-property-removed", "INFO", patterned, {"type": "object"}, openapi=V31)
    pairs = {"type": "array", "prefixItems": [STRING, INTEGER]}
    single = SINGLE
    cases += pair("prefix-items-added", "INFO", single, pairs, openapi=V31)
    cases += pair("prefix-items-removed", "ERR", pairs, single, openapi=V31)
    named = {**OBJECT, "propertyNames": {"pattern": "^[a-z]+$"}}
    cases += pair("property-names-added", "ERR", OBJECT, named, openapi=V31)
    cases += pair("property-names-removed", "INFO", named, OBJECT, openapi=V31)
    return cases


def _type_cases() -> list[Case]:
    """Type and format changes, by oasdiff's request rule."""
    cases: list[Case] = []
    cases += pair("type-changed", "ERR", STRING, INTEGER)
    cases += pair(
        "type-generalized",
        "INFO",
        INTEGER,
        NUMBER,
        note="every integer is a number: the revision accepts all the base did",
    )
    cases += [
        Case(
            f"request-{part}-type-compatible",
            "INFO",
            body(before, media="application/xml"),
            body(after, media="application/xml"),
            "XML is not strongly typed: any value can be read as a string, so object -> string "
            "changes no accepted document (a swap, not a widening)",
        )
        for part, before, after in (
            ("body", {"type": "object"}, STRING),
            ("property", obj({"p": INTEGER}), obj({"p": STRING})),
        )
    ]
    closed = {**OBJECT, "unevaluatedProperties": False}
    cases += pair("unevaluated-properties-added", "ERR", OBJECT, closed, openapi=V31)
    cases += pair("unevaluated-properties-removed", "INFO", closed, OBJECT, openapi=V31)
    tuple_closed = {**SINGLE, "unevaluatedItems": False}
    cases += pair("unevaluated-items-added", "ERR", SINGLE, tuple_closed, openapi=V31)
    cases += pair("unevaluated-items-removed", "INFO", tuple_closed, SINGLE, openapi=V31)
    return cases


def _body_cases() -> list[Case]:
    """The request body itself: added, removed, required, media types, its schema."""
    person = obj({"name": STRING})
    return [
        Case("request-body-added-optional", "INFO", document({}), body(STRING)),
        Case("request-body-added-required", "ERR", document({}), body(STRING, required=True)),
        Case("request-body-removed", "ERR", body(STRING), document({})),
        Case(
            "request-body-became-optional",
            "INFO",
            body(STRING, required=True),
            body(STRING, required=False),
        ),
        Case(
            "request-body-became-required",
            "ERR",
            body(STRING, required=False),
            body(STRING, required=True),
        ),
        Case(
            "request-body-media-type-added",
            "INFO",
            body(STRING),
            _two_media(STRING),
        ),
        Case(
            "request-body-media-type-removed",
            "ERR",
            _two_media(STRING),
            body(STRING),
        ),
        Case("request-body-media-type-schema-added", "ERR", body(None), body(STRING)),
        Case("request-body-media-type-schema-removed", "INFO", body(STRING), body(None)),
        Case(
            "request-body-wrapped-in-one-of",
            "ERR",
            body(person),
            body({"oneOf": [person, obj({"nickname": STRING})]}),
            "the object became one of two alternatives: one finding, not removals and additions",
        ),
    ]


def _two_media(schema: Any) -> dict[str, Any]:
    doc = body(schema)
    content = doc["paths"]["/things"]["post"]["requestBody"]["content"]
    content["application/xml"] = {"schema": schema}
    return doc


def _property_cases() -> list[Case]:
    """Rules about a body's properties only: presence, requiredness, access, lifecycle."""
    two = obj({"a": STRING, "b": STRING})
    read_only = {**NUMBER, "readOnly": True}
    cases = [
        Case("new-optional-request-property", "INFO", body(obj({"a": STRING})), body(two)),
        Case(
            "new-required-request-property",
            "ERR",
            body(obj({"a": STRING})),
            body(obj({"a": STRING, "b": STRING}, ["b"])),
        ),
        Case(
            "new-required-request-property-with-default",
            "ERR",
            body(obj({"a": STRING})),
            body(obj({"a": STRING, "b": {**STRING, "default": "x"}}, ["b"])),
            "a default is the server's fallback; it does not make an omitted required property "
            "valid",
        ),
        Case("request-property-removed", "WARN", body(two), body(obj({"a": STRING}))),
        Case("request-property-became-required", "ERR", prop(STRING), prop(STRING, required=True)),
        Case(
            "request-property-became-required-with-default",
            "ERR",
            prop({**STRING, "default": "x"}),
            prop({**STRING, "default": "x"}, required=True),
        ),
        Case("request-property-became-optional", "INFO", prop(STRING, required=True), prop(STRING)),
        Case(
            "request-property-x-extensible-enum-value-removed",
            "ERR",
            prop({**STRING, "x-extensible-enum": ["a", "b"]}),
            prop({**STRING, "x-extensible-enum": ["a"]}),
        ),
        Case(
            "request-property-pattern-added", "ERR", prop(STRING), prop({**STRING, "pattern": "^a"})
        ),
        Case(
            "request-property-pattern-changed",
            "WARN",
            prop({**STRING, "pattern": "^a"}),
            prop({**STRING, "pattern": "^b"}),
        ),
        Case(
            "request-property-pattern-generalized",
            "INFO",
            prop({**STRING, "pattern": "^a"}),
            prop({**STRING, "pattern": ".*"}),
        ),
        Case(
            "request-property-pattern-removed",
            "INFO",
            prop({**STRING, "pattern": "^a"}),
            prop(STRING),
        ),
        Case(
            "request-read-only-property-enum-value-removed",
            "INFO",
            prop({**STRING, "readOnly": True, "enum": ["a", "b"]}),
            prop({**STRING, "readOnly": True, "enum": ["a"]}),
        ),
        Case(
            "request-read-only-property-max-decreased",
            "INFO",
            prop({**read_only, "maximum": 10}),
            prop({**read_only, "maximum": 5}),
        ),
        Case(
            "request-read-only-property-min-increased",
            "INFO",
            prop({**read_only, "minimum": 5}),
            prop({**read_only, "minimum": 10}),
        ),
        Case(
            "request-read-only-property-exclusive-max-decreased",
            "INFO",
            prop({**read_only, "exclusiveMaximum": 10}, openapi=V31),
            prop({**read_only, "exclusiveMaximum": 5}, openapi=V31),
        ),
        Case(
            "request-read-only-property-exclusive-min-increased",
            "INFO",
            prop({**read_only, "exclusiveMinimum": 5}, openapi=V31),
            prop({**read_only, "exclusiveMinimum": 10}, openapi=V31),
        ),
        Case(
            "request-read-only-property-max-length-decreased",
            "INFO",
            prop({**STRING, "readOnly": True, "maxLength": 10}),
            prop({**STRING, "readOnly": True, "maxLength": 5}),
        ),
        Case("request-property-deprecated", "INFO", prop(STRING), prop(_sunset(STRING))),
        Case(
            "request-property-deprecated-sunset-missing",
            "ERR",
            prop(STRING),
            prop(_sunset(STRING)),
            "under a minimum deprecation period (oasdiff's --deprecation-days-*), a sunset is due",
            options={"policy": DeprecationPolicy()},
        ),
        Case(
            "request-property-deprecated-with-sunset",
            "INFO",
            prop(STRING),
            prop(_sunset(STRING, FUTURE)),
        ),
        Case(
            "request-property-deprecated-sunset-invalid",
            "ERR",
            prop(STRING),
            prop(_sunset(STRING, "next spring")),
        ),
        Case(
            "request-property-sunset-date-too-small",
            "ERR",
            prop(STRING),
            prop(_sunset(STRING, PAST)),
            "deprecated with a sunset date already past: no deprecation period at all",
        ),
        Case("request-property-reactivated", "INFO", prop(_sunset(STRING)), prop(STRING)),
        Case(
            "request-property-stability-decreased",
            "ERR",
            prop({**STRING, "x-stability-level": "stable"}),
            prop({**STRING, "x-stability-level": "beta"}),
        ),
        Case(
            "request-property-stability-increased",
            "INFO",
            prop({**STRING, "x-stability-level": "beta"}),
            prop({**STRING, "x-stability-level": "stable"}),
        ),
    ]
    for key, word in (("readOnly", "read-only"), ("writeOnly", "write-only")):
        for kind, required in (("optional", False), ("required", True)):
            flagged = {**STRING, key: True}
            cases.append(
                Case(
                    f"request-{kind}-property-became-{word}",
                    "INFO",
                    prop(STRING, required=required),
                    prop(flagged, required=required),
                )
            )
            cases.append(
                Case(
                    f"request-{kind}-property-became-not-{word}",
                    "INFO",
                    prop(flagged, required=required),
                    prop(STRING, required=required),
                )
            )
    return cases


def _path_level(parameter: dict[str, Any] | None) -> dict[str, Any]:
    """`GET` and `POST /things`, with `parameter` declared for the whole path."""
    doc = document({}, method="get")
    doc["paths"]["/things"]["post"] = {"responses": {"200": {"description": "done"}}}
    if parameter is not None:
        doc["paths"]["/things"]["parameters"] = [parameter]
    return doc


def _header(schema: Any) -> dict[str, Any]:
    return param(schema, where="header", name="X-Filter")


def _parameter_cases() -> list[Case]:
    cases = [
        Case("new-optional-request-parameter", "INFO", param(None), param(STRING)),
        Case("new-required-request-parameter", "ERR", param(None), param(STRING, required=True)),
        Case(
            "new-request-path-parameter",
            "ERR",
            document({}, path="/things/{p}", method="get"),
            param(STRING, where="path"),
            "the path template is the same route with a parameter declared for its segment",
        ),
        Case(
            "new-optional-request-default-parameter-to-existing-path",
            "INFO",
            _path_level(None),
            _path_level({"name": "p", "in": "query", "schema": STRING}),
            "declared once for the path, it reaches both operations: one change each",
        ),
        Case(
            "new-required-request-default-parameter-to-existing-path",
            "ERR",
            _path_level(None),
            _path_level({"name": "p", "in": "query", "required": True, "schema": STRING}),
        ),
        Case(
            "new-required-request-header-property",
            "ERR",
            _header(HEADER_OBJECT),
            _header(obj({"a": STRING, "b": STRING}, ["b"])),
        ),
        Case(
            "request-header-property-became-required",
            "ERR",
            _header(obj({"a": STRING, "b": STRING})),
            _header(obj({"a": STRING, "b": STRING}, ["b"])),
        ),
        Case(
            "request-header-property-became-enum",
            "ERR",
            _header(HEADER_OBJECT),
            _header(obj({"a": {**STRING, "enum": ["x"]}})),
        ),
        Case(
            "request-parameter-became-required", "ERR", param(STRING), param(STRING, required=True)
        ),
        Case(
            "request-parameter-became-optional", "INFO", param(STRING, required=True), param(STRING)
        ),
        Case("request-parameter-removed", "WARN", param(STRING), param(None)),
        Case(
            "request-parameter-removed-with-deprecation",
            "INFO",
            param(STRING, deprecated=True),
            param(None),
        ),
        Case(
            "request-parameter-removed-before-sunset",
            "ERR",
            param(STRING, deprecated=True, **{"x-sunset": FUTURE}),
            param(None),
        ),
        Case(
            "request-parameter-sunset-parse",
            "ERR",
            param(STRING, deprecated=True, **{"x-sunset": "next spring"}),
            param(None),
            "removed while its sunset date cannot be read",
        ),
        Case("request-parameter-deprecated", "INFO", param(STRING), param(STRING, deprecated=True)),
        Case(
            "request-parameter-deprecated-sunset-missing",
            "ERR",
            param(STRING),
            param(STRING, deprecated=True),
            "under a minimum deprecation period (oasdiff's --deprecation-days-*), a sunset is due",
            options={"policy": DeprecationPolicy()},
        ),
        Case(
            "request-parameter-reactivated", "INFO", param(STRING, deprecated=True), param(STRING)
        ),
        Case(
            "request-parameter-sunset-date-too-small",
            "ERR",
            param(STRING),
            param(STRING, deprecated=True, **{"x-sunset": PAST}),
            "deprecated with a sunset date already past",
        ),
        Case(
            "request-parameter-sunset-deleted",
            "ERR",
            param(STRING, deprecated=True, **{"x-sunset": FUTURE}),
            param(STRING, deprecated=True),
        ),
        Case(
            "request-parameter-sunset-date-changed-too-small",
            "ERR",
            param(STRING, deprecated=True, **{"x-sunset": FUTURE}),
            # moved earlier, to a date already past: less notice than none (oasdiff's default
            # policy asks for no days; diff_specs(policy=...) asks for more)
            param(STRING, deprecated=True, **{"x-sunset": "2026-01-01"}),
        ),
        parameter("became-enum", "ERR", STRING, {**STRING, "enum": ["a"]}),
        parameter("became-nullable", "INFO", STRING, {**STRING, "nullable": True}),
        parameter("became-not-nullable", "ERR", {**STRING, "nullable": True}, STRING),
        parameter("default-value-added", "ERR", STRING, {**STRING, "default": "a"}),
        parameter(
            "default-value-changed", "ERR", {**STRING, "default": "a"}, {**STRING, "default": "b"}
        ),
        parameter("default-value-removed", "ERR", {**STRING, "default": "a"}, STRING),
        parameter(
            "enum-value-added", "INFO", {**STRING, "enum": ["a"]}, {**STRING, "enum": ["a", "b"]}
        ),
        parameter(
            "enum-value-removed", "ERR", {**STRING, "enum": ["a", "b"]}, {**STRING, "enum": ["a"]}
        ),
        parameter(
            "x-extensible-enum-value-removed",
            "ERR",
            {**STRING, "x-extensible-enum": ["a", "b"]},
            {**STRING, "x-extensible-enum": ["a"]},
        ),
        parameter(
            "list-of-types-narrowed",
            "ERR",
            {"type": ["string", "integer"]},
            {"type": ["integer"]},
            openapi=V31,
        ),
        parameter(
            "list-of-types-widened",
            "INFO",
            {"type": ["integer"]},
            {"type": ["string", "integer"]},
            openapi=V31,
        ),
        parameter("type-changed", "ERR", STRING, INTEGER),
        parameter(
            "type-generalized",
            "INFO",
            INTEGER,
            STRING,
            "a parameter is text on the wire: every integer it carried is a string",
        ),
        parameter("pattern-added", "ERR", STRING, {**STRING, "pattern": "^a"}),
        parameter(
            "pattern-changed", "WARN", {**STRING, "pattern": "^a"}, {**STRING, "pattern": "^b"}
        ),
        parameter(
            "pattern-generalized", "INFO", {**STRING, "pattern": "^a"}, {**STRING, "pattern": ".*"}
        ),
        parameter("pattern-removed", "INFO", {**STRING, "pattern": "^a"}, STRING),
        parameter(
            "max-length-decreased", "ERR", {**STRING, "maxLength": 10}, {**STRING, "maxLength": 5}
        ),
        parameter(
            "max-length-increased", "INFO", {**STRING, "maxLength": 5}, {**STRING, "maxLength": 10}
        ),
        parameter("max-length-set", "WARN", STRING, {**STRING, "maxLength": 5}),
        parameter(
            "min-length-increased", "ERR", {**STRING, "minLength": 1}, {**STRING, "minLength": 5}
        ),
        parameter(
            "min-length-decreased", "INFO", {**STRING, "minLength": 5}, {**STRING, "minLength": 1}
        ),
        parameter(
            "max-items-decreased", "ERR", {**ARRAY, "maxItems": 10}, {**ARRAY, "maxItems": 5}
        ),
        parameter(
            "max-items-increased", "INFO", {**ARRAY, "maxItems": 5}, {**ARRAY, "maxItems": 10}
        ),
        parameter("min-items-increased", "ERR", {**ARRAY, "minItems": 1}, {**ARRAY, "minItems": 5}),
        parameter(
            "min-items-decreased", "INFO", {**ARRAY, "minItems": 5}, {**ARRAY, "minItems": 1}
        ),
        parameter("min-items-set", "WARN", ARRAY, {**ARRAY, "minItems": 1}),
    ]
    for keyword, name in (("Maximum", "max"), ("Minimum", "min")):
        upper = name == "max"
        tight, loose = (5, 10) if upper else (10, 5)
        ex = f"exclusive{keyword}"
        bound = keyword.lower()
        narrowing = "decreased" if upper else "increased"
        widening = "increased" if upper else "decreased"
        cases += [
            parameter(
                f"{name}-{narrowing}", "ERR", {**NUMBER, bound: loose}, {**NUMBER, bound: tight}
            ),
            parameter(
                f"{name}-{widening}", "INFO", {**NUMBER, bound: tight}, {**NUMBER, bound: loose}
            ),
            parameter(f"{name}-set", "WARN", NUMBER, {**NUMBER, bound: 5}),
            parameter(
                f"exclusive-{name}-{narrowing}",
                "ERR",
                {**NUMBER, ex: loose},
                {**NUMBER, ex: tight},
                openapi=V31,
            ),
            parameter(
                f"exclusive-{name}-{widening}",
                "INFO",
                {**NUMBER, ex: tight},
                {**NUMBER, ex: loose},
                openapi=V31,
            ),
            parameter(f"exclusive-{name}-set", "WARN", NUMBER, {**NUMBER, ex: 5}, openapi=V31),
        ]
    # a parameter whose value is an object (`deepObject`, or JSON in a query string)
    filters: dict[str, Any] = {"style": "deepObject", "explode": True}
    cases += [
        parameter(
            "property-became-nullable",
            "INFO",
            obj({"a": STRING}),
            obj({"a": {**STRING, "nullable": True}}),
            **filters,
        ),
        parameter(
            "property-became-not-nullable",
            "ERR",
            obj({"a": {**STRING, "nullable": True}}),
            obj({"a": STRING}),
            **filters,
        ),
        parameter(
            "property-enum-value-added",
            "INFO",
            obj({"a": {**STRING, "enum": ["x"]}}),
            obj({"a": {**STRING, "enum": ["x", "y"]}}),
            **filters,
        ),
        parameter(
            "property-enum-value-removed",
            "ERR",
            obj({"a": {**STRING, "enum": ["x", "y"]}}),
            obj({"a": {**STRING, "enum": ["x"]}}),
            **filters,
        ),
        parameter(
            "property-list-of-types-narrowed",
            "ERR",
            obj({"a": {"type": ["string", "integer"]}}),
            obj({"a": {"type": ["integer"]}}),
            openapi=V31,
            **filters,
        ),
        parameter(
            "property-list-of-types-widened",
            "INFO",
            obj({"a": {"type": ["integer"]}}),
            obj({"a": {"type": ["string", "integer"]}}),
            openapi=V31,
            **filters,
        ),
        parameter(
            "property-type-generalized",
            "INFO",
            obj({"a": INTEGER}),
            obj({"a": NUMBER}),
            "every integer is a number, as JSON and as text",
            **filters,
        ),
        parameter(
            "property-type-changed",
            "WARN",
            obj({"a": INTEGER}),
            obj({"a": STRING}),
            "an integer read as text is a string, as JSON it is not: how the object is "
            "serialised decides, so oasdiff warns",
            **filters,
        ),
        parameter(
            "property-type-specialized",
            "ERR",
            obj({"a": STRING}),
            obj({"a": INTEGER}),
            "a string is not an integer in any serialisation",
            **filters,
        ),
    ]
    return cases


CASES: list[Case] = [
    *_schema_cases(),
    *_value_cases(),
    *_keyword_cases(),
    *_bound_cases(),
    *_type_cases(),
    *_discriminator_cases(),
    *_body_cases(),
    *_property_cases(),
    *_parameter_cases(),
]

NOT_APPLICABLE: dict[str, str] = {}

# More examples of rules already in `CASES`, for the shortfalls issue #18 reported: each is a
# change oasdiff rates as the case says where Accord once reported another id or level.
EXTRA_CASES: list[Case] = [
    Case(
        "request-property-type-generalized",
        "INFO",
        prop({**INTEGER, "format": "int32"}),
        prop({**INTEGER, "format": "int64"}),
        "every int32 is an int64 (oasdiff's format widenings)",
    ),
    Case(
        "request-property-type-generalized",
        "INFO",
        prop({**STRING, "format": "date"}),
        prop({**STRING, "format": "date-time"}),
    ),
    Case(
        "request-property-type-changed",
        "ERR",
        prop({**INTEGER, "format": "int64"}),
        prop({**INTEGER, "format": "int32"}),
    ),
    Case(
        "request-property-type-changed",
        "ERR",
        prop(NUMBER),
        prop(STRING),
        'in JSON 1 is not "1": a number becoming a string refuses the old requests',
    ),
    Case(
        "request-property-type-compatible",
        "INFO",
        body(obj({"p": NUMBER}), media="application/x-www-form-urlencoded"),
        body(obj({"p": STRING}), media="application/x-www-form-urlencoded"),
        "a form field is text: the number a client sent is still a valid string",
    ),
    Case(
        "request-body-type-changed",
        "ERR",
        body({}),
        body(STRING),
        "a type where there was none refuses every other kind of value",
    ),
    Case("request-body-type-generalized", "INFO", body(STRING), body({})),
    parameter(
        "type-generalized",
        "INFO",
        NUMBER,
        STRING,
        "a query value is text: any number it carried is a valid string",
    ),
    parameter("type-generalized", "INFO", INTEGER, NUMBER),
    parameter(
        "pattern-added",
        "ERR",
        STRING,
        {**STRING, "pattern": ".*"},
        "a pattern where there was none is oasdiff's error, whatever it matches",
    ),
    Case("request-property-pattern-added", "ERR", prop(STRING), prop({**STRING, "pattern": ".*"})),
    parameter(
        "max-items-decreased",
        "ERR",
        {"type": "array", "items": {**ARRAY, "maxItems": 5}},
        {"type": "array", "items": {**ARRAY, "maxItems": 3}},
        "maxItems on the parameter's items (oasdiff's legacy fallback)",
    ),
    parameter(
        "property-type-generalized",
        "INFO",
        obj({"a": {**INTEGER, "format": "int32"}}),
        obj({"a": {**INTEGER, "format": "int64"}}),
        style="deepObject",
        explode=True,
    ),
    Case(
        "request-header-property-became-enum",
        "ERR",
        _header(obj({"a": STRING, "b": STRING})),
        _header(obj({"a": STRING, "b": {**STRING, "enum": ["x"]}})),
    ),
]

"""The comparison of small specs and pacts: one behaviour per test, read from the findings."""

from __future__ import annotations

from typing import Any

from tests.support.linear_regex import backtracking_refused
from verifier.comparison import Spec, compare

OK = {"200": {"description": "OK"}}


def spec(paths: dict[str, Any], *, version: str = "3.0.3", **extra: Any) -> Spec:
    return Spec(
        {"openapi": version, "info": {"title": "t", "version": "1"}, "paths": paths, **extra}
    )


def json_response(schema: Any, status: str = "200") -> dict[str, Any]:
    return {status: {"description": "x", "content": {"application/json": {"schema": schema}}}}


def get(path: str, body: Any = None, status: int = 200, **request: Any) -> dict[str, Any]:
    response: dict[str, Any] = {"status": status}
    if body is not None:
        response["body"] = body
    return {
        "description": f"GET {path}",
        "request": {"method": "GET", "path": path, **request},
        "response": response,
    }


def results(
    the_spec: Spec, *interactions: dict[str, Any], version: str = "3.0.0"
) -> list[tuple[str, str, str]]:
    pact = {
        "interactions": list(interactions),
        "metadata": {"pactSpecification": {"version": version}},
    }
    return [
        (f.code, f.mock_details.location, f.spec_details.location) for f in compare(the_spec, pact)
    ]


PET = {
    "type": "object",
    "required": ["id", "name"],
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "tag": {"type": "string", "nullable": True},
    },
}


def pets_spec(schema: Any = PET, **extra: Any) -> Spec:
    return spec({"/pets": {"get": {"responses": json_response(schema)}}}, **extra)


def test_a_consumer_may_read_fewer_properties_than_the_provider_declares() -> None:
    assert results(pets_spec(), get("/pets", {"name": "Rex"})) == []


def test_a_property_the_provider_does_not_declare_is_an_error() -> None:
    at = "[root].paths./pets.get.responses.200.content.application/json.schema.additionalProperties"
    assert results(pets_spec(), get("/pets", {"id": 1, "colour": "red"})) == [
        ("response.body.incompatible", "[root].interactions[0].response.body", at)
    ]


def test_a_schema_valued_additional_properties_keeps_the_object_open() -> None:
    open_schema = {"type": "object", "additionalProperties": {"type": "string"}}
    assert results(pets_spec(open_schema), get("/pets", {"any": "thing"})) == []
    assert [r[0] for r in results(pets_spec(open_schema), get("/pets", {"any": 1}))] == [
        "response.body.incompatible"
    ]


def test_nullable_in_openapi_3_0_accepts_null_only_where_declared() -> None:
    assert results(pets_spec(), get("/pets", {"tag": None})) == []
    assert [r[1] for r in results(pets_spec(), get("/pets", {"name": None}))] == [
        "[root].interactions[0].response.body.name"
    ]


def test_the_openapi_3_1_dialect_type_lists_and_const() -> None:
    schema = {
        "type": "object",
        "properties": {
            "kind": {"const": "dog"},
            "note": {"type": ["string", "null"]},
            "age": {"type": "integer", "exclusiveMinimum": 0},
        },
    }
    the_spec = spec({"/pets": {"get": {"responses": json_response(schema)}}}, version="3.1.0")
    assert results(the_spec, get("/pets", {"kind": "dog", "note": None, "age": 1})) == []
    found = results(the_spec, get("/pets", {"kind": "cat", "age": 0}))
    assert [r[2].rsplit(".", 2)[-2:] for r in found] == [
        ["kind", "const"],
        ["age", "exclusiveMinimum"],
    ]


def test_boolean_exclusive_minimum_of_openapi_3_0_is_read_as_a_number() -> None:
    schema = {"type": "integer", "minimum": 0, "exclusiveMinimum": True}
    the_spec = spec(
        {
            "/n": {
                "get": {
                    "parameters": [{"name": "n", "in": "query", "schema": schema}],
                    "responses": OK,
                }
            }
        }
    )
    assert results(the_spec, get("/n", query="n=1")) == []
    assert [r[0] for r in results(the_spec, get("/n", query="n=0"))] == [
        "request.query.incompatible"
    ]


def test_all_of_is_merged_so_each_part_s_properties_are_declared() -> None:
    components = {
        "schemas": {"Base": {"type": "object", "properties": {"id": {"type": "integer"}}}}
    }
    schema = {
        "allOf": [
            {"$ref": "#/components/schemas/Base"},
            {"type": "object", "properties": {"name": {"type": "string"}}},
        ]
    }
    the_spec = pets_spec(schema, components=components)
    assert results(the_spec, get("/pets", {"id": 1, "name": "Rex"})) == []
    assert [
        r[2].rsplit(".", 1)[-1] for r in results(the_spec, get("/pets", {"id": 1, "x": 2}))
    ] == ["additionalProperties"]


def test_a_discriminator_picks_the_one_of_branch_to_report_from() -> None:
    components = {
        "schemas": {
            "Cat": {
                "type": "object",
                "properties": {
                    "kind": {"type": "string", "enum": ["cat"]},
                    "claws": {"type": "boolean"},
                },
            },
            "Dog": {
                "type": "object",
                "properties": {
                    "kind": {"type": "string", "enum": ["dog"]},
                    "bark": {"type": "string"},
                },
            },
        }
    }
    schema = {
        "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
        "discriminator": {"propertyName": "kind"},
    }
    the_spec = pets_spec(schema, components=components)
    assert results(the_spec, get("/pets", {"kind": "dog", "bark": "woof"})) == []
    found = results(the_spec, get("/pets", {"kind": "dog", "bark": 3}))
    assert [r[1:] for r in found] == [
        (
            "[root].interactions[0].response.body.bark",
            "[root].paths./pets.get.responses.200.content.application/json.schema.components.schemas"
            ".Dog.properties.bark.type",
        )
    ]
    assert [r[0] for r in results(the_spec, get("/pets", {"kind": "cow"}))] == [
        "response.body.incompatible"
    ]


def test_recursive_references_validate_at_every_depth() -> None:
    """A schema that references itself is located from its own root, as Ajv compiles it apart."""
    node = {
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
        },
    }
    the_spec = pets_spec(
        {"$ref": "#/components/schemas/Node"}, components={"schemas": {"Node": node}}
    )
    tree = {"name": "a", "children": [{"name": "b", "children": [{"name": 3}]}]}
    assert results(the_spec, get("/pets", tree)) == [
        (
            "response.body.incompatible",
            "[root].interactions[0].response.body.children.0.children.0.name",
            "[root].paths./pets.get.responses.200.content.application/json.schema.properties.name.type",
        )
    ]


def post_spec(**operation: Any) -> Spec:
    body = {"required": True, "content": {"application/json": {"schema": PET}}}
    return spec({"/pets": {"post": {"requestBody": body, "responses": OK, **operation}}})


def post(body: Any, status: int = 200, **headers: str) -> dict[str, Any]:
    request = {
        "method": "POST",
        "path": "/pets",
        "headers": {"Content-Type": "application/json", **headers},
        "body": body,
    }
    return {"description": "create", "request": request, "response": {"status": status}}


def test_request_bodies_are_checked_as_written_required_and_open() -> None:
    assert results(post_spec(), post({"id": 1, "name": "Rex", "extra": True})) == []
    assert results(post_spec(), post({"id": 1})) == [
        (
            "request.body.incompatible",
            "[root].interactions[0].request.body",
            "[root].paths./pets.post.requestBody.content.application/json.schema.required",
        )
    ]


def test_a_request_expected_to_fail_need_not_be_valid() -> None:
    the_spec = post_spec(responses={"200": {"description": "OK"}, "400": {"description": "bad"}})
    assert results(the_spec, post({"id": "x"}, status=400)) == []


def test_a_missing_bearer_token_is_reported_and_a_present_one_is_not() -> None:
    schemes = {"securitySchemes": {"token": {"type": "http", "scheme": "bearer"}}}
    the_spec = spec(
        {"/me": {"get": {"security": [{"token": []}], "responses": OK}}}, components=schemes
    )
    assert results(the_spec, get("/me")) == [
        (
            "request.authorization.missing",
            "[root].interactions[0].request.headers",
            "[root].paths./me.get",
        )
    ]
    assert results(the_spec, get("/me", headers={"Authorization": "Bearer abc"})) == []


def test_query_values_are_coerced_and_required_ones_enforced() -> None:
    parameters = [{"name": "limit", "in": "query", "required": True, "schema": {"type": "integer"}}]
    the_spec = spec({"/pets": {"get": {"parameters": parameters, "responses": OK}}})
    assert results(the_spec, get("/pets", query={"limit": ["10"]}), version="3.0.0") == []
    assert [r[:2] for r in results(the_spec, get("/pets"))] == [
        ("request.query.incompatible", "[root].interactions[0].request.query.limit")
    ]
    assert [r[0] for r in results(the_spec, get("/pets", query="limit=10&extra=1"))] == [
        "request.query.unknown"
    ]


def test_status_ranges_and_default_responses() -> None:
    the_spec = spec(
        {
            "/a": {
                "get": {
                    "responses": {"2XX": {"description": "ok"}, "default": {"description": "e"}}
                }
            }
        }
    )
    assert results(the_spec, get("/a", status=204)) == []
    assert [r[0] for r in results(the_spec, get("/a", status=500))] == ["response.status.default"]


def test_a_v4_pact_s_encoded_bodies_and_header_lists_are_read() -> None:
    interaction = {
        "type": "Synchronous/HTTP",
        "description": "v4",
        "request": {"method": "GET", "path": "/pets", "headers": {"accept": ["application/json"]}},
        "response": {
            "status": 200,
            "headers": {"content-type": ["application/json"]},
            "body": {
                "content": '{"id": "one"}',
                "contentType": "application/json",
                "encoded": "JSON",
            },
        },
    }
    message = {"type": "Asynchronous/Messages", "description": "an event", "contents": {}}
    found = results(pets_spec(), interaction, message, version="4.0")
    assert found == [
        (
            "response.body.incompatible",
            "[root].interactions[0].response.body.id",
            "[root].paths./pets.get.responses.200.content.application/json.schema.properties.id.type",
        )
    ]


def test_findings_encode_to_the_comparator_s_json_shape() -> None:
    pact = {"interactions": [get("/nowhere")]}
    (finding,) = compare(pets_spec(), pact)
    assert finding.to_json() == {
        "code": "request.path-or-method.unknown",
        "message": finding.message,
        "mockDetails": {
            "interactionDescription": "GET /nowhere",
            "interactionState": "[none]",
            "location": "[root].interactions[0].request.path",
            "value": "/nowhere",
        },
        "specDetails": {"location": "[root].paths", "pathMethod": None, "pathName": None},
        "type": "error",
    }
    assert finding.is_error


def test_references_to_other_documents_are_not_checked_and_property_escapes_are_read() -> None:
    schema = {
        "type": "object",
        "properties": {
            "elsewhere": {"$ref": "common.yaml#/components/schemas/Thing"},
            "letters": {"type": "string", "pattern": "^\\p{L}+$"},
            "code": {"type": "string", "pattern": "^[A-Z]{3}$"},
        },
    }
    found = results(pets_spec(schema), get("/pets", {"elsewhere": 1, "letters": "é", "code": "x"}))
    assert [r[2].rsplit(".", 2)[-2:] for r in found] == [["code", "pattern"]]


LONG_MISS = "a" * 40 + "!"


def test_trust_07_a_catastrophic_pattern_is_compared_in_linear_time() -> None:
    schema = {
        "type": "object",
        "properties": {"code": {"type": "string", "pattern": "^(a+)+$"}},
        "patternProperties": {"^(x+x+)+y$": {"type": "integer"}},
    }
    with backtracking_refused(patterns=["(a+)+", "x+x+"], texts=["a" * 40, "x" * 40]):
        found = results(
            pets_spec(schema),
            get("/pets", {"code": LONG_MISS}),
            get("/pets", {"code": "a" * 40}),
            get("/pets", {"code": "a", "x" * 40: 1}),
        )
    assert [(r[1], r[2].rsplit(".", 2)[-2:]) for r in found] == [
        ("[root].interactions[0].response.body.code", ["code", "pattern"]),
        ("[root].interactions[2].response.body", ["schema", "additionalProperties"]),
    ]


def test_trust_07_a_pattern_re2_cannot_run_is_a_finding_not_a_pass() -> None:
    schema = {
        "type": "object",
        "properties": {"code": {"type": "string", "pattern": "^(?=\\d)\\w+$"}},
    }
    found = compare(
        pets_spec(schema),
        {"interactions": [get("/pets", {"code": "1a"})], "metadata": {}},
    )
    assert [f.code for f in found] == ["response.body.incompatible"]
    assert "look-ahead" in found[0].message


def test_trust_07_a_path_template_with_many_parameters_in_a_segment_routes_at_once() -> None:
    """`{a}{b}{c}{d}{e}{f}x` is `(.+)(.+)(.+)(.+)(.+)(.+)x`: n^6 tries for a backtracking engine."""
    with backtracking_refused(texts=["a" * 3000]):
        the_spec = spec({"/{a}{b}{c}{d}{e}{f}x": {"get": {"responses": OK}}})
        found = results(the_spec, get("/" + "a" * 3000), get("/abcdefx"))
    assert [r[0] for r in found] == ["request.path-or-method.unknown"]


def test_trust_07_format_regex_accepts_what_re2_runs_in_the_ecma_dialect() -> None:
    schema = {"type": "object", "properties": {"rule": {"type": "string", "format": "regex"}}}
    found = results(
        pets_spec(schema),
        get("/pets", {"rule": "^\\p{L}+\\u{1F600}$"}),
        get("/pets", {"rule": "^(?=a)"}),
    )
    assert [(r[1], r[2].rsplit(".", 1)[-1]) for r in found] == [
        ("[root].interactions[1].response.body.rule", "format")
    ]

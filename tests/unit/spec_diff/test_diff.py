"""`diff_specs`: each class of breaking change, with oasdiff's id, level, operation and place."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.unit.spec_diff.specs import BASE, base, edited
from verifier.comparison import SpecError, load_spec
from verifier.spec_diff import Change, Level, diff_specs

PET = ["components", "schemas", "Pet"]
NEW_PET = ["components", "schemas", "NewPet"]
LIST = ["paths", "/pets", "get"]


def found(changes: list[Change]) -> set[tuple[str, str, str]]:
    return {(c.id, c.level.value, c.operation) for c in changes}


def test_the_same_spec_has_no_changes() -> None:
    assert diff_specs(base(), base()) == []


CASES: list[tuple[str, list[tuple[list[Any], Any]], tuple[str, str, str]]] = [
    (
        "path removed",
        [(["paths", "/pets/{id}"], ...)],
        ("api-path-removed-without-deprecation", "ERR", "GET /pets/{id}"),
    ),
    (
        "operation removed",
        [(["paths", "/pets", "post"], ...)],
        ("api-removed-without-deprecation", "ERR", "POST /pets"),
    ),
    (
        "parameter maximum lowered",
        [([*LIST, "parameters", 0, "schema", "maximum"], 50)],
        ("request-parameter-max-decreased", "ERR", "GET /pets"),
    ),
    (
        "parameter enum narrowed",
        [([*LIST, "parameters", 1, "schema", "enum"], ["cat"])],
        ("request-parameter-enum-value-removed", "ERR", "GET /pets"),
    ),
    (
        "parameter made required",
        [([*LIST, "parameters", 0, "required"], True)],
        ("request-parameter-became-required", "ERR", "GET /pets"),
    ),
    (
        "parameter type changed",
        [([*LIST, "parameters", 1, "schema", "type"], "integer")],
        ("request-parameter-type-changed", "ERR", "GET /pets"),
    ),
    (
        "required parameter added",
        [
            (
                [*LIST, "parameters", 2],
                {"name": "q", "in": "query", "required": True, "schema": {"type": "string"}},
            )
        ],
        ("new-required-request-parameter", "ERR", "GET /pets"),
    ),
    (
        "request property made required",
        [([*NEW_PET, "required"], ["name", "tag"])],
        ("request-property-became-required", "ERR", "POST /pets"),
    ),
    (
        "required request property added",
        [
            ([*NEW_PET, "properties", "age"], {"type": "integer"}),
            ([*NEW_PET, "required"], ["name", "age"]),
        ],
        ("new-required-request-property", "ERR", "POST /pets"),
    ),
    (
        "request body made required",
        [(["paths", "/pets", "post", "requestBody", "required"], True)],
        ("request-body-became-required", "ERR", "POST /pets"),
    ),
    (
        "request media type removed",
        [(["paths", "/pets", "post", "requestBody", "content"], {"application/xml": {}})],
        ("request-body-media-type-removed", "ERR", "POST /pets"),
    ),
    (
        "response property type changed",
        [([*PET, "properties", "name", "type"], "integer")],
        ("response-property-type-changed", "ERR", "GET /pets/{id}"),
    ),
    (
        "response property made optional",
        [([*PET, "required"], ["id"])],
        ("response-property-became-optional", "ERR", "GET /pets/{id}"),
    ),
    (
        "required response property removed",
        [([*PET, "properties", "name"], ...)],
        ("response-required-property-removed", "ERR", "GET /pets"),
    ),
    (
        "response maxLength raised",
        [([*PET, "properties", "name", "maxLength"], 80)],
        ("response-property-max-length-increased", "ERR", "GET /pets"),
    ),
    (
        "response became nullable",
        [([*PET, "properties", "tag", "nullable"], True)],
        ("response-property-became-nullable", "ERR", "GET /pets"),
    ),
    (
        "success status removed",
        [([*LIST, "responses", "200"], ...)],
        ("response-success-status-removed", "ERR", "GET /pets"),
    ),
    (
        "nested response property type",
        [([*PET, "properties", "owner", "properties", "email", "type"], "number")],
        ("response-property-type-changed", "ERR", "GET /pets"),
    ),
    (
        "optional response property removed",
        [([*PET, "properties", "tag"], ...)],
        ("response-optional-property-removed", "WARN", "GET /pets"),
    ),
    (
        "operation added",
        [(["paths", "/pets/{id}", "delete"], {"responses": {"204": {"description": "gone"}}})],
        ("endpoint-added", "INFO", "DELETE /pets/{id}"),
    ),
]


@pytest.mark.parametrize(("edits", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_change_class_is_reported(
    edits: list[tuple[list[Any], Any]], expected: tuple[str, str, str]
) -> None:
    changes = diff_specs(base(), edited(*edits))
    assert expected in found(changes)


def test_a_response_enum_narrows_when_added_and_widens_when_it_grows() -> None:
    """A new enum narrows a response (nothing to report); a new value in it may surprise."""
    narrowed = edited(([*PET, "properties", "tag", "enum"], ["a"]))
    widened = edited(([*PET, "properties", "tag", "enum"], ["a", "b"]))
    assert diff_specs(base(), narrowed) == []
    assert ("response-property-enum-value-added", "WARN", "GET /pets") in found(
        diff_specs(narrowed, widened)
    )


def test_loosening_changes_are_not_breaking() -> None:
    """A higher request maximum, an optional request property and a new response status."""
    changes = diff_specs(
        base(),
        edited(
            ([*LIST, "parameters", 0, "schema", "maximum"], 500),
            ([*NEW_PET, "required"], []),
            ([*LIST, "responses", "404"], {"description": "none"}),
            ([*PET, "properties", "age"], {"type": "integer"}),
        ),
    )
    assert changes
    assert [c for c in changes if c.level is not Level.INFO] == []


def test_a_renamed_path_parameter_is_the_same_operation() -> None:
    paths = dict(BASE["paths"])
    item = paths.pop("/pets/{id}")
    operation = {**item["get"], "parameters": [{**item["get"]["parameters"][0], "name": "petId"}]}
    changes = diff_specs(
        base(), edited((["paths"], {**paths, "/pets/{petId}": {"get": operation}}))
    )
    assert changes == []


def test_locations_and_targets_name_the_changed_property() -> None:
    changes = diff_specs(base(), edited(([*NEW_PET, "required"], ["name", "tag"])))
    (change,) = changes
    assert change.location == (
        "paths./pets.post.requestBody.content.application/json.schema.properties.tag"
    )
    assert change.target.field == ("tag",)
    assert change.target.absent
    assert change.to_json() == {
        "id": "request-property-became-required",
        "level": "ERR",
        "operation": "POST /pets",
        "location": change.location,
        "text": change.text,
    }


def test_a_recursive_schema_is_walked_once_per_cycle() -> None:
    tree = {"type": "object", "properties": {"child": {"$ref": "#/components/schemas/Pet"}}}
    before = edited(([*PET, "properties", "owner"], tree))
    after = edited(
        ([*PET, "properties", "owner"], tree), ([*PET, "properties", "id", "type"], "integer")
    )
    ids = [
        (c.id, c.target.field) for c in diff_specs(before, after) if c.operation == "GET /pets/{id}"
    ]
    assert ids == [("response-property-type-changed", ("id",))]


def test_swagger_2_body_and_parameters_are_compared() -> None:
    def swagger(required: list[str], limit_type: str) -> bytes:
        import json

        return json.dumps(
            {
                "swagger": "2.0",
                "info": {"title": "t", "version": "1"},
                "paths": {
                    "/pets": {
                        "post": {
                            "parameters": [
                                {"name": "limit", "in": "query", "type": limit_type},
                                {
                                    "name": "body",
                                    "in": "body",
                                    "schema": {
                                        "type": "object",
                                        "required": required,
                                        "properties": {"name": {"type": "string"}},
                                    },
                                },
                            ],
                            "responses": {"200": {"description": "ok"}},
                        }
                    }
                },
            }
        ).encode()

    # a string parameter becoming an integer refuses values (integer -> string would not: a
    # parameter is text on the wire, oasdiff's request-parameter-type-generalized)
    changes = diff_specs(swagger([], "string"), swagger(["name"], "integer"))
    assert found(changes) == {
        ("request-property-became-required", "ERR", "POST /pets"),
        ("request-parameter-type-changed", "ERR", "POST /pets"),
    }


def test_removal_is_judged_by_deprecation_and_sunset_date() -> None:
    deprecated = edited(
        (["paths", "/pets", "post", "deprecated"], True),
        (["paths", "/pets", "post", "x-sunset"], "2030-01-01"),
    )
    removed = edited((["paths", "/pets", "post"], ...))
    before = found(diff_specs(deprecated, removed, today=date(2029, 12, 31)))
    after = found(diff_specs(deprecated, removed, today=date(2030, 1, 2)))
    assert before == {("api-removed-before-sunset", "ERR", "POST /pets")}
    assert after == {("api-removed-with-deprecation", "INFO", "POST /pets")}


def test_a_loaded_spec_and_its_bytes_give_the_same_changes() -> None:
    revision = edited(([*PET, "required"], ["id"]))
    assert diff_specs(load_spec(base()), load_spec(revision)) == diff_specs(base(), revision)


def test_a_document_that_is_not_openapi_is_refused() -> None:
    with pytest.raises(SpecError, match="neither OpenAPI 3"):
        diff_specs(base(), b"just: yaml")


def test_response_header_removals_and_type_changes() -> None:
    header = {"required": True, "schema": {"type": "integer"}}
    with_header = edited(([*LIST, "responses", "200", "headers"], {"X-Total": header}))
    retyped = edited(
        (
            [*LIST, "responses", "200", "headers"],
            {"X-Total": {**header, "schema": {"type": "string"}}},
        )
    )
    assert found(diff_specs(with_header, retyped)) == {
        ("response-header-type-changed", "ERR", "GET /pets")
    }
    assert found(diff_specs(with_header, base())) == {
        ("required-response-header-removed", "ERR", "GET /pets")
    }


def test_read_only_request_properties_are_not_sent_so_tightening_them_is_info() -> None:
    read_only = {"type": "string", "readOnly": True, "maxLength": 20}
    before = edited(([*NEW_PET, "properties", "id"], read_only))
    after = edited(([*NEW_PET, "properties", "id"], {**read_only, "maxLength": 10}))
    changes = [c for c in diff_specs(before, after) if c.operation == "POST /pets"]
    assert found(changes) == {
        ("request-read-only-property-max-length-decreased", "INFO", "POST /pets")
    }


def test_webhooks_and_schemas_removed_from_the_document() -> None:
    before = edited(
        (["webhooks"], {"newPet": {"post": {"responses": {"200": {"description": "ok"}}}}})
    )
    after = edited((["components", "schemas", "Unused"], {"type": "object"}))
    assert found(diff_specs(before, base())) == {("webhook-removed", "ERR", "")}
    assert found(diff_specs(after, base())) == {("api-schema-removed", "INFO", "")}


def test_a_replaced_operation_id_is_reported_as_removed() -> None:
    named = edited(([*LIST, "operationId"], "listPets"))
    renamed = edited(([*LIST, "operationId"], "findPets"))
    assert found(diff_specs(named, renamed)) == {("api-operation-id-removed", "INFO", "GET /pets")}

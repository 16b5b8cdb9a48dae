"""One rule for a property a response schema does not declare, in `compare-spec` and `--openapi`.

`compare-spec` (`verifier.comparison`) judges the response a consumer's pact expects;
`accord verify --openapi` (`OpenAPICheck`) the response the provider really gave. Given the same
document and the same response body, both must say the same: an undeclared property is an
error whether `additionalProperties` is `false`, absent or `true`, and allowed only when
`additionalProperties` is a schema (`{}` admits anything).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from verifier import OpenAPICheck
from verifier.comparison import Spec, compare

ORDER = {"type": "object", "properties": {"id": {"type": "integer"}}}
ORDER_ID = {"type": "integer"}


def document(schema: dict[str, Any]) -> dict[str, Any]:
    """An OpenAPI 3.0 document whose `GET /orders/1` 200 body has `schema`."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "Orders", "version": "1.0.0"},
        "paths": {
            "/orders/{id}": {
                "get": {
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "schema": ORDER_ID}
                    ],
                    "responses": {
                        "200": {
                            "description": "an order",
                            "content": {"application/json": {"schema": schema}},
                        }
                    },
                }
            }
        },
    }


def compare_spec_fails(schema: dict[str, Any], body: Any) -> bool:
    """Whether `compare-spec` finds an error in a pact expecting `body`."""
    pact = {
        "consumer": {"name": "Web"},
        "provider": {"name": "Orders"},
        "interactions": [
            {
                "description": "an order",
                "request": {"method": "GET", "path": "/orders/1"},
                "response": {
                    "status": 200,
                    "headers": {"Content-Type": "application/json"},
                    "body": body,
                },
            }
        ],
    }
    return any(finding.type == "error" for finding in compare(Spec(document(schema)), pact))


def verify_openapi_fails(schema: dict[str, Any], body: Any) -> bool:
    """Whether `verify --openapi` finds a problem in a provider answering `body`."""
    check = OpenAPICheck(document(schema))
    request: dict[str, Any] = {"method": "GET", "path": "/orders/1"}
    response: dict[str, Any] = {
        "status": 200,
        "headers": {"Content-Type": ["application/json"]},
        "body": json.dumps(body),
    }
    return bool(check(None, request, response))  # type: ignore[arg-type]  # unused by the check


CASES = {
    "closed": ({**ORDER, "additionalProperties": False}, True),
    "open, additionalProperties absent": (ORDER, True),
    "open, additionalProperties true": ({**ORDER, "additionalProperties": True}, True),
    "a map, additionalProperties {}": ({**ORDER, "additionalProperties": {}}, False),
    "a map of strings": ({**ORDER, "additionalProperties": {"type": "string"}}, False),
    "nested and absent": (
        {"type": "object", "properties": {"order": ORDER}},
        True,
    ),
    "declared by an allOf sibling of a closed member": (
        {
            "allOf": [
                {**ORDER, "additionalProperties": False},
                {"type": "object", "properties": {"nickname": {"type": "string"}}},
            ]
        },
        False,
    ),
}


@pytest.mark.parametrize(("schema", "fails"), CASES.values(), ids=CASES.keys())
def test_trust_18_compare_spec_and_verify_openapi_agree_on_an_undeclared_property(
    schema: dict[str, Any], fails: bool
) -> None:
    """The same document and response body get the same verdict from both."""
    body: Any = {"id": 1, "nickname": "Ada"}
    if "properties" in schema and "order" in schema["properties"]:
        body = {"order": body}
    assert compare_spec_fails(schema, body) is fails
    assert verify_openapi_fails(schema, body) is fails


@pytest.mark.parametrize(("schema", "fails"), CASES.values(), ids=CASES.keys())
def test_trust_18_a_body_with_only_declared_properties_passes_both(
    schema: dict[str, Any], fails: bool
) -> None:
    """Closing a schema refuses nothing it declares."""
    del fails
    body: Any = {"id": 1}
    if "properties" in schema and "order" in schema["properties"]:
        body = {"order": body}
    assert not compare_spec_fails(schema, body)
    assert not verify_openapi_fails(schema, body)


def test_trust_18_the_finding_names_the_undeclared_property() -> None:
    """`verify --openapi` says which property and why, as one finding."""
    check = OpenAPICheck(document(ORDER))
    request: dict[str, Any] = {"method": "GET", "path": "/orders/1"}
    response: dict[str, Any] = {
        "status": 200,
        "headers": {"Content-Type": ["application/json"]},
        "body": '{"id": 1, "nickname": "Ada"}',
    }
    (finding,) = check(None, request, response)  # type: ignore[arg-type]  # unused by the check
    assert finding.source == "openapi"
    assert finding.path == "$.body.nickname"
    assert "not declared" in finding.description


CAT = {"type": "object", "properties": {"cat": {"type": "integer"}}}
DOG = {"type": "object", "properties": {"dog": {"type": "integer"}}}
ONE_OF_CASES = {
    "closed, one member fits": ({"oneOf": [CAT, DOG]}, {"cat": 1}, False),
    "closed, no member fits": ({"oneOf": [CAT, DOG]}, {"cat": 1, "nickname": "Ada"}, True),
    "closed, two members fit": ({"oneOf": [CAT, CAT]}, {"cat": 1}, True),
    "a wrong type in the one member": ({"oneOf": [CAT, DOG]}, {"cat": "one"}, True),
    "anyOf with an undeclared property": ({"anyOf": [CAT, DOG]}, {"cat": 1, "x": 2}, True),
}


@pytest.mark.parametrize(
    ("schema", "body", "fails"), ONE_OF_CASES.values(), ids=ONE_OF_CASES.keys()
)
def test_trust_18_members_of_one_of_are_closed_in_both(
    schema: dict[str, Any], body: Any, fails: bool
) -> None:
    """Open members all fit `{"cat": 1}`, which JSON Schema's `oneOf` refuses; closed, one does."""
    assert compare_spec_fails(schema, body) is fails
    assert verify_openapi_fails(schema, body) is fails

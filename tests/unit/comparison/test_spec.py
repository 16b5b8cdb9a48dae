"""Loading a spec: formats, refusals, and the cache by content."""

from __future__ import annotations

import json

import pytest

from verifier.comparison import Spec, SpecError, load_spec

MINIMAL = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}


def test_the_same_content_loads_once() -> None:
    content = json.dumps({**MINIMAL, "info": {"title": "cached", "version": "1"}}).encode()
    first = load_spec(content)
    assert load_spec(content) is first
    assert load_spec(content.decode()) is first
    assert len(first.digest) == 64


def test_yaml_is_read_and_dates_stay_text() -> None:
    spec = load_spec("openapi: 3.0.0\ninfo: {title: t, version: 2024-01-01}\npaths: {}\n")
    assert spec.document["info"]["version"] == "2024-01-01"


def test_swagger_2_base_path_prefixes_the_operations() -> None:
    spec = load_spec(
        json.dumps(
            {
                "swagger": "2.0",
                "info": {"title": "t", "version": "1"},
                "basePath": "/api",
                "paths": {"/pets": {"get": {"responses": {"200": {"description": "OK"}}}}},
            }
        )
    )
    assert spec.is_swagger2
    assert spec.router.find("GET", "/api/pets") is not None
    assert spec.router.find("GET", "/pets") is None


@pytest.mark.parametrize(
    ("content", "complaint"),
    [
        (b"openapi: [", "cannot be read"),
        (b"[1, 2]", "not a JSON or YAML object"),
        (json.dumps({"openapi": "2.5", "info": {}}).encode(), "neither OpenAPI 3"),
        (json.dumps({"swagger": "2.0", "paths": {}}).encode(), "no info"),
        (json.dumps({**MINIMAL, "info": {"title": "t"}}).encode(), r"info\.version"),
        (json.dumps({**MINIMAL, "paths": []}).encode(), "paths is not an object"),
    ],
)
def test_a_document_that_is_not_openapi_is_refused_in_one_sentence(
    content: bytes, complaint: str
) -> None:
    with pytest.raises(SpecError, match=complaint) as refused:
        load_spec(content)
    assert str(refused.value).endswith(".")
    assert "\n" not in str(refused.value)


def test_path_level_parameters_join_the_operation_s_own() -> None:
    spec = Spec(
        {
            **MINIMAL,
            "paths": {
                "/pets/{id}": {
                    "parameters": [
                        {"name": "id", "in": "path", "required": True},
                        {"name": "trace", "in": "header"},
                    ],
                    "get": {
                        "parameters": [{"name": "trace", "in": "header", "required": True}],
                        "responses": {},
                    },
                }
            },
        }
    )
    found = spec.router.find("GET", "/pets/1")
    assert found is not None
    parameters = found[0].parameters
    assert [(p["name"], p.get("required")) for p in parameters] == [("trace", True), ("id", True)]


@pytest.mark.parametrize(
    ("paths", "place"),
    [
        ({"/pets": {"get": {"responses": []}}}, "paths./pets.get.responses is not an object"),
        ({"/pets": {"get": {"parameters": {"a": 1}}}}, "paths./pets.get.parameters is not a list"),
        ({"/pets": {"post": {"requestBody": {"content": []}}}}, "requestBody.content"),
        ({"pets": {}}, "path pets does not start with /"),
    ],
)
def test_a_wrongly_shaped_operation_is_refused_naming_the_place(
    paths: dict[str, object], place: str
) -> None:
    with pytest.raises(SpecError, match=place):
        load_spec(json.dumps({**MINIMAL, "paths": paths}))

"""The OpenAPI document: valid 3.1, every routed method in it, permissions and bodies declared."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest
from litestar import Controller, Litestar, MediaType, Response, get, post
from litestar.params import FromPath
from litestar.routes import HTTPRoute
from openapi_spec_validator import OpenAPIV31SpecValidator

from broker.app import create_app
from broker.http.openapi import openapi_document, openapi_json
from broker.http.operation_docs import QueryParam, documented
from broker.http.permissions import ROLES_FOR, declared, open_to_all, read, write
from broker.settings import Settings

METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


@pytest.fixture(scope="module")
def app() -> Litestar:
    # Building the app opens nothing: storage opens in its lifespan, which never runs here.
    return create_app(Settings(database_url="sqlite:///never-opened.db"))


@pytest.fixture(scope="module")
def document(app: Litestar) -> dict[str, Any]:
    return openapi_document(app)


def operations(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (path, method.upper()): operation
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    }


def routed(app: Litestar) -> set[tuple[str, str]]:
    """Every (path template, method) the app routes, as the router holds them.

    OPTIONS is litestar's own answer on every path and is left out; HEAD is served for every
    GET by `HeadAsGet` (head.py).
    """
    found = set()
    for route in app.routes:
        if isinstance(route, HTTPRoute):
            for method in route.route_handler_map:
                if method != "OPTIONS":
                    found.add((route.path_format, method))
    return found | {(path, "HEAD") for path, method in found if method == "GET"}


def test_the_document_validates_as_openapi_3_1(document: dict[str, Any]) -> None:
    assert document["openapi"] == "3.1.0"
    OpenAPIV31SpecValidator(document).validate()


def test_every_routed_method_is_documented_and_nothing_else(
    app: Litestar, document: dict[str, Any]
) -> None:
    assert set(operations(document)) == routed(app)


def test_the_document_itself_is_in_the_document(document: dict[str, Any]) -> None:
    assert {"get", "head"} <= set(document["paths"]["/openapi.json"])


def test_operation_ids_are_unique(document: dict[str, Any]) -> None:
    ids = [op["operationId"] for op in operations(document).values()]
    assert len(ids) == len(set(ids))
    badge = "/pacts/provider/{provider}/consumer/{consumer}/latest/badge"
    paths = document["paths"]
    assert paths[badge]["get"]["operationId"] == "latest_pact_badge"
    assert paths[badge + ".svg"]["get"]["operationId"] == "latest_pact_badge_badge_svg"


def test_each_operation_carries_the_permission_its_handler_declares(
    app: Litestar, document: dict[str, Any]
) -> None:
    documented_ops = operations(document)
    for (method, path), rule in declared(app).items():
        template = next(p for p, m in documented_ops if m == method and _same(p, path))
        operation = documented_ops[template, method]
        assert operation["x-accord-permission"] == rule.need.value
        assert operation.get("x-accord-owner") == rule.owner
        if rule.need.value == "open":
            assert operation["security"] == []
            assert "401" not in operation["responses"]
        else:
            assert operation["security"] == [{"bearer": []}, {"basic": []}]
            assert "401" in operation["responses"]
            assert operation["x-accord-roles"] == ROLES_FOR[rule.need]


def _same(template: str, path: str) -> bool:
    """`/a/{x}` is the route `/a/{x:str}`."""
    return template == path.replace(":str}", "}").replace(":int}", "}")


def test_path_parameters_carry_their_types(document: dict[str, Any]) -> None:
    get_result = document["paths"][
        "/pacts/provider/{provider}/consumer/{consumer}/pact-version/{sha}/verification-results/{number}"
    ]["get"]
    types = {p["name"]: p["schema"]["type"] for p in get_result["parameters"] if p["in"] == "path"}
    assert types == {
        "provider": "string",
        "consumer": "string",
        "sha": "string",
        "number": "integer",
    }


def test_request_bodies_come_from_the_structs_handlers_decode(document: dict[str, Any]) -> None:
    create = document["paths"]["/pacticipants"]["post"]
    schema = create["requestBody"]["content"]["application/json"]["schema"]
    assert schema["required"] == ["name"]  # optional in PacticipantBody, which PATCH shares
    component = document["components"]["schemas"][schema["allOf"][0]["$ref"].rsplit("/", 1)[1]]
    assert {"name", "displayName", "mainBranch"} <= set(component["properties"])
    name = component["properties"]["name"]
    assert name["maxLength"] == 255  # schema-only metadata: what the service checks
    publish = document["paths"]["/contracts/publish"]["post"]["requestBody"]
    assert publish["required"] is True  # PublishBody has required fields


def test_query_parameters_read_by_hand_are_declared(document: dict[str, Any]) -> None:
    matrix = document["paths"]["/matrix"]["get"]
    names = {p["name"] for p in matrix["parameters"]}
    assert {"q[][pacticipant]", "q[][version]", "environment", "ignore[][pacticipant]"} <= names
    listing = document["paths"]["/pacticipants"]["get"]
    assert {p["name"] for p in listing["parameters"]} == {"page", "size"}


def test_answers_name_their_statuses_and_media_types(document: dict[str, Any]) -> None:
    paths = document["paths"]
    upsert = paths["/pacticipants/{name}"]["patch"]["responses"]
    assert {"200", "201"} <= set(upsert)
    assert set(upsert["200"]["content"]) == {"application/hal+json"}
    matrix = paths["/matrix"]["get"]["responses"]["200"]["content"]
    assert set(matrix) == {"application/hal+json", "text/plain"}
    deleted = paths["/pacticipants/{name}"]["delete"]["responses"]
    assert "content" not in deleted["204"]
    shared = document["components"]["responses"]
    errors = paths["/pacticipants/{name}"]["get"]["responses"]["default"]
    assert errors == {"$ref": "#/components/responses/Problem"}
    assert set(shared["Problem"]["content"]) == {"application/problem+json", "application/hal+json"}
    head = paths["/pacticipants/{name}"]["head"]["responses"]
    assert "content" not in head["200"]
    assert head["default"] == {"$ref": "#/components/responses/ProblemHead"}
    assert "content" not in shared["ProblemHead"]


class _Thing(msgspec.Struct, kw_only=True):
    """A resource a new handler returns as it is."""

    name: str


class _NewController(Controller):
    """A route family added later, declaring only its permission."""

    path = "/new"

    @get("/things/{thing:int}", opt=read())
    async def show_thing(self, thing: FromPath[int]) -> Response[bytes]:
        """One thing."""
        return Response(b"{}")

    @post("/things", opt=write())
    async def add_thing(self) -> Response[bytes]:
        """Add a thing."""
        return Response(b"{}")

    @get("/typed/{thing:int}", opt=read())
    async def typed_thing(self, thing: FromPath[int]) -> _Thing:
        """A thing litestar encodes."""
        return _Thing(name="x")

    @get("/text", opt=read(), media_type=MediaType.TEXT)
    async def text_thing(self) -> str:
        """A thing as text."""
        return "x"

    @get("/open", opt=open_to_all() | documented(query=(QueryParam("q", "A word."),)))
    async def open_thing(self) -> Response[bytes]:
        """Open."""
        return Response(b"{}")


def test_a_new_handler_is_documented_with_nothing_but_its_permission() -> None:
    """Its path, types, permission and docstring; a typed return gives its answer's schema."""
    document = openapi_document(Litestar([_NewController], openapi_config=None))
    OpenAPIV31SpecValidator(document).validate()
    show = document["paths"]["/new/things/{thing}"]["get"]
    assert show["operationId"] == "show_thing"
    assert show["summary"] == "One thing."
    assert show["tags"] == ["_New"]
    assert show["x-accord-permission"] == "read"
    assert show["parameters"][0]["schema"] == {"type": "integer"}
    assert set(show["responses"]) == {"2XX", "401", "429", "default"}
    assert "head" in document["paths"]["/new/things/{thing}"]
    add = document["paths"]["/new/things"]["post"]
    assert add["requestBody"]["content"] == {"application/json": {}}
    assert "403" in add["responses"]
    opened = document["paths"]["/new/open"]["get"]
    assert opened["security"] == []
    assert opened["responses"]["200"]["content"] == {"application/hal+json": {}}
    assert [p["name"] for p in opened["parameters"]] == ["q"]
    typed = document["paths"]["/new/typed/{thing}"]["get"]["responses"]["200"]["content"]
    assert typed == {"application/json": {"schema": {"$ref": "#/components/schemas/_Thing"}}}
    assert document["components"]["schemas"]["_Thing"]["required"] == ["name"]
    text = document["paths"]["/new/text"]["get"]["responses"]["200"]["content"]
    assert text == {"text/plain": {"schema": {"type": "string"}}}


def test_the_document_is_built_once_per_app(app: Litestar) -> None:
    first = openapi_json(app)
    assert openapi_json(app) is first
    assert msgspec.json.decode(first) == openapi_document(app)


def test_links_name_operations_and_fill_their_path_parameters(document: dict[str, Any]) -> None:
    """Each link's target exists, fills exactly its path parameters, and is no upsert."""
    operations = {
        operation["operationId"]: (path, operation)
        for path, item in document["paths"].items()
        for operation in item.values()
    }
    links = [
        link
        for item in document["paths"].values()
        for operation in item.values()
        for answer in operation["responses"].values()
        for link in answer.get("links", {}).values()
    ]
    assert len(links) >= 12
    for link in links:
        _, target = operations[link["operationId"]]
        wanted = {p["name"] for p in target.get("parameters", []) if p["in"] == "path"}
        assert set(link["parameters"]) == wanted, link
        assert all(v.startswith("$response.body#/") for v in link["parameters"].values())
        # Not to an upsert (a 201 from PUT or PATCH): after a DELETE it creates the resource
        # again, and the fuzzer's use_after_free check read that as a deleted resource served.
        assert "201" not in target["responses"], link
    created = document["paths"]["/pacticipants"]["post"]["responses"]["201"]["links"]
    assert created["get_pacticipant"]["parameters"] == {"name": "$response.body#/name"}

"""Publishing checks each pact against its schema: real-client faults pass with a warning notice
(refused when `ACCORD_STRICT_PACTS=true`), every other fault is a 400 naming the field."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.integration.http.conftest import broker_app, dump_database, settings_for
from tests.integration.http.test_authorisation_matrix import publication

Client = AsyncTestClient[Any]
PROBLEM = {"Accept": "application/problem+json"}
SHARED = Path(__file__).resolve().parents[3].parent / "shared"
# What pact-python 4.2 writes with `with_specification("V4")`: no `contentTypeHint` on bodies.
FFI_V4 = SHARED / "clients" / "fixtures" / "pacts" / "ProbeConsumerV4-ProbeProvider.json"


@pytest.fixture
async def strict_client(database_url: str) -> AsyncIterator[Client]:
    settings = settings_for(database_url, strict_pacts=True)
    async with AsyncTestClient(app=broker_app(settings)) as test_client:
        yield test_client


def publish_body(document: dict[str, Any], version: str = "1") -> dict[str, Any]:
    consumer, provider = document["consumer"]["name"], document["provider"]["name"]
    return publication(consumer, provider, version, document)


def http_interaction(**members: Any) -> dict[str, Any]:
    return {
        "description": "a request for order 1",
        "request": {"method": "GET", "path": "/orders/1"},
        "response": {"status": 200},
        **members,
    }


def pact(version: str | None, *interactions: dict[str, Any], **members: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "consumer": {"name": "Web"},
        "provider": {"name": "Orders"},
        "interactions": list(interactions),
        **members,
    }
    if version is not None:
        document["metadata"] = {"pactSpecification": {"version": version}}
    return document


async def test_trust_13_a_real_client_fault_publishes_with_a_warning_naming_it(
    client: Client,
) -> None:
    document = json.loads(FFI_V4.read_bytes())
    response = await client.post("/contracts/publish", json=publish_body(document))
    assert response.status_code == 200, response.text
    [warning] = [n["text"] for n in response.json()["notices"] if n["type"] == "warning"]
    assert "[v4-body-content-type-hint]" in warning
    assert "/interactions/0/response/body/contentTypeHint and 2 more" in warning
    assert "ACCORD_STRICT_PACTS" in warning


async def test_trust_13_a_strict_broker_refuses_the_real_client_fault(
    strict_client: Client, database_url: str
) -> None:
    before = await dump_database(database_url)
    document = json.loads(FFI_V4.read_bytes())
    response = await strict_client.post(
        "/contracts/publish", json=publish_body(document), headers=PROBLEM
    )
    assert response.status_code == 400, response.text
    pointers = [e["pointer"] for e in response.json()["errors"]]
    assert pointers == [
        "/contracts/0/content/interactions/0/response/body/contentTypeHint",
        "/contracts/0/content/interactions/1/request/body/contentTypeHint",
        "/contracts/0/content/interactions/1/response/body/contentTypeHint",
    ]
    old_api = await strict_client.put(
        "/pacts/provider/ProbeProvider/consumer/ProbeConsumerV4/version/1",
        json=document,
        headers=PROBLEM,
    )
    assert old_api.status_code == 400, old_api.text
    assert await dump_database(database_url) == before


@pytest.mark.parametrize(
    ("document", "pointer"),
    [
        # A V4 interaction must say its type.
        (pact("4.0", http_interaction()), "/interactions/0/type"),
        # No interactions and no version: a V1 pact, which must have them.
        ({"consumer": {"name": "Web"}, "provider": {"name": "Orders"}}, "/interactions"),
        # A made-up member is not a real-client fault.
        (
            pact("3.0.0", http_interaction(request={"method": "GET", "path": "/", "x": 1})),
            "/interactions/0/request/x",
        ),
        # `provider_state` is what V2 writers wrote; a V3 pact has `providerStates`.
        (
            pact("3.0.0", http_interaction(provider_state="an order")),
            "/interactions/0/provider_state",
        ),
        # A matcher nobody writes.
        (
            pact(
                "3.0.0",
                http_interaction(
                    response={
                        "status": 200,
                        "matchingRules": {"body": {"$.id": {"matchers": [{"match": "nope"}]}}},
                    }
                ),
            ),
            "/interactions/0/response/matchingRules/body/$.id/matchers/0",
        ),
        # Metadata that declares nothing readable.
        (
            {**pact(None, http_interaction()), "metadata": {"pactSpecification": {}}},
            "/metadata/pactSpecification/version",
        ),
    ],
)
async def test_trust_13_any_other_schema_fault_is_a_400_naming_the_field(
    client: Client, document: dict[str, Any], pointer: str
) -> None:
    response = await client.post("/contracts/publish", json=publish_body(document), headers=PROBLEM)
    assert response.status_code == 400, response.text
    pointers = [e["pointer"] for e in response.json()["errors"]]
    assert any(p.startswith(f"/contracts/0/content{pointer}") for p in pointers), pointers
    old_api = await client.put("/pacts/provider/Orders/consumer/Web/version/1", json=document)
    assert old_api.status_code == 400, old_api.text


async def test_trust_13_a_pact_without_a_version_is_read_by_its_shape_and_says_so(
    client: Client,
) -> None:
    rules = {"$.body.id": {"match": "type"}}
    document = pact(None, http_interaction(response={"status": 200, "matchingRules": rules}))
    response = await client.post("/contracts/publish", json=publish_body(document))
    assert response.status_code == 200, response.text
    infos = [n["text"] for n in response.json()["notices"] if n["type"] == "info"]
    assert any("declares no specification version" in t and "as V2" in t for t in infos), infos


async def test_a_refusal_lists_the_first_hundred_problems(client: Client) -> None:
    bad = http_interaction(request={"method": "GET", "path": "/", "x": 1})
    document = pact("3.0.0", *[{**bad, "description": f"d{n}"} for n in range(300)])
    response = await client.post("/contracts/publish", json=publish_body(document), headers=PROBLEM)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert len(errors) == 101
    assert errors[-1]["detail"] == "and 200 more problems like these"

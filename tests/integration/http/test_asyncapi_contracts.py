"""AsyncAPI provider contracts: published as PactFlow's clients do, judged by can-i-deploy.

A message pact is compared with the producer's AsyncAPI document as an HTTP pact is with an
OpenAPI one: compatible is a yes (with self-verification), incompatible a no naming the
interaction and the code, and an interaction the document cannot speak for is never a yes.
"""

from __future__ import annotations

import base64
import copy
import html
import json
from typing import Any

from litestar.testing import AsyncTestClient

from tests.conformance.asyncapi.cases import CASES

Client = AsyncTestClient[Any]

DOCUMENT = (CASES / "mixed-http-and-messages" / "asyncapi.yaml").read_bytes()
OPENAPI = (CASES / "mixed-http-and-messages" / "openapi.yaml").read_bytes()
GOOD: dict[str, Any] = json.loads((CASES / "v3-ref-message-matches" / "pact.json").read_text())
BAD: dict[str, Any] = json.loads((CASES / "v3-payload-type-mismatch" / "pact.json").read_text())
PUBLISH = "/provider-contracts/provider/OrderService/publish"


def contract_body(
    version: str, content: bytes = DOCUMENT, specification: str = "asyncapi"
) -> dict[str, Any]:
    return {
        "pacticipantVersionNumber": version,
        "contract": {
            "content": base64.b64encode(content).decode(),
            "contentType": "application/yaml",
            "specification": specification,
            "selfVerificationResults": {"success": True, "verifier": "asyncapi-tests"},
        },
    }


async def publish_pact(client: Client, version: str, document: dict[str, Any]) -> dict[str, Any]:
    response = await client.post(
        "/contracts/publish",
        json={
            "pacticipantName": "OrderConsumer",
            "pacticipantVersionNumber": version,
            "contracts": [
                {
                    "consumerName": "OrderConsumer",
                    "providerName": "OrderService",
                    "specification": "pact",
                    "contentType": "application/json",
                    "content": base64.b64encode(json.dumps(document).encode()).decode(),
                }
            ],
        },
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def deployed_provider(client: Client, version: str = "1") -> None:
    response = await client.post("/environments", json={"name": "production", "production": True})
    assert response.status_code == 201, response.text
    published = await client.post(PUBLISH, json=contract_body(version))
    assert published.status_code == 200, published.text
    uuid = (await client.get("/environments")).json()["_embedded"]["environments"][0]["uuid"]
    response = await client.post(
        f"/pacticipants/OrderService/versions/{version}/deployed-versions/environment/{uuid}",
        json={},
    )
    assert response.status_code in {200, 201}, response.text


async def can_i_deploy(client: Client, version: str) -> dict[str, Any]:
    response = await client.get(
        f"/matrix?q[][pacticipant]=OrderConsumer&q[][version]={version}"
        "&latestby=cvpv&environment=production"
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def errors_of(answer: dict[str, Any]) -> str:
    return " ".join(n["text"] for n in answer["notices"] if n["type"] == "error")


async def test_an_asyncapi_contract_is_stored_with_its_specification(client: Client) -> None:
    response = await client.post(PUBLISH, json=contract_body("1"))
    assert response.status_code == 200, response.text
    stored = (await client.get(response.json()["_links"]["pf:provider-contract"]["href"])).json()
    assert stored["specification"] == "asyncapi"
    assert stored["content"].encode() == DOCUMENT


async def test_a_compatible_message_pact_is_deployable_on_the_comparison(client: Client) -> None:
    await deployed_provider(client)
    published = await publish_pact(client, "1.0.0", GOOD)
    texts = [n["text"] for n in published["notices"]]
    assert any("AsyncAPI document of version 1 of OrderService are compatible" in t for t in texts)
    answer = await can_i_deploy(client, "1.0.0")
    assert answer["summary"]["deployable"] is True, answer["notices"]
    (row,) = answer["matrix"]
    assert row["verificationResult"]["verificationType"] == "BDCT"
    comparison = (await client.get(row["verificationResult"]["_links"]["self"]["href"])).json()
    assert [f["code"] for f in comparison["findings"]] == ["message.matched"]


async def test_an_incompatible_message_pact_is_a_no_naming_the_interaction_and_code(
    client: Client,
) -> None:
    await deployed_provider(client)
    published = await publish_pact(client, "2.0.0", BAD)
    warnings = " ".join(n["text"] for n in published["notices"] if n["type"] == "warning")
    assert "message.no.match" in warnings
    answer = await can_i_deploy(client, "2.0.0")
    assert answer["summary"]["deployable"] is False
    errors = errors_of(answer)
    assert "message.no.match in the interaction 'an order with a text id'" in errors
    assert (
        "First cause: message.payload.incompatible at [root].interactions[0].contents.content.id"
        in errors
    )


async def test_a_message_the_document_does_not_cover_is_no_evidence(client: Client) -> None:
    """No AsyncAPI reference, an unknown operation, an HTTP interaction: each is a no."""
    await deployed_provider(client)
    cases = {
        "3.0.0": ("message.references.missing", "an order without references"),
        "3.0.1": ("message.operation.unknown", "an order on an unknown operation"),
    }
    for version, (code, description) in cases.items():
        folder = {"message.references.missing": "v3-references-missing"}.get(
            code, "v3-operation-unknown"
        )
        document = json.loads((CASES / folder / "pact.json").read_text())
        await publish_pact(client, version, document)
        answer = await can_i_deploy(client, version)
        assert answer["summary"]["deployable"] is False
        assert f"{code} in the interaction '{description}'" in errors_of(answer)
    mixed = copy.deepcopy(GOOD)
    mixed["interactions"].append(
        {
            "type": "Synchronous/HTTP",
            "description": "get an order",
            "request": {"method": "GET", "path": "/orders/1"},
            "response": {"status": 200},
        }
    )
    await publish_pact(client, "3.0.2", mixed)
    answer = await can_i_deploy(client, "3.0.2")
    assert answer["summary"]["deployable"] is False
    assert "interaction.type.not-comparable in the interaction 'get an order'" in errors_of(answer)


async def test_the_specification_must_say_what_the_document_is(client: Client) -> None:
    as_oas = await client.post(PUBLISH, json=contract_body("1", DOCUMENT, "oas"))
    assert as_oas.status_code == 400
    assert "publish it with the specification asyncapi" in as_oas.text
    as_asyncapi = await client.post(PUBLISH, json=contract_body("2", OPENAPI, "asyncapi"))
    assert as_asyncapi.status_code == 400
    assert "not AsyncAPI" in as_asyncapi.text
    unknown = await client.post(PUBLISH, json=contract_body("3", DOCUMENT, "raml"))
    assert unknown.status_code == 400
    assert "an AsyncAPI one (asyncapi)" in unknown.text


async def test_a_new_asyncapi_document_says_its_changes_are_not_computed(client: Client) -> None:
    assert (await client.post(PUBLISH, json=contract_body("1"))).status_code == 200
    changed = DOCUMENT.replace(b"minimum: 0", b"minimum: 1")
    assert changed != DOCUMENT
    response = await client.post(PUBLISH, json=contract_body("2", changed))
    assert response.status_code == 200, response.text
    texts = [n["text"] for n in response.json()["notices"]]
    assert any("not computed" in text for text in texts), texts
    page = await client.get("/ui/provider-contracts/OrderService/version/2")
    assert page.status_code == 200, page.text
    text = html.unescape(page.text)
    assert "(AsyncAPI 3.0.0)" in text
    assert "publishOrder" in text
    assert "components.messages.OrderCreated" in text

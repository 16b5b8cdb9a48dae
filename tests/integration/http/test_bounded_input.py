"""Hostile documents and numbers get a 400 naming the field, never a 500 or a frozen broker."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
import yaml
from litestar.testing import AsyncTestClient

from tests.support.hostile_documents import (
    alias_bomb,
    nested_json,
    openapi,
    pact,
    reference_bomb,
)

Client = AsyncTestClient[Any]

PUBLISH_CONTRACT = "/provider-contracts/provider/Things/publish"
DEEP = 5000  # past msgspec's and json's recursion limits
FAIRLY_DEEP = 200  # within what a decoder reads, past what the recursive walks are allowed


def contract_body(content: bytes, content_type: str = "application/yaml") -> dict[str, Any]:
    return {
        "pacticipantVersionNumber": "1",
        "contract": {
            "content": base64.b64encode(content).decode(),
            "contentType": content_type,
            "specification": "oas",
            "selfVerificationResults": {"success": True, "verifier": "tests"},
        },
    }


def publish_body(content: bytes) -> dict[str, Any]:
    return {
        "pacticipantName": "Web",
        "pacticipantVersionNumber": "1",
        "contracts": [
            {
                "consumerName": "Web",
                "providerName": "Things",
                "specification": "pact",
                "contentType": "application/json",
                "content": base64.b64encode(content).decode(),
            }
        ],
    }


def refused(response: Any, field: str) -> None:
    """A 400 whose `errors` name `field`."""
    assert response.status_code == 400, response.text
    assert field in response.json()["errors"], response.text


async def test_trust_06_a_yaml_alias_bomb_is_refused_naming_the_content(client: Client) -> None:
    """744 bytes that stand for 9^10 nodes: refused before any walk expands them."""
    bomb = alias_bomb(10)
    assert len(bomb) < 1000
    response = await client.post(PUBLISH_CONTRACT, json=contract_body(bomb))
    refused(response, "contract.content")
    assert "expands to more than" in response.json()["errors"]["contract.content"][0]
    assert (await client.get("/pacticipants/Things/versions/1")).status_code == 404


async def test_trust_06_a_ref_bomb_is_refused_naming_the_content(client: Client) -> None:
    """Nine schemas each naming the previous nine times through `allOf`: 9^9 once flattened."""
    response = await client.post(
        PUBLISH_CONTRACT, json=contract_body(reference_bomb(10), "application/json")
    )
    refused(response, "contract.content")
    assert "$ref" in response.json()["errors"]["contract.content"][0]


async def test_trust_06_a_recursive_alias_is_refused(client: Client) -> None:
    document = b"openapi: 3.0.0\ninfo: &i {title: T, version: '1', x-self: *i}\npaths: {}\n"
    response = await client.post(PUBLISH_CONTRACT, json=contract_body(document))
    assert response.status_code == 400, response.text


@pytest.mark.parametrize("depth", [DEEP, FAIRLY_DEEP])
@pytest.mark.parametrize("kind", ["json", "yaml"])
async def test_trust_06_a_deeply_nested_openapi_document_is_a_400(
    client: Client, depth: int, kind: str
) -> None:
    schema_json = nested_json(depth, '{"type": "string"}')
    document = json.dumps(openapi({"type": "object", "x-deep": "PLACEHOLDER"}))
    text = document.replace('"PLACEHOLDER"', schema_json)
    if kind == "yaml":  # flow-style YAML: the same nesting through the YAML reader
        text = "openapi: 3.0.0\ninfo: {title: T, version: '1'}\nx-deep: " + schema_json
        text += "\npaths: {}\n"
    response = await client.post(
        PUBLISH_CONTRACT, json=contract_body(text.encode(), f"application/{kind}")
    )
    refused(response, "contract.content")
    assert "nest" in response.json()["errors"]["contract.content"][0]


@pytest.mark.parametrize("depth", [DEEP, FAIRLY_DEEP])
async def test_trust_06_a_deeply_nested_pact_is_a_400_on_both_publish_routes(
    client: Client, depth: int
) -> None:
    deep = pact(nested_json(depth))
    put = await client.put(
        "/pacts/provider/Things/consumer/Web/version/1",
        content=deep,
        headers={"content-type": "application/json"},
    )
    assert put.status_code == 400, put.text
    assert "nests" in put.text
    posted = await client.post("/contracts/publish", json=publish_body(deep))
    assert posted.status_code == 400, posted.text
    assert "nests" in posted.text
    assert (await client.get("/pacticipants/Web")).status_code == 404


async def test_trust_06_a_pact_nested_as_deep_as_allowed_is_published(client: Client) -> None:
    body = nested_json(100)
    response = await client.post("/contracts/publish", json=publish_body(pact(body)))
    assert response.status_code == 200, response.text


async def published_results_href(client: Client) -> str:
    response = await client.post("/contracts/publish", json=publish_body(pact()))
    assert response.status_code == 200, response.text
    served = (await client.get("/pacts/provider/Things/consumer/Web/version/1")).json()
    href: str = served["_links"]["pb:publish-verification-results"]["href"]
    return href.removeprefix("http://testserver.local")


async def test_trust_06_deeply_nested_verification_results_are_a_400(client: Client) -> None:
    href = await published_results_href(client)
    text = (
        '{"success": true, "providerApplicationVersion": "2", "testResults": '
        + nested_json(DEEP)
        + "}"
    )
    response = await client.post(
        href, content=text.encode(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 400, response.text
    assert "nests too deeply" in response.text


async def test_trust_06_deeply_nested_pact_url_metadata_is_not_an_error(client: Client) -> None:
    """The metadata segment of a pact URL is ours; one we did not write is ignored."""
    href = await published_results_href(client)
    metadata = base64.urlsafe_b64encode(nested_json(2000).encode()).decode().rstrip("=")
    with_metadata = href.replace("/verification-results", f"/metadata/{metadata}")
    response = await client.post(
        with_metadata + "/verification-results",
        json={"success": True, "providerApplicationVersion": "2"},
    )
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/pacticipants"),
        ("POST", "/contracts/publish"),
        ("POST", "/pacts/provider/Things/for-verification"),
        ("POST", "/environments"),
        ("POST", PUBLISH_CONTRACT),
    ],
)
async def test_trust_06_any_deeply_nested_json_body_is_a_400(
    client: Client, method: str, path: str
) -> None:
    text = '{"name": "Web", "unknown": ' + nested_json(DEEP) + "}"
    response = await client.request(
        method, path, content=text.encode(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 400, response.text


PAGED = [
    "/pacticipants",
    "/pacticipants/Web/versions",
    "/pacticipants/Web/branches",
    "/pacticipants/Web/branches/main/versions",
    "/pacts/provider/Things/consumer/Web/versions",
    "/audit",
    "/change-requests",
    "/pacticipants/Web/notifications",
]
BAD_NUMBERS = [
    "%C2%B2",  # ², which str.isdigit and int() accept
    "%D9%A3",  # Arabic-Indic three
    "-1",
    "0",
    "1.5",
    "99999999999",
    "1" + "0" * 5000,  # past int()'s 4,300 digits
]


@pytest.mark.parametrize("path", PAGED)
async def test_trust_06_bad_page_numbers_and_sizes_are_a_400(client: Client, path: str) -> None:
    for name in ("page", "size"):
        for value in BAD_NUMBERS:
            response = await client.get(f"{path}?{name}={value}")
            refused(response, name)


async def test_trust_06_a_non_ascii_matrix_limit_is_a_400(client: Client) -> None:
    response = await client.get("/matrix?q[][pacticipant]=Web&q[][version]=1&limit=%C2%B2")
    refused(response, "limit")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/comparisons/99999999999999999999999"),
        ("GET", "/change-requests/99999999999999999999999"),
        ("POST", "/change-requests/99999999999999999999999/approve"),
        ("DELETE", "/admin/tokens/99999999999999999999999"),
        ("GET", "/pacts/provider/P/consumer/C/pact-version/x/verification-results/1" + "0" * 30),
    ],
)
async def test_trust_06_ids_past_64_bits_are_a_404(client: Client, method: str, path: str) -> None:
    response = await client.request(method, path)
    assert response.status_code == 404, response.text


def test_the_alias_bomb_is_a_valid_yaml_bomb() -> None:
    """The fixture really is small and shares its nodes (it would be harmless otherwise)."""
    document = yaml.safe_load(alias_bomb(3))
    assert document["x-bomb"]["l2"][0] is document["x-bomb"]["l1"]

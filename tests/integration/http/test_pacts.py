"""Publishing pacts and reading them back through the HAL API, on both backends."""

from __future__ import annotations

import base64
import json
from typing import Any

from litestar.testing import AsyncTestClient

from tests.integration.http.conftest import dump_database

Client = AsyncTestClient[Any]
BASE = "http://testserver.local"
PACTS = "/pacts/provider/Orders/consumer/Web"


def pact(*descriptions: str, status: int = 200, consumer: str = "Web") -> dict[str, Any]:
    return {
        "consumer": {"name": consumer},
        "provider": {"name": "Orders"},
        "interactions": [
            {
                "description": d,
                "providerState": "an order exists",
                "request": {"method": "GET", "path": "/orders/1"},
                "response": {"status": status, "body": {"id": 1}},
            }
            for d in descriptions
        ],
        "metadata": {"pactSpecification": {"version": "2.0.0"}, "tool": {"x": 1}},
    }


def encoded(document: dict[str, Any]) -> str:
    return base64.b64encode(json.dumps(document).encode()).decode()


def body(document: dict[str, Any], version: str = "1", **extra: Any) -> dict[str, Any]:
    return {
        "pacticipantName": document["consumer"]["name"],
        "pacticipantVersionNumber": version,
        "contracts": [
            {
                "consumerName": document["consumer"]["name"],
                "providerName": "Orders",
                "specification": "pact",
                "contentType": "application/json",
                "content": encoded(document),
            }
        ],
        **extra,
    }


async def test_publish_records_version_branch_tags_and_pact(client: Client) -> None:
    response = await client.post(
        "/contracts/publish",
        json=body(pact("a"), branch="main", tags=["dev", "beta"], buildUrl="https://ci/1"),
    )
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["_embedded"]["version"]["number"] == "1"
    assert [link["name"] for link in result["_links"]["pb:pacticipant-version-tags"]] == [
        "dev",
        "beta",
    ]
    assert result["_links"]["pb:contracts"][0]["href"] == f"{BASE}{PACTS}/version/1"
    assert result["_links"]["pb:contracts"][0]["name"] == "Pact between Web (1) and Orders"
    assert [n["type"] for n in result["notices"]][:2] == ["debug", "success"]
    assert all(log["deprecationWarning"] for log in result["logs"])
    version = (await client.get("/pacticipants/Web/versions/1")).json()
    assert version["buildUrl"] == "https://ci/1"
    assert [t["name"] for t in version["_embedded"]["tags"]] == ["dev", "beta"]
    assert [b["name"] for b in version["_embedded"]["branchVersions"]] == ["main"]


async def test_the_pact_is_served_as_received_with_ids_and_links(client: Client) -> None:
    document = pact("a", "b")
    document["somethingUnknown"] = {"kept": True}
    await client.post("/contracts/publish", json=body(document))
    for accept in ("*/*", "application/json", "application/hal+json"):
        response = await client.get(f"{PACTS}/version/1", headers={"Accept": accept})
        assert response.status_code == 200
        served = response.json()
        assert served["somethingUnknown"] == {"kept": True}
        assert served["metadata"]["tool"] == {"x": 1}
        assert [i["description"] for i in served["interactions"]] == ["a", "b"]
        assert len({i["_id"] for i in served["interactions"]}) == 2
        links = served["_links"]
        assert links["pb:provider"]["href"] == f"{BASE}/pacticipants/Orders"
        assert links["pb:consumer-version"]["href"] == f"{BASE}/pacticipants/Web/versions/1"
    plain = await client.get(f"{PACTS}/version/1", headers={"Accept": "application/json"})
    assert plain.headers["content-type"].startswith("application/json")


async def test_republishing_is_idempotent_and_shares_content(
    client: Client, database_url: str
) -> None:
    first = await client.post("/contracts/publish", json=body(pact("a")))
    before = await dump_database(database_url)
    again = await client.post("/contracts/publish", json=body(pact("a")))
    assert again.status_code == 200
    assert "no content changes" in " ".join(n["text"] for n in again.json()["notices"])
    after = await dump_database(database_url)
    assert after["pact_versions"] == before["pact_versions"]
    assert after["pact_publications"] == before["pact_publications"]
    assert first.status_code == 200
    # Another version with the same content, re-serialised differently: one pact version.
    reordered = json.loads(json.dumps(pact("a"), sort_keys=True))
    assert (
        await client.post("/contracts/publish", json=body(reordered, version="2"))
    ).status_code == 200
    sha1 = (await client.get(f"{PACTS}/version/1")).json()["_links"]["pb:pact-version"]["name"]
    sha2 = (await client.get(f"{PACTS}/version/2")).json()["_links"]["pb:pact-version"]["name"]
    assert sha1 == sha2
    by_sha = await client.get(f"{PACTS}/pact-version/{sha1}")
    assert by_sha.status_code == 200
    assert by_sha.json()["_links"]["self"]["href"] == f"{BASE}{PACTS}/pact-version/{sha1}"


async def test_changed_content_for_an_existing_version_is_409_and_changes_nothing(
    client: Client, database_url: str
) -> None:
    await client.post("/contracts/publish", json=body(pact("a")))
    before = await dump_database(database_url)
    response = await client.post("/contracts/publish", json=body(pact("a", status=500), branch="x"))
    assert response.status_code == 409
    problem = response.json()
    assert (
        "Cannot change the content of the pact for Web version 1 and provider Orders"
        in problem["errors"]["contracts"][0]
    )
    assert [n["type"] for n in problem["notices"]] == ["error", "info"]
    assert "response.status" in problem["notices"][1]["text"]
    assert await dump_database(database_url) == before


async def test_the_old_put_api_publishes_and_answers_with_the_pact(client: Client) -> None:
    created = await client.put(f"{PACTS}/version/1", json=pact("a"))
    assert created.status_code == 201, created.text
    assert created.json()["_links"]["pb:latest-pact-version"]["href"] == f"{BASE}{PACTS}/latest"
    again = await client.put(f"{PACTS}/version/1", json=pact("a"))
    assert again.status_code == 200
    mismatch = await client.put(f"{PACTS}/version/2", json=pact("a", consumer="Other"))
    assert mismatch.status_code == 400
    assert "consumer.name" in mismatch.json()["errors"]


async def test_latest_by_tag_branch_and_untagged(client: Client) -> None:
    await client.post("/contracts/publish", json=body(pact("one"), version="1", tags=["prod"]))
    await client.post("/contracts/publish", json=body(pact("two"), version="2", branch="main"))
    await client.post("/contracts/publish", json=body(pact("three"), version="3", branch="feat"))

    async def described(path: str) -> str:
        response = await client.get(path)
        assert response.status_code == 200, (path, response.text)
        return str(response.json()["interactions"][0]["description"])

    assert await described(f"{PACTS}/latest") == "three"
    assert (await client.get(f"{PACTS}/latest")).headers["x-pact-consumer-version"] == "3"
    assert await described(f"{PACTS}/latest/prod") == "one"
    assert await described(f"{PACTS}/branch/main/latest") == "two"
    assert await described(f"{PACTS}/latest-untagged") == "three"
    assert (await client.get(f"{PACTS}/latest/none")).status_code == 404
    listing = (await client.get(f"{PACTS}/versions")).json()
    assert [
        p["_embedded"]["consumer"]["_embedded"]["version"]["number"]
        for p in listing["_embedded"]["pacts"]
    ] == ["3", "2", "1"]
    latest = (await client.get("/pacts/latest")).json()
    assert [
        (
            p["_embedded"]["consumer"]["name"],
            p["_embedded"]["consumer"]["_embedded"]["version"]["number"],
        )
        for p in latest["pacts"]
    ] == [("Web", "3")]
    provider_latest = (await client.get("/pacts/provider/Orders/latest/prod")).json()
    assert [
        p["_embedded"]["consumer"]["_embedded"]["version"]["number"]
        for p in provider_latest["pacts"]
    ] == ["1"]


async def test_diffs_between_versions(client: Client) -> None:
    await client.post("/contracts/publish", json=body(pact("a"), version="1"))
    await client.post("/contracts/publish", json=body(pact("a"), version="2"))
    await client.post("/contracts/publish", json=body(pact("a", "b", status=201), version="3"))
    diff = await client.get(f"{PACTS}/version/3/diff/previous-distinct")
    assert diff.status_code == 200
    result = diff.json()
    assert result["from"]["consumerVersion"] == "2"
    assert "b" in result["text"]
    text = await client.get(f"{PACTS}/version/3/diff/version/1", headers={"Accept": "text/plain"})
    assert text.headers["content-type"].startswith("text/plain")
    assert text.text == result["text"]
    previous = await client.get(f"{PACTS}/version/3/previous-distinct")
    assert [i["description"] for i in previous.json()["interactions"]] == ["a"]
    assert (await client.get(f"{PACTS}/version/1/diff/previous-distinct")).status_code == 404


async def test_deleting_a_pact(client: Client) -> None:
    await client.post("/contracts/publish", json=body(pact("a"), version="1"))
    await client.post("/contracts/publish", json=body(pact("b"), version="2"))
    assert (await client.delete(f"{PACTS}/version/2")).status_code == 204
    assert (await client.get(f"{PACTS}/version/2")).status_code == 404
    assert (await client.get(f"{PACTS}/latest")).json()["interactions"][0]["description"] == "a"


async def test_publish_refuses_bad_contracts_and_stores_nothing(
    client: Client, database_url: str
) -> None:
    before = await dump_database(database_url)
    cases = [
        (
            {
                **body(pact("a")),
                "contracts": [{**body(pact("a"))["contracts"][0], "content": "%%%"}],
            },
            "contracts.0.content",
        ),
        (
            {
                **body(pact("a")),
                "contracts": [{**body(pact("a"))["contracts"][0], "specification": "oas"}],
            },
            "contracts.0.specification",
        ),
        (
            {
                **body(pact("a")),
                "contracts": [{**body(pact("a"))["contracts"][0], "consumerName": "Other"}],
            },
            "contracts.0.consumerName",
        ),
        (
            {
                **body(pact("a")),
                "contracts": [{**body(pact("a"))["contracts"][0], "providerName": "Other"}],
            },
            "contracts.0.content.provider.name",
        ),
        ({**body(pact("a")), "pacticipantVersionNumber": " "}, "pacticipantVersionNumber"),
        ({**body(pact("a")), "contracts": []}, "contracts"),
        ({k: v for k, v in body(pact("a")).items() if k != "contracts"}, "contracts"),
        (
            {
                **body(pact("a")),
                "contracts": [
                    {
                        **body(pact("a"))["contracts"][0],
                        "content": base64.b64encode(b"[1]").decode(),
                    }
                ],
            },
            "contracts.0.content",
        ),
    ]
    for bad, field in cases:
        response = await client.post("/contracts/publish", json=bad)
        assert response.status_code == 400, (field, response.text)
        assert field in response.json()["errors"], (field, response.json()["errors"])
    assert await dump_database(database_url) == before


async def test_pacts_index_relations_lead_to_routes(client: Client) -> None:
    await client.post("/contracts/publish", json=body(pact("a"), tags=["prod"]))
    links = (await client.get("/")).json()["_links"]
    assert links["pb:publish-contracts"]["href"] == f"{BASE}/contracts/publish"
    latest = (
        links["pb:latest-provider-pacts-with-tag"]["href"]
        .replace("{provider}", "Orders")
        .replace("{tag}", "prod")
    )
    assert (await client.get(latest.removeprefix(BASE))).status_code == 200


async def test_provider_latest_pacts_name_consumers_for_the_selectorless_verifier(
    client: Client,
) -> None:
    """The Rust verifier without selectors reads `_links.pacts` of the provider's latest pacts."""
    await client.post("/contracts/publish", json=body(pact("a")))
    listing = (await client.get("/pacts/provider/Orders/latest")).json()
    assert [link["name"] for link in listing["_links"]["pacts"]] == ["Web"]
    assert listing["_links"]["pacts"][0]["href"] == f"{BASE}{PACTS}/version/1"
    assert listing["_links"]["pb:provider"]["href"] == f"{BASE}/pacticipants/Orders"
    assert (await client.get("/pacts/provider/Nobody/latest")).status_code == 404

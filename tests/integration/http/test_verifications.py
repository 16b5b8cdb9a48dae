"""Verification results through the HAL API, on both backends."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from tests.integration.http.conftest import dump_database
from tests.integration.http.test_pacts import BASE, PACTS, body, pact

Client = AsyncTestClient[Any]

RUST = {
    "providerApplicationVersion": "2.0.0",
    "success": False,
    "buildUrl": "https://ci.example.com/9",
    "testResults": [
        {
            "interactionId": "abc",
            "success": False,
            "mismatches": [{"attribute": "status", "description": "expected 200 but was 500"}],
        }
    ],
    "verifiedBy": {"implementation": "Pact-Rust", "version": "1.4.7"},
}
RUBY = {
    "success": True,
    "providerApplicationVersion": "2.0.1",
    "buildUrl": None,
    "testResults": {
        "tests": [{"testDescription": "a", "status": "passed"}],
        "summary": {"testCount": 1, "failureCount": 0},
        "metadata": {"pactVerificationResultsSpecification": {"version": "1.0.0-beta.1"}},
    },
}


async def published_pact(client: Client) -> dict[str, Any]:
    await client.post("/contracts/publish", json=body(pact("a")))
    served: dict[str, Any] = (await client.get(f"{PACTS}/version/1")).json()
    return served


async def test_results_in_both_verifier_shapes_are_kept_as_sent(client: Client) -> None:
    served = await published_pact(client)
    href = served["_links"]["pb:publish-verification-results"]["href"].removeprefix(BASE)
    rust = await client.post(href, json=RUST)
    assert rust.status_code == 201, rust.text
    assert rust.headers["location"] == rust.json()["_links"]["self"]["href"]
    ruby = await client.post(href, json=RUBY)
    assert ruby.status_code == 201
    first = (await client.get(rust.headers["location"].removeprefix(BASE))).json()
    assert (first["success"], first["testResults"], first["verifiedBy"]) == (
        False,
        RUST["testResults"],
        RUST["verifiedBy"],
    )
    latest = (
        await client.get(
            served["_links"]["pb:latest-verification-results"]["href"].removeprefix(BASE)
        )
    ).json()
    assert (latest["providerApplicationVersion"], latest["testResults"]) == (
        "2.0.1",
        RUBY["testResults"],
    )
    listed = (await client.get(href)).json()["_embedded"]["verificationResults"]
    assert [r["providerApplicationVersion"] for r in listed] == ["2.0.1", "2.0.0"]
    of_version = (
        await client.get("/pacticipants/Orders/versions/2.0.0/verification-results")
    ).json()
    assert [r["success"] for r in of_version["_embedded"]["verificationResults"]] == [False]


async def test_a_result_counts_for_every_version_with_the_same_content(client: Client) -> None:
    served = await published_pact(client)
    await client.post("/contracts/publish", json=body(pact("a"), version="2"))
    href = served["_links"]["pb:publish-verification-results"]["href"].removeprefix(BASE)
    assert (await client.post(href, json=RUBY)).status_code == 201
    second = (await client.get(f"{PACTS}/version/2")).json()
    latest = await client.get(
        second["_links"]["pb:latest-verification-results"]["href"].removeprefix(BASE)
    )
    assert latest.json()["success"] is True


async def test_the_metadata_url_keeps_its_segment_in_the_publish_link(client: Client) -> None:
    served = await published_pact(client)
    sha = served["_links"]["pb:pact-version"]["name"]
    with_metadata = (await client.get(f"{PACTS}/pact-version/{sha}/metadata/c1234")).json()
    href = with_metadata["_links"]["pb:publish-verification-results"]["href"]
    assert href == f"{BASE}{PACTS}/pact-version/{sha}/metadata/c1234/verification-results"
    assert (await client.post(href.removeprefix(BASE), json=RUST)).status_code == 201


async def test_bad_results_are_refused_and_store_nothing(client: Client, database_url: str) -> None:
    served = await published_pact(client)
    href = served["_links"]["pb:publish-verification-results"]["href"].removeprefix(BASE)
    before = await dump_database(database_url)
    for bad, field in [
        ({"success": True}, "providerApplicationVersion"),
        ({"providerApplicationVersion": "1"}, "success"),
        ({"success": "yes", "providerApplicationVersion": "1"}, "success"),
        ({"success": True, "providerApplicationVersion": " "}, "providerApplicationVersion"),
        ({"success": True, "providerApplicationVersion": "1", "buildUrl": "not a url"}, "buildUrl"),
    ]:
        response = await client.post(href, json=bad)
        assert response.status_code == 400, (bad, response.text)
        assert field in response.json()["errors"]
    unknown = await client.post(f"{PACTS}/pact-version/{'0' * 64}/verification-results", json=RUST)
    assert unknown.status_code == 404
    assert (await client.get(f"{href}/999")).status_code == 404
    assert await dump_database(database_url) == before

"""`GET /pacticipants/{p}/coverage`: what it refuses, and a report with no documents at all."""

from __future__ import annotations

import base64
import json
from typing import Any

from litestar.testing import AsyncTestClient

Client = AsyncTestClient[Any]
PROBLEM = {"Accept": "application/problem+json"}


async def test_unknown_names_are_404_and_a_bad_version_is_400(client: Client) -> None:
    assert (await client.get("/pacticipants/Nobody/coverage")).status_code == 404
    created = await client.post("/pacticipants", json={"name": "Orders"})
    assert created.status_code == 201
    missing = await client.get("/pacticipants/Orders/coverage?version=9", headers=PROBLEM)
    assert missing.status_code == 404
    assert "Version '9' of 'Orders' does not exist" in missing.json()["detail"]
    nowhere = await client.get("/pacticipants/Orders/coverage?environment=moon", headers=PROBLEM)
    assert nowhere.status_code == 404
    assert "moon" in nowhere.json()["detail"]
    bad = await client.get("/pacticipants/Orders/coverage?version=a%0Ab", headers=PROBLEM)
    assert bad.status_code == 400
    assert [e["pointer"] for e in bad.json()["errors"]] == ["/version"]


async def test_a_pacticipant_with_nothing_published_is_fully_covered(client: Client) -> None:
    assert (await client.post("/pacticipants", json={"name": "Orders"})).status_code == 201
    report = (await client.get("/pacticipants/Orders/coverage")).json()
    assert (report["version"], report["mode"], report["points"]) == (None, "greenfield", [])
    assert (report["target"], report["covered"], report["percentage"]) == (0, 0, 100.0)
    markdown = await client.get(
        "/pacticipants/Orders/coverage", headers={"Accept": "text/markdown"}
    )
    assert markdown.headers["content-type"].startswith("text/markdown")
    assert "No version yet, mode greenfield." in markdown.text
    assert markdown.text.endswith("## Coverage Gaps\n\nNone.\n")


OPENAPI = {
    "openapi": "3.0.3",
    "info": {"title": "Orders", "version": "1"},
    "security": [{"bearerAuth": []}],
    "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
    "paths": {"/orders": {"get": {"operationId": "listOrders", "responses": {"200": {}}}}},
}


async def can_i_deploy(client: Client) -> dict[str, Any]:
    answer = await client.get("/can-i-deploy?pacticipant=Orders&version=1&environment=production")
    assert answer.status_code == 200, answer.text
    summary: dict[str, Any] = answer.json()["summary"]
    return summary


async def test_can_i_deploy_says_no_below_the_coverage_policy(client: Client) -> None:
    """Off by default; set, it holds a version whose coverage of its target is lower."""
    content = base64.b64encode(json.dumps(OPENAPI).encode()).decode()
    published = await client.post(
        "/provider-contracts/provider/Orders/publish",
        json={
            "pacticipantVersionNumber": "1",
            "contract": {
                "content": content,
                "contentType": "application/json",
                "specification": "oas",
            },
        },
    )
    assert published.status_code == 200, published.text
    created = await client.post("/environments", json={"name": "production", "production": True})
    assert created.status_code == 201, created.text
    assert (await can_i_deploy(client))["deployable"] is True
    policy = "/pacticipants/Orders/coverage-policy"
    assert (await client.get(policy)).json()["minimum"] is None

    refused = await client.put(policy, json={"minimum": 101}, headers=PROBLEM)
    assert refused.status_code == 400
    assert [e["pointer"] for e in refused.json()["errors"]] == ["/minimum"]
    assert (await client.put(policy, json={"minimum": 50})).json()["minimum"] == 50
    held = await can_i_deploy(client)
    assert held["deployable"] is False
    assert held["reason"] == (
        "Orders 1 covers 0% of its integration test target (0 of 1 points), below its"
        " coverage policy of 50%."
    )
    report = "<testsuite><testcase classname='listOrders' name='auth.valid'/></testsuite>"
    results = await client.post(
        "/pacticipants/Orders/versions/1/test-results",
        json={"kind": "api", "reports": [{"name": "probe.xml", "content": report}]},
    )
    assert results.status_code == 201
    assert (await can_i_deploy(client))["deployable"] is True  # contract and auth: covered
    await client.put(policy, json={"minimum": None})
    assert (await client.get(policy)).json()["minimum"] is None

"""`GET /pacticipants/{p}/coverage`: what it refuses, and a report with no documents at all."""

from __future__ import annotations

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

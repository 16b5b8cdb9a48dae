"""can-i-deploy for the latest version on a branch or with a tag, as a matrix and as a badge."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from tests.integration.http.test_matrix import deploy, verify
from tests.integration.http.test_pacts import body, pact

Client = AsyncTestClient[Any]

BRANCH = "/pacticipants/Web/branches/main/latest-version/can-i-deploy/to-environment/production"
TAGGED = "/pacticipants/Web/latest-version/dev/can-i-deploy/to/prod"


async def production(client: Client) -> dict[str, Any]:
    response = await client.post("/environments", json={"name": "production", "production": True})
    result: dict[str, Any] = response.json()
    return result


async def badge(client: Client, path: str) -> str:
    response = await client.get(path + "/badge")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert response.headers["cache-control"] == "no-cache"
    return response.text


async def test_the_branch_head_against_an_environment(client: Client) -> None:
    env = await production(client)
    await client.post("/contracts/publish", json=body(pact("a"), branch="main"))
    await deploy(client, env, "Orders", "p1")
    unverified = (await client.get(BRANCH)).json()
    assert unverified["summary"]["deployable"] is None
    assert "unknown" in await badge(client, BRANCH)
    await verify(client, "p1", True)
    verified = (await client.get(BRANCH)).json()
    assert verified["summary"]["deployable"] is True
    assert [r["consumer"]["version"]["number"] for r in verified["matrix"]] == ["1"]
    svg = await badge(client, BRANCH)
    assert ">yes<" in svg and "#4c1" in svg
    await verify(client, "p1", False)
    svg = await badge(client, BRANCH)
    assert ">no<" in svg and "#e05d44" in svg


async def test_the_latest_tagged_version_against_a_tag(client: Client) -> None:
    await client.post("/contracts/publish", json=body(pact("a"), tags=["dev"]))
    await client.put("/pacticipants/Orders/versions/p1/tags/prod", json={})
    await verify(client, "p1", True)
    answer = (await client.get(TAGGED)).json()
    assert answer["summary"]["deployable"] is True
    assert answer["matrix"][0]["provider"]["version"]["number"] == "p1"
    assert ">yes<" in await badge(client, TAGGED)


async def test_unknown_names_are_400_as_a_matrix_and_unknown_as_a_badge(client: Client) -> None:
    await client.post("/contracts/publish", json=body(pact("a"), branch="main"))
    response = await client.get(BRANCH)  # no environment named production
    assert response.status_code == 400
    assert "environment" in response.json()["errors"]
    nobody = "/pacticipants/Nobody/latest-version/dev/can-i-deploy/to/prod"
    assert (await client.get(nobody)).status_code == 400
    assert ">unknown<" in await badge(client, nobody)
    assert ">unknown<" in await badge(client, BRANCH)

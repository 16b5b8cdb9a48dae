"""`GET /matrix` as the CLIs send it: query syntax, every live version checked, ignore, 400s."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from tests.integration.http.test_pacts import BASE, PACTS, body, pact

Client = AsyncTestClient[Any]


async def deploy(
    client: Client, env: dict[str, Any], pacticipant: str, version: str, instance: str | None = None
) -> None:
    await client.put(f"/pacticipants/{pacticipant}/versions/{version}", json={})
    response = await client.post(
        f"/pacticipants/{pacticipant}/versions/{version}/deployed-versions/environment/{env['uuid']}",
        json={"applicationInstance": instance} if instance else {},
    )
    assert response.status_code in {200, 201}, response.text


async def verify(client: Client, provider_version: str, success: bool) -> None:
    served = (await client.get(f"{PACTS}/version/1")).json()
    href = served["_links"]["pb:publish-verification-results"]["href"].removeprefix(BASE)
    await client.post(
        href, json={"success": success, "providerApplicationVersion": provider_version}
    )


async def matrix(client: Client, query: str) -> dict[str, Any]:
    response = await client.get(f"/matrix?{query}")
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def test_every_provider_version_live_in_the_environment_is_checked(client: Client) -> None:
    env = (
        await client.post("/environments", json={"name": "production", "production": True})
    ).json()
    await client.post("/contracts/publish", json=body(pact("a")))
    await deploy(client, env, "Orders", "p1", "blue")
    await deploy(client, env, "Orders", "p2", "green")
    await verify(client, "p1", True)
    await verify(client, "p2", False)
    # Rust sends literal brackets and latestby=cvpv; Ruby percent-encodes and sends cvp.
    for query in (
        "q[][pacticipant]=Web&q[][version]=1&latestby=cvpv&environment=production",
        "q%5B%5D%5Bpacticipant%5D=Web&q%5B%5D%5Bversion%5D=1&latestby=cvp&environment=production",
    ):
        result = await matrix(client, query)
        assert result["summary"]["deployable"] is False
        assert (result["summary"]["success"], result["summary"]["failed"]) == (1, 1)
        assert sorted(r["provider"]["version"]["number"] for r in result["matrix"]) == ["p1", "p2"]
        assert any(n["type"] == "error" and "p2" in n["text"] for n in result["notices"])


async def test_ignore_and_latest_and_tag_targets(client: Client) -> None:
    await client.post("/contracts/publish", json=body(pact("a"), tags=["prod"]))
    await client.put("/pacticipants/Orders/versions/p1/tags/prod", json={})
    unknown = await matrix(client, "q[][pacticipant]=Web&q[][version]=1&latest=true&tag=prod")
    assert unknown["summary"]["deployable"] is None
    assert unknown["summary"]["unknown"] == 1
    ignored = await matrix(
        client,
        "q[][pacticipant]=Web&q[][version]=1&latest=true&tag=prod&ignore[][pacticipant]=Orders",
    )
    assert ignored["summary"]["deployable"] is True
    assert ignored["summary"]["ignored"] == 1
    assert ignored["matrix"][0]["ignored"] is True
    await verify(client, "p1", True)
    yes = await matrix(
        client, "q[][pacticipant]=Web&q[][latest]=true&q[][tag]=prod&latest=true&tag=prod"
    )
    assert yes["summary"]["deployable"] is True
    assert yes["matrix"][0]["verificationResult"]["success"] is True


async def test_a_version_that_does_not_exist_is_a_no(client: Client) -> None:
    await client.post("/pacticipants", json={"name": "Web"})
    result = await matrix(client, "q[][pacticipant]=Web&q[][version]=9&latest=true")
    assert result["summary"]["deployable"] is False


async def test_bad_matrix_queries_are_400(client: Client) -> None:
    await client.post("/pacticipants", json={"name": "Web"})
    for query, field in [
        ("", "q"),
        ("q[][pacticipant]=Nobody&q[][version]=1&latest=true", "q.0.pacticipant"),
        ("q[][pacticipant]=Web&q[][version]=1&environment=nowhere", "environment"),
        ("q[][pacticipant]=Web&q[][version]=1&q[][latest]=true", "q.0"),
        ("q[][pacticipant]=Web&q[][version]=1&limit=0", "limit"),
    ]:
        response = await client.get(f"/matrix?{query}")
        assert response.status_code == 400, (query, response.text)
        assert field in response.json()["errors"], (query, response.json()["errors"])


async def test_the_can_i_deploy_resource(client: Client) -> None:
    env = (
        await client.post("/environments", json={"name": "production", "production": True})
    ).json()
    await client.post("/contracts/publish", json=body(pact("a")))
    await deploy(client, env, "Orders", "p1")
    await verify(client, "p1", True)
    link = (await client.get("/")).json()["_links"][
        "pb:can-i-deploy-pacticipant-version-to-environment"
    ]
    href = (
        link["href"]
        .replace("{pacticipant}", "Web")
        .replace("{version}", "1")
        .replace("{environment}", "production")
    )
    yes = (await client.get(href.removeprefix(BASE))).json()
    assert yes["summary"]["deployable"] is True
    ignored = await client.get("/can-i-deploy?pacticipant=Web&version=1&to=prod&ignore[]=Orders")
    assert ignored.status_code == 200
    bad = await client.get("/can-i-deploy?pacticipant=Web&version=1")
    assert bad.status_code == 400
    assert "environment" in bad.json()["errors"]


async def test_the_matrix_between_two_named_versions(client: Client) -> None:
    await client.post("/contracts/publish", json=body(pact("a")))
    await client.put("/pacticipants/Orders/versions/p1", json={})
    await client.put("/pacticipants/Orders/versions/p2", json={})
    await verify(client, "p1", True)
    await verify(client, "p2", False)
    query = (
        "q[][pacticipant]=Web&q[][version]=1&q[][pacticipant]=Orders&q[][version]={v}&latestby=cvpv"
    )
    good = await matrix(client, query.format(v="p1"))
    assert good["summary"]["deployable"] is True
    assert [
        (r["consumer"]["version"]["number"], r["provider"]["version"]["number"])
        for r in good["matrix"]
    ] == [("1", "p1")]
    bad = await matrix(client, query.format(v="p2"))
    assert bad["summary"]["deployable"] is False
    assert not any("recommended to specify the environment" in n["text"] for n in bad["notices"])
    with_target = await client.get(f"/matrix?{query.format(v='p1')}&environment=production")
    assert with_target.status_code == 400


async def test_several_selected_versions_are_judged_together_against_the_target(
    client: Client,
) -> None:
    """Deploying Web 1 and Orders p2 together: their pact is judged at those versions."""
    env = (
        await client.post("/environments", json={"name": "production", "production": True})
    ).json()
    await client.post("/contracts/publish", json=body(pact("a")))
    await deploy(client, env, "Orders", "p1")
    await verify(client, "p1", False)
    await verify(client, "p2", True)
    alone = await matrix(
        client, "q[][pacticipant]=Web&q[][version]=1&latestby=cvpv&environment=production"
    )
    assert alone["summary"]["deployable"] is False  # against p1, live in production
    together = await matrix(
        client,
        "q[][pacticipant]=Web&q[][version]=1&q[][pacticipant]=Orders&q[][version]=p2"
        "&latestby=cvpv&environment=production",
    )
    assert together["summary"]["deployable"] is True, together["notices"]
    (row,) = together["matrix"]
    assert row["provider"]["version"]["number"] == "p2"
    assert row["verificationResult"]["success"] is True
    assert row["verificationResult"]["verifiedAt"].endswith("+00:00")
    assert row["pact"]["createdAt"].endswith("+00:00")

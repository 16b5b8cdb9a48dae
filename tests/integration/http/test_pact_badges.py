"""Pact and matrix badges: the verification status as an SVG, coloured as the Pact Broker does."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from tests.integration.http.test_pacts import body, pact

Client = AsyncTestClient[Any]

BASE = "http://testserver.local"
PACTS = "/pacts/provider/Orders/consumer/Web"
GREEN, RED, ORANGE, GREY = "#4c1", "#e05d44", "#fe7d37", "#9f9f9f"


async def badge(client: Client, path: str) -> str:
    response = await client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert response.headers["cache-control"] == "no-cache"
    return response.text


async def publish(client: Client, version: str, *descriptions: str, **extra: Any) -> None:
    document = pact(*descriptions)
    response = await client.post("/contracts/publish", json=body(document, version, **extra))
    assert response.status_code == 200, response.text


async def verify(client: Client, consumer_version: str, provider_version: str, ok: bool) -> None:
    served = (await client.get(f"{PACTS}/version/{consumer_version}")).json()
    href = served["_links"]["pb:publish-verification-results"]["href"].removeprefix(BASE)
    response = await client.post(
        href, json={"success": ok, "providerApplicationVersion": provider_version}
    )
    assert response.status_code == 201, response.text


async def test_the_latest_pact_badge_follows_its_verification(client: Client) -> None:
    await publish(client, "1", "a")
    unverified = await badge(client, f"{PACTS}/latest/badge")
    assert ">web/orders pact<" in unverified
    assert ">unknown<" in unverified and GREY in unverified
    await verify(client, "1", "p1", True)
    verified = await badge(client, f"{PACTS}/latest/badge")
    assert ">verified<" in verified and GREEN in verified
    await verify(client, "1", "p2", False)
    failed = await badge(client, f"{PACTS}/latest/badge.svg")
    assert ">failed<" in failed and RED in failed


async def test_a_changed_pact_since_its_last_success_is_orange(client: Client) -> None:
    await publish(client, "1", "a")
    await verify(client, "1", "p1", True)
    await publish(client, "2", "a", "b")
    changed = await badge(client, f"{PACTS}/latest/badge")
    assert ">changed<" in changed and ORANGE in changed


async def test_tagged_and_untagged_badges_look_at_their_own_versions(client: Client) -> None:
    await publish(client, "1", "a", tags=["prod"])
    await verify(client, "1", "p1", True)
    await publish(client, "2", "a", "b")
    await verify(client, "2", "p1", False)
    assert ">verified<" in await badge(client, f"{PACTS}/latest/prod/badge")
    assert ">failed<" in await badge(client, f"{PACTS}/latest-untagged/badge")
    assert ">failed<" in await badge(client, f"{PACTS}/latest/badge")
    assert "pact not found" in await badge(client, f"{PACTS}/latest/nope/badge")


async def test_label_and_initials_shape_the_title(client: Client) -> None:
    response = await client.post("/contracts/publish", json=body(pact("a", consumer="MyWebApp")))
    assert response.status_code == 200, response.text
    path = "/pacts/provider/Orders/consumer/MyWebApp/latest/badge"
    assert ">mywebapp/orders pact<" in await badge(client, path)
    assert ">mwa/orders pact<" in await badge(client, path + "?initials=true")
    assert ">mywebapp pact<" in await badge(client, path + "?label=consumer")
    assert ">orders pact<" in await badge(client, path + "?label=provider")


async def test_unknown_pacticipants_get_a_grey_unknown_badge_not_a_404(client: Client) -> None:
    for path in (
        "/pacts/provider/Nobody/consumer/Nothing/latest/badge",
        "/pacts/provider/Nobody/consumer/Nothing/latest/prod/badge",
        "/matrix/provider/Nobody/latest/prod/consumer/Nothing/latest/prod/badge",
    ):
        svg = await badge(client, path)
        assert ">pact not found<" in svg and ">unknown<" in svg and GREY in svg


async def test_the_matrix_badge_needs_a_result_by_a_provider_version_with_the_tag(
    client: Client,
) -> None:
    await publish(client, "1", "a", tags=["prod"])
    await verify(client, "1", "p1", True)
    path = "/matrix/provider/Orders/latest/prod/consumer/Web/latest/prod/badge"
    assert ">unknown<" in await badge(client, path)  # p1 is not tagged prod
    tagged = await client.put("/pacticipants/Orders/versions/p1/tags/prod", json={})
    assert tagged.status_code in {200, 201}, tagged.text
    svg = await badge(client, path)
    assert ">web (prod)/orders (prod) pact<" in svg
    assert ">verified<" in svg and GREEN in svg


async def test_the_badge_path_wins_over_a_tag_named_badge_as_in_the_pact_broker(
    client: Client,
) -> None:
    await publish(client, "1", "a", tags=["badge", "prod"])
    response = await client.get(f"{PACTS}/latest/badge")
    assert response.headers["content-type"].startswith("image/svg+xml")
    pact_response = await client.get(f"{PACTS}/latest/prod")
    assert pact_response.status_code == 200, pact_response.text
    assert pact_response.json()["consumer"]["name"] == "Web"

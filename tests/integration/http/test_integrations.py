"""`/integrations`: the consumer/provider pairs, and removing one or all of them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.integration.http.conftest import broker_app, settings_for
from tests.integration.http.test_pacts import body, pact

Client = AsyncTestClient[Any]

ADMIN = "admin-secret-for-the-integration-tests"
AS_ADMIN = {"Authorization": f"Bearer {ADMIN}"}
BASE = "http://testserver.local"
WEB = "/integrations/provider/Orders/consumer/Web"


@pytest.fixture
async def client(database_url: str) -> AsyncIterator[Client]:
    """The application with `ACCORD_ADMIN_TOKEN` set."""
    app = broker_app(settings_for(database_url, admin_token=ADMIN))
    async with AsyncTestClient(app=app) as test_client:
        yield test_client


async def token(client: Client, role: str, *teams: str) -> dict[str, str]:
    new = {"name": f"{role}-{'-'.join(teams)}", "role": role, "teams": list(teams)}
    response = await client.post("/admin/tokens", json=new, headers=AS_ADMIN)
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


async def publish(client: Client, consumer: str, version: str = "1") -> None:
    document = pact("a", consumer=consumer)
    response = await client.post(
        "/contracts/publish", json=body(document, version), headers=AS_ADMIN
    )
    assert response.status_code == 200, response.text


async def verify(client: Client, consumer: str, provider_version: str, ok: bool) -> None:
    served = await client.get(
        f"/pacts/provider/Orders/consumer/{consumer}/latest", headers=AS_ADMIN
    )
    href = served.json()["_links"]["pb:publish-verification-results"]["href"]
    response = await client.post(
        href.removeprefix(BASE),
        json={"success": ok, "providerApplicationVersion": provider_version},
        headers=AS_ADMIN,
    )
    assert response.status_code == 201, response.text


async def listed(client: Client) -> list[dict[str, Any]]:
    response = await client.get("/integrations", headers=AS_ADMIN)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/hal+json")
    items: list[dict[str, Any]] = response.json()["_embedded"]["integrations"]
    return items


async def test_the_index_links_the_list_of_integrations(client: Client) -> None:
    index = (await client.get("/", headers=AS_ADMIN)).json()
    assert index["_links"]["pb:integrations"]["href"] == f"{BASE}/integrations"
    assert await listed(client) == []


async def test_each_pair_with_the_status_of_its_latest_pact_newest_first(client: Client) -> None:
    await publish(client, "Web")
    await publish(client, "Mobile")
    await verify(client, "Web", "p1", True)
    web, mobile = await listed(client)
    assert (web["consumer"]["name"], web["provider"]["name"]) == ("Web", "Orders")
    assert web["verificationStatus"] == "success"
    assert mobile["consumer"]["name"] == "Mobile"
    assert mobile["verificationStatus"] == "never"
    assert web["_links"]["pb:latest-pact"]["href"].endswith(
        "/pacts/provider/Orders/consumer/Web/latest"
    )
    assert web["_links"]["accord:delete"]["href"] == BASE + WEB
    await verify(client, "Mobile", "p2", False)
    mobile, web = await listed(client)
    assert mobile["verificationStatus"] == "failed"
    graph = await client.get("/integrations", headers={**AS_ADMIN, "Accept": "text/vnd.graphviz"})
    assert graph.headers["content-type"].startswith("text/vnd.graphviz")
    assert '"Mobile" -> "Orders"' in graph.text and '"Web" -> "Orders"' in graph.text


async def test_deleting_an_integration_removes_its_pacts_results_and_what_they_alone_used(
    client: Client,
) -> None:
    await publish(client, "Web")
    await publish(client, "Mobile")
    await verify(client, "Web", "p1", True)
    await verify(client, "Mobile", "p2", True)
    response = await client.delete(WEB, headers=AS_ADMIN)
    assert response.status_code == 204, response.text
    assert [i["consumer"]["name"] for i in await listed(client)] == ["Mobile"]
    gone = await client.get("/pacts/provider/Orders/consumer/Web/latest", headers=AS_ADMIN)
    assert gone.status_code == 404
    # Web had nothing else: it goes; Orders keeps p2 (Mobile's result) but not p1.
    assert (await client.get("/pacticipants/Web", headers=AS_ADMIN)).status_code == 404
    orders = "/pacticipants/Orders/versions"
    assert (await client.get(f"{orders}/p1", headers=AS_ADMIN)).status_code == 404
    assert (await client.get(f"{orders}/p2", headers=AS_ADMIN)).status_code == 200
    assert (await client.delete(WEB, headers=AS_ADMIN)).status_code == 404
    log = (await client.get("/audit?action=integration.delete", headers=AS_ADMIN)).json()
    assert "integration:Web->Orders" in str(log)


async def test_deleting_an_integration_needs_a_writer_of_both_teams(client: Client) -> None:
    for team, owned in (("web", ["Web"]), ("orders", ["Orders"])):
        response = await client.put(
            f"/admin/teams/{team}", json={"pacticipants": owned}, headers=AS_ADMIN
        )
        assert response.status_code == 200, response.text
    await publish(client, "Web")
    web_writer = await token(client, "write", "web")
    orders_writer = await token(client, "write", "orders")
    reader = await token(client, "read")
    refused = await client.delete(WEB, headers=web_writer)
    assert refused.status_code == 403, refused.text
    assert "orders" in refused.json()["detail"]  # the provider's owners, checked by the service
    refused = await client.delete(WEB, headers=orders_writer)
    assert refused.status_code == 403, refused.text
    assert "web" in refused.json()["detail"]  # the consumer's owners, checked by the route
    assert (await client.delete(WEB, headers=reader)).status_code == 403
    assert len(await listed(client)) == 1
    both = await token(client, "write", "web", "orders")
    assert (await client.delete(WEB, headers=both)).status_code == 204
    assert await listed(client) == []


async def test_deleting_every_integration_is_for_admins(client: Client) -> None:
    environment = await client.post(
        "/environments", json={"name": "production", "production": True}, headers=AS_ADMIN
    )
    assert environment.status_code == 201, environment.text
    await publish(client, "Web")
    await publish(client, "Mobile")
    writer = await token(client, "write")
    refused = await client.delete("/integrations", headers=writer)
    assert refused.status_code == 403
    assert len(await listed(client)) == 2
    assert (await client.delete("/integrations", headers=AS_ADMIN)).status_code == 204
    assert await listed(client) == []
    pacticipants = (await client.get("/pacticipants", headers=AS_ADMIN)).json()
    assert pacticipants["_embedded"]["pacticipants"] == []
    assert (await client.get("/environments", headers=AS_ADMIN)).json()["_embedded"]["environments"]

"""Governance over HTTP, on both backends: modes, change requests, approvals and their effects.

The callers are real tokens made through the admin API; teams own the pacticipants.
"""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from broker.app import asgi_app
from tests.integration.http.conftest import broker_app, settings_for
from tests.integration.http.test_auth import ADMIN, bearer, new_token
from tests.integration.http.test_pacts import BASE, body, pact

Client = AsyncTestClient[Any]

OPENAPI = """
openapi: 3.0.3
info: {title: Orders, version: "1"}
paths:
  /orders/{id}:
    get:
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        "200":
          description: an order
          content:
            application/json:
              schema: {type: object, properties: {id: {type: string}}}
"""


class World:
    """The client and a token per caller."""

    def __init__(self, client: Client, tokens: dict[str, str]) -> None:
        self.client = client
        self.tokens = tokens

    def auth(self, who: str) -> dict[str, str]:
        return bearer(self.tokens[who])

    async def publish(self, who: str, version: str, *descriptions: str) -> dict[str, Any]:
        response = await self.client.post(
            "/contracts/publish", json=body(pact(*descriptions), version), headers=self.auth(who)
        )
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    async def requests(self, query: str = "") -> list[dict[str, Any]]:
        response = await self.client.get(f"/change-requests{query}", headers=self.auth("admin"))
        assert response.status_code == 200, response.text
        items: list[dict[str, Any]] = response.json()["_embedded"]["changeRequests"]
        return items

    async def sign(self, who: str, request_id: int, verb: str = "approve", **extra: Any) -> Any:
        return await self.client.post(
            f"/change-requests/{request_id}/{verb}", json=extra, headers=self.auth(who)
        )

    async def actor(self, token_name: str) -> str:
        """How the audit log and change requests name the token called `token_name`."""
        listed = await self.client.get("/admin/tokens", headers=self.auth("admin"))
        [found] = [t for t in listed.json()["_embedded"]["tokens"] if t["name"] == token_name]
        return f"token:{found['id']}"

    async def can_i_deploy(self, pacticipant: str, version: str) -> dict[str, Any]:
        response = await self.client.get(
            f"/can-i-deploy?pacticipant={pacticipant}&version={version}&environment=production",
            headers=self.auth("admin"),
        )
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    async def publish_document(self, version: str, document: str) -> dict[str, Any]:
        response = await self.client.post(
            "/provider-contracts/provider/Orders/publish",
            json={
                "pacticipantVersionNumber": version,
                "contract": {
                    "content": base64.b64encode(document.encode()).decode(),
                    "contentType": "application/yaml",
                    "specification": "oas",
                    "selfVerificationResults": {"success": True, "content": "ok", "verifier": "t"},
                },
            },
            headers=self.auth("orders-ci"),
        )
        assert response.status_code in {200, 201}, response.text
        result: dict[str, Any] = response.json()
        return result

    async def verify(self, consumer_version: str, provider_version: str) -> None:
        served = await self.client.get(
            f"/pacts/provider/Orders/consumer/Web/version/{consumer_version}",
            headers=self.auth("admin"),
        )
        href = served.json()["_links"]["pb:publish-verification-results"]["href"]
        response = await self.client.post(
            href.removeprefix(BASE),
            json={"success": True, "providerApplicationVersion": provider_version},
            headers=self.auth("orders-ci"),
        )
        assert response.status_code == 201, response.text


@pytest.fixture
async def world(database_url: str) -> AsyncIterator[World]:
    app = broker_app(settings_for(database_url, admin_token=ADMIN))
    async with AsyncTestClient(app=app) as client:
        admin = bearer(ADMIN)
        for team, owned in (("web-team", ["Web"]), ("orders-team", ["Orders"])):
            saved = await client.put(
                f"/admin/teams/{team}", json={"pacticipants": owned}, headers=admin
            )
            assert saved.status_code == 200, saved.text
        tokens = {
            "admin": ADMIN,
            "web-ci": await new_token(client, "write", "web-team"),
            "orders-ci": await new_token(client, "write", "orders-team"),
            "web-approver": await new_token(client, "approver", "web-team"),
            "orders-approver": await new_token(client, "approver", "orders-team"),
            "reader": await new_token(client, "read"),
        }
        environment = await client.post(
            "/environments", json={"name": "production", "production": True}, headers=admin
        )
        assert environment.status_code == 201, environment.text
        world = World(client, tokens)
        world.environment = environment.json()  # type: ignore[attr-defined]
        yield world


async def set_mode(world: World, pacticipant: str, mode: str) -> Any:
    return await world.client.put(
        f"/pacticipants/{pacticipant}/mode", json={"mode": mode}, headers=world.auth("admin")
    )


async def test_modes_default_to_greenfield_and_only_admins_set_them(world: World) -> None:
    shown = await world.client.get("/pacticipants/Web/mode", headers=world.auth("reader"))
    assert shown.json()["mode"] == "greenfield"
    refused = await world.client.put(
        "/pacticipants/Web/mode", json={"mode": "greenfield"}, headers=world.auth("web-ci")
    )
    assert refused.status_code == 403
    bad = await set_mode(world, "Web", "strict")
    assert bad.status_code == 400
    assert "mode" in bad.json()["errors"]
    good = await set_mode(world, "Web", "brownfield-enterprise")
    assert good.status_code == 200
    shown = await world.client.get("/pacticipants/Web/mode", headers=world.auth("reader"))
    assert shown.json()["mode"] == "brownfield-enterprise"


async def test_greenfield_publishes_take_effect_without_a_request(world: World) -> None:
    result = await world.publish("web-ci", "1", "a")
    assert not any("Change request" in n["text"] for n in result["notices"])
    assert await world.requests() == []


async def test_an_enterprise_consumer_change_waits_for_the_providers_team(world: World) -> None:
    assert (await set_mode(world, "Web", "brownfield-enterprise")).status_code == 200
    published = await world.publish("web-ci", "1", "a")
    assert any("Change request" in n["text"] for n in published["notices"])
    [request] = await world.requests("?pacticipant=Web&status=open")
    assert (request["status"], request["kind"], request["pacticipant"]) == ("open", "pact", "Web")
    assert request["provider"] == "Orders"
    assert request["awaiting"] == ["orders-team"]
    assert request["author"] == await world.actor("write-web-team")
    assert request["versions"] == ["1"]
    assert request["affected"] == [{"pacticipant": "Orders", "interactions": ["a"]}]

    # The provider is verified and deployed: only the change request holds Web back.
    await deploy_provider(world, "p1")
    await world.verify("1", "p1")
    held = await world.can_i_deploy("Web", "1")
    assert held["summary"]["deployable"] is False
    reason = held["summary"]["reason"]
    assert (
        f"Change request {request['id']} awaiting approval (needs 1 approval from a member of"
        " orders-team (for Orders))"
    ) in reason
    # The provider may verify it early: pacts-for-verification calls it pending.
    listed = await world.client.post(
        "/pacts/provider/Orders/for-verification",
        json={"consumerVersionSelectors": [{"latest": True}]},
        headers=world.auth("orders-ci"),
    )
    [entry] = listed.json()["_embedded"]["pacts"]
    assert entry["verificationProperties"]["pending"] is True

    # The consumer's own pipeline, the consumer's approver, then the provider's approver.
    assert (await world.sign("web-ci", request["id"])).status_code == 403
    wrong_team = await world.sign("web-approver", request["id"])
    assert wrong_team.status_code == 403
    assert "orders-team" in wrong_team.json()["errors"]["request"][0]
    approved = await world.sign("orders-approver", request["id"])
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"
    again = await world.sign("orders-approver", request["id"])
    assert again.status_code == 200
    assert again.json()["changed"] is False
    assert "changes nothing" in again.json()["notice"]
    assert again.json()["approvals"] == approved.json()["approvals"]

    cleared = await world.can_i_deploy("Web", "1")
    assert cleared["summary"]["deployable"] is True, cleared["summary"]
    listed = await world.client.post(
        "/pacts/provider/Orders/for-verification",
        json={"consumerVersionSelectors": [{"latest": True}], "includePendingStatus": True},
        headers=world.auth("orders-ci"),
    )
    [entry] = listed.json()["_embedded"]["pacts"]
    assert entry["verificationProperties"]["pending"] is False

    # Approved content stays approved: another version publishing it opens nothing.
    await world.publish("web-ci", "2", "a")
    assert len(await world.requests()) == 1


async def deploy_provider(world: World, version: str) -> None:
    env = world.environment  # type: ignore[attr-defined]
    await world.client.put(
        f"/pacticipants/Orders/versions/{version}", json={}, headers=world.auth("admin")
    )
    response = await world.client.post(
        f"/pacticipants/Orders/versions/{version}/deployed-versions/environment/{env['uuid']}",
        json={},
        headers=world.auth("orders-ci"),
    )
    assert response.status_code in {200, 201}, response.text


async def test_new_content_supersedes_and_rejection_needs_a_reason(world: World) -> None:
    await set_mode(world, "Web", "brownfield-enterprise")
    await world.publish("web-ci", "1", "a")
    await world.publish("web-ci", "2", "a")  # the same content joins the open request
    [first] = await world.requests()
    assert first["versions"] == ["1", "2"]
    await world.publish("web-ci", "3", "a", "b")
    second, first = await world.requests()
    paged = await world.client.get(
        "/change-requests?pacticipant=Web&size=1", headers=world.auth("reader")
    )
    assert paged.json()["page"]["totalElements"] == 2
    assert "pacticipant=Web&page=2&size=1" in paged.json()["_links"]["next"]["href"]
    assert first["status"] == "superseded"
    assert first["supersededBy"] == second["id"]
    assert (await world.sign("orders-approver", first["id"])).status_code == 409
    # Nothing was ever approved: the diff (and what it touches) is against no content.
    assert second["affected"] == [{"pacticipant": "Orders", "interactions": ["a", "b"]}]

    no_reason = await world.sign("orders-approver", second["id"], "reject")
    assert no_reason.status_code == 400
    assert "reason" in no_reason.json()["errors"]
    blank = await world.sign("orders-approver", second["id"], "reject", reason="  ")
    assert blank.status_code == 400
    rejected = await world.sign("orders-approver", second["id"], "reject", reason="breaks us")
    assert rejected.status_code == 200
    assert (rejected.json()["status"], rejected.json()["rejectionReason"]) == (
        "rejected",
        "breaks us",
    )
    answer = await world.can_i_deploy("Web", "3")
    assert answer["summary"]["deployable"] is False
    rejecter = await world.actor("approver-orders-team")
    assert (
        f"Change request {second['id']} was rejected by {rejecter}: breaks us"
        in answer["summary"]["reason"]
    )
    described = await world.client.get(
        f"/change-requests/{second['id']}", headers=world.auth("reader")
    )
    assert "b" in described.json()["diff"]
    assert described.json()["baseSha"] is None


async def test_the_author_cannot_approve_their_own_change(world: World) -> None:
    await set_mode(world, "Web", "brownfield-enterprise")
    # An admin publishes (admins may write anything) and then tries to sign it off.
    await world.publish("admin", "1", "a")
    [request] = await world.requests()
    refused = await world.sign("admin", request["id"])
    assert refused.status_code == 403
    assert "cannot" in refused.json()["errors"]["request"][0]


async def test_a_policy_asks_n_of_m_teams(world: World) -> None:
    admin = world.auth("admin")
    for team in ("a", "b", "c"):
        await world.client.put(f"/admin/teams/{team}", json={"pacticipants": []}, headers=admin)
        world.tokens[team] = await new_token(world.client, "approver", team)
    bad = await world.client.put(
        "/pacticipants/Web/approval-policy", json={"teams": ["a"], "required": 2}, headers=admin
    )
    assert bad.status_code == 400
    assert "required" in bad.json()["errors"]
    policy = await world.client.put(
        "/pacticipants/Web/approval-policy",
        json={"teams": ["a", "b", "c"], "required": 2},
        headers=admin,
    )
    assert policy.status_code == 200, policy.text
    assert policy.json()["isDefault"] is False
    await set_mode(world, "Web", "brownfield-enterprise")
    await world.publish("web-ci", "1", "a")
    [request] = await world.requests()
    assert request["awaiting"] == ["a", "b", "c"]
    assert (await world.sign("orders-approver", request["id"])).status_code == 403
    one = await world.sign("a", request["id"])
    assert one.json()["status"] == "open"
    assert one.json()["awaiting"] == ["b", "c"]
    two = await world.sign("c", request["id"])
    assert two.json()["status"] == "approved"


async def test_an_unowned_provider_lets_any_approver_sign(world: World) -> None:
    await set_mode(world, "Web", "brownfield-enterprise")
    document = pact("a") | {"provider": {"name": "Stock"}}
    request_body = body(document, "1")
    request_body["contracts"][0]["providerName"] = "Stock"
    response = await world.client.post(
        "/contracts/publish", json=request_body, headers=world.auth("web-ci")
    )
    assert response.status_code == 200, response.text
    [request] = await world.requests()
    assert request["requirements"][0]["teams"] == []
    assert (await world.sign("web-approver", request["id"])).json()["status"] == "approved"


async def test_an_enterprise_provider_contract_waits_for_its_consumers_teams(
    world: World,
) -> None:
    await world.publish("web-ci", "1", "a")  # Web is greenfield: its pact is in effect
    await set_mode(world, "Orders", "brownfield-enterprise")
    await world.publish_document("p1", OPENAPI)
    [request] = await world.requests("?pacticipant=Orders")
    assert (request["kind"], request["provider"]) == ("provider-contract", None)
    assert request["awaiting"] == ["web-team"]
    held = await world.can_i_deploy("Orders", "p1")
    assert held["summary"]["deployable"] is False
    assert f"Change request {request['id']} awaiting approval" in held["summary"]["reason"]
    assert (await world.sign("orders-approver", request["id"])).status_code == 403
    approved = await world.sign("web-approver", request["id"])
    assert approved.json()["status"] == "approved"
    after = await world.can_i_deploy("Orders", "p1")
    assert "Change request" not in after["summary"]["reason"]


async def test_polish_mode_flags_dropping_what_is_verified(world: World) -> None:
    await set_mode(world, "Web", "brownfield-polish")
    await world.publish("web-ci", "1", "a", "b")
    await world.verify("1", "p1")
    published = await world.publish("web-ci", "2", "a")
    warnings = [n["text"] for n in published["notices"] if n["type"] == "warning"]
    assert any("drops the interaction 'b'" in text for text in warnings), warnings
    answer = await world.can_i_deploy("Web", "2")
    assert any("drops the interaction 'b'" in n["text"] for n in answer["notices"])
    assert await world.requests() == []


async def test_the_broker_wide_default_mode_applies_to_pacticipants_without_one(
    database_url: str,
) -> None:
    settings = settings_for(database_url, admin_token=ADMIN, default_mode="brownfield-enterprise")
    async with AsyncTestClient(app=asgi_app(settings)) as client:
        shown = await client.get("/pacticipants/Web/mode", headers=bearer(ADMIN))
        assert shown.json()["mode"] == "brownfield-enterprise"
        published = await client.post(
            "/contracts/publish", json=body(pact("a"), "1"), headers=bearer(ADMIN)
        )
        assert any("Change request" in n["text"] for n in published.json()["notices"])
        # A pacticipant's own mode wins over the default.
        await client.put(
            "/pacticipants/App/mode", json={"mode": "greenfield"}, headers=bearer(ADMIN)
        )
        document = pact("a", consumer="App")
        again = await client.post(
            "/contracts/publish", json=body(document, "1"), headers=bearer(ADMIN)
        )
        assert not any("Change request" in n["text"] for n in again.json()["notices"])


async def test_polish_mode_flags_a_provider_change_that_breaks_a_consumer(world: World) -> None:
    await world.publish("web-ci", "1", "a")

    await set_mode(world, "Orders", "brownfield-polish")
    await world.publish_document("p1", OPENAPI)
    await world.publish_document("p2", OPENAPI.replace("/orders/{id}", "/purchases/{id}"))
    answer = await world.can_i_deploy("Orders", "p2")
    warnings = [n["text"] for n in answer["notices"] if n["type"] == "warning"]
    assert any("Breaking change" in text and "Web" in text for text in warnings), warnings
    assert await world.requests() == []
    untouched = await world.can_i_deploy("Orders", "p1")
    assert not any("Breaking change" in n["text"] for n in untouched["notices"])

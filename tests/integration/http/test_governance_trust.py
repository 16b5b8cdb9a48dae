"""Governance that cannot be talked round (issue 12), over HTTP on both backends.

A deletion or a re-publication is a change like any other; one person counts once, whatever
teams they are in; approvals that change nothing say so; the admin override is break glass.
"""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.integration.http.conftest import broker_app, settings_for
from tests.integration.http.test_auth import ADMIN, bearer, new_token
from tests.integration.http.test_governance import OPENAPI, World, deploy_provider, set_mode
from tests.integration.http.test_pacts import body, pact


async def _world(database_url: str, **settings: Any) -> AsyncIterator[World]:
    app = broker_app(settings_for(database_url, admin_token=ADMIN, **settings))
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
            "orders-approver": await new_token(client, "approver", "orders-team"),
        }
        environment = await client.post(
            "/environments", json={"name": "production", "production": True}, headers=admin
        )
        assert environment.status_code == 201, environment.text
        world = World(client, tokens)
        world.environment = environment.json()  # type: ignore[attr-defined]
        yield world


@pytest.fixture
async def world(database_url: str) -> AsyncIterator[World]:
    async for made in _world(database_url):
        yield made


@pytest.fixture
async def breakable(database_url: str) -> AsyncIterator[World]:
    """A broker whose operator allows the admin override."""
    async for made in _world(database_url, allow_override=True):
        yield made


async def _held_change(world: World) -> dict[str, Any]:
    """Web 0 publishes "a" in greenfield (in effect); in enterprise, Web 1 adds "b" (held).

    Orders p1 is deployed and has verified both, so only governance can say no.
    """
    await world.publish("web-ci", "0", "a")
    assert (await set_mode(world, "Web", "brownfield-enterprise")).status_code == 200
    await world.publish("web-ci", "1", "a", "b")
    [request] = await world.requests("?status=open")
    await deploy_provider(world, "p1")
    await world.verify("0", "p1")
    await world.verify("1", "p1")
    assert (await world.can_i_deploy("Web", "0"))["summary"]["deployable"] is True
    held = await world.can_i_deploy("Web", "1")
    assert held["summary"]["deployable"] is False
    return request


async def _answer(world: World, pacticipant: str, version: str) -> dict[str, Any]:
    response = await world.client.get(
        f"/can-i-deploy?pacticipant={pacticipant}&version={version}&environment=production",
        headers=world.auth("admin"),
    )
    assert response.status_code in {200, 400}, response.text
    answer: dict[str, Any] = response.json()
    return answer


def _deployable(answer: dict[str, Any]) -> bool:
    """can-i-deploy's yes: a 200 whose summary says deployable (a 400 is no)."""
    return bool(answer.get("summary", {}).get("deployable"))


async def test_trust_03_deleting_a_held_pact_keeps_the_version_undeployable(world: World) -> None:
    request = await _held_change(world)
    deleted = await world.client.delete(
        "/pacts/provider/Orders/consumer/Web/version/1", headers=world.auth("web-ci")
    )
    assert deleted.status_code == 204, deleted.text
    answer = await world.can_i_deploy("Web", "1")
    assert answer["summary"]["deployable"] is False, answer["summary"]
    assert f"Change request {request['id']} awaiting approval" in answer["summary"]["reason"]
    # The request still stands and can be approved; then the version is free.
    [still_open] = await world.requests("?status=open")
    assert still_open["id"] == request["id"]
    approved = await world.sign("orders-approver", request["id"])
    assert approved.json()["status"] == "approved", approved.text
    cleared = await world.can_i_deploy("Web", "1")
    assert "Change request" not in cleared["summary"]["reason"]


async def test_trust_03_republishing_approved_content_under_a_held_version_keeps_it_held(
    world: World,
) -> None:
    request = await _held_change(world)
    await world.client.delete(
        "/pacts/provider/Orders/consumer/Web/version/1", headers=world.auth("web-ci")
    )
    await world.publish("web-ci", "1", "a")  # the content already in effect
    await world.verify("1", "p1")
    answer = await world.can_i_deploy("Web", "1")
    assert answer["summary"]["deployable"] is False, answer["summary"]
    assert f"Change request {request['id']}" in answer["summary"]["reason"]


@pytest.mark.parametrize(
    "path", ["/pacticipants/Web/versions/1", "/pacticipants/Web"], ids=["version", "pacticipant"]
)
async def test_trust_03_deleting_and_recreating_a_held_version_keeps_it_held(
    world: World, path: str
) -> None:
    request = await _held_change(world)
    deleted = await world.client.delete(path, headers=world.auth("web-ci"))
    assert deleted.status_code in {200, 204}, deleted.text
    assert not _deployable(await _answer(world, "Web", "1"))
    # The same version number comes back with content that is in effect: still held.
    await world.publish("web-ci", "1", "a")
    await world.verify("1", "p1")
    answer = await _answer(world, "Web", "1")
    assert answer["summary"]["deployable"] is False, answer["summary"]
    assert f"Change request {request['id']}" in answer["summary"]["reason"]


async def test_trust_03_leaving_enterprise_mode_with_open_requests_is_refused(
    world: World,
) -> None:
    request = await _held_change(world)
    refused = await set_mode(world, "Web", "greenfield")
    assert refused.status_code == 409, refused.text
    assert f"open change request {request['id']}" in refused.json()["detail"]
    assert "mode" in refused.json()["errors"]
    rejected = await world.sign("orders-approver", request["id"], "reject", reason="no")
    assert rejected.status_code == 200
    assert (await set_mode(world, "Web", "greenfield")).status_code == 200
    # Out of enterprise mode, the rejected change still holds the version that published it.
    answer = await world.can_i_deploy("Web", "1")
    assert answer["summary"]["deployable"] is False, answer["summary"]
    assert f"Change request {request['id']} was rejected" in answer["summary"]["reason"]


async def _two_team_approver(world: World) -> None:
    admin = world.auth("admin")
    for team in ("a", "b", "c"):
        await world.client.put(f"/admin/teams/{team}", json={"pacticipants": []}, headers=admin)
    world.tokens["ab"] = await new_token(world.client, "approver", "a", "b")
    world.tokens["c"] = await new_token(world.client, "approver", "c")
    policy = await world.client.put(
        "/pacticipants/Web/approval-policy",
        json={"teams": ["a", "b", "c"], "required": 2},
        headers=admin,
    )
    assert policy.status_code == 200, policy.text


async def test_trust_04_an_approver_in_two_teams_counts_for_one(world: World) -> None:
    await _two_team_approver(world)
    await set_mode(world, "Web", "brownfield-enterprise")
    await world.publish("web-ci", "1", "a")
    [request] = await world.requests()
    first = await world.sign("ab", request["id"])
    assert first.status_code == 200, first.text
    assert first.json()["status"] == "open"
    assert first.json()["changed"] is True
    assert first.json()["approvals"][0]["countsFor"] == "a"
    assert first.json()["notice"] == (
        f"Approved change request {request['id']} for a (the policy of Web): it needs 1 more"
        " approval from one of b, c (for the policy of Web)."
    )
    assert "needs 1 more approval from one of b, c" in first.json()["summary"]
    # The same person cannot count again for the other team.
    again = await world.sign("ab", request["id"], team="b")
    assert (again.status_code, again.json()["changed"]) == (200, False)
    assert again.json()["status"] == "open"
    shown = await world.client.get(f"/change-requests/{request['id']}", headers=world.auth("c"))
    assert len(shown.json()["approvals"]) == 1
    done = await world.sign("c", request["id"])
    assert done.json()["status"] == "approved"


async def test_trust_04_the_approver_names_the_team_and_bad_teams_are_refused(
    world: World,
) -> None:
    await _two_team_approver(world)
    await set_mode(world, "Web", "brownfield-enterprise")
    await world.publish("web-ci", "1", "a")
    [request] = await world.requests()
    not_member = await world.sign("ab", request["id"], team="c")
    assert not_member.status_code == 403
    assert "team" in not_member.json()["errors"]
    chosen = await world.sign("ab", request["id"], team="b")
    assert chosen.json()["approvals"][0]["countsFor"] == "b"
    assert chosen.json()["awaiting"] == ["a", "c"]


async def test_trust_16_a_publish_that_supersedes_a_request_names_it(world: World) -> None:
    await set_mode(world, "Web", "brownfield-enterprise")
    await world.publish("web-ci", "1", "a")
    [first] = await world.requests()
    published = await world.publish("web-ci", "2", "a", "b")
    texts = [n["text"] for n in published["notices"]]
    assert any(f"It supersedes change request {first['id']}" in text for text in texts), texts


async def test_trust_16_override_is_disabled_unless_the_operator_allows_it(world: World) -> None:
    await set_mode(world, "Web", "brownfield-enterprise")
    await world.publish("web-ci", "1", "a")
    [request] = await world.requests()
    refused = await world.sign("admin", request["id"], "override", reason="fire")
    assert refused.status_code == 403
    assert "ACCORD_ALLOW_OVERRIDE" in refused.json()["detail"]
    assert (await world.requests())[0]["status"] == "open"


async def test_trust_16_an_admin_overrides_with_a_reason_and_everyone_sees_it(
    breakable: World,
) -> None:
    world = breakable
    request = await _held_change(world)
    not_admin = await world.sign("orders-approver", request["id"], "override", reason="x")
    assert not_admin.status_code == 403
    no_reason = await world.sign("admin", request["id"], "override")
    assert no_reason.status_code == 400
    assert "reason" in no_reason.json()["errors"]
    overridden = await world.sign("admin", request["id"], "override", reason="outage fix")
    assert overridden.status_code == 200, overridden.text
    assert (overridden.json()["status"], overridden.json()["overrideReason"]) == (
        "overridden",
        "outage fix",
    )
    assert (
        "overridden by ACCORD_ADMIN_TOKEN without approval: outage fix"
        in (overridden.json()["summary"])
    )
    answer = await world.can_i_deploy("Web", "1")
    assert answer["summary"]["deployable"] is True, answer["summary"]
    warnings = [n["text"] for n in answer["notices"] if n["type"] == "warning"]
    assert any(f"Change request {request['id']} was overridden" in t for t in warnings), warnings
    # Another version publishing the same content shows the override too.
    await world.publish("web-ci", "2", "a", "b")
    await world.verify("2", "p1")
    later = await world.can_i_deploy("Web", "2")
    assert any("outage fix" in n["text"] for n in later["notices"]), later["notices"]
    audit = await world.client.get(
        "/audit?action=change-request.override", headers=world.auth("admin")
    )
    [entry] = audit.json()["_embedded"]["entries"]
    assert entry["subject"] == f"change-request:{request['id']}"
    approvals = await world.client.get(
        "/audit?action=change-request.approve", headers=world.auth("admin")
    )
    assert approvals.json()["_embedded"]["entries"] == []
    # Once overridden there is nothing left to approve or override.
    assert (await world.sign("admin", request["id"], "override", reason="x")).status_code == 409


async def test_trust_16_the_mode_resource_names_the_owning_teams(world: World) -> None:
    shown = await world.client.get("/pacticipants/Web/mode", headers=world.auth("web-ci"))
    assert shown.json()["owningTeams"] == ["web-team"]


async def test_trust_16_publishing_with_the_same_body_twice_is_fine(world: World) -> None:
    """Sanity: an enterprise re-publication of the same content joins, not supersedes."""
    await set_mode(world, "Web", "brownfield-enterprise")
    await world.publish("web-ci", "1", "a")
    again = await world.client.post(
        "/contracts/publish", json=body(pact("a"), "1"), headers=world.auth("web-ci")
    )
    assert again.status_code == 200
    assert not any("supersedes" in n["text"] for n in again.json()["notices"])


async def test_trust_04_a_user_and_its_tokens_are_one_person(world: World) -> None:
    """Two tokens made for one user, or the user and a token, approve once between them."""
    admin = world.auth("admin")
    for team in ("a", "b", "c"):
        await world.client.put(f"/admin/teams/{team}", json={"pacticipants": []}, headers=admin)
    created = await world.client.post(
        "/admin/users",
        json={"username": "ann", "password": "long enough", "role": "approver", "teams": ["a"]},
        headers=admin,
    )
    assert created.status_code == 201, created.text
    world.tokens["ann-a"] = await new_token(world.client, "approver", "a", user="ann")
    world.tokens["ann-b"] = await new_token(world.client, "approver", "b", user="ann")
    world.tokens["c"] = await new_token(world.client, "approver", "c")
    unknown = await world.client.post(
        "/admin/tokens", json={"name": "x", "role": "read", "user": "nobody"}, headers=admin
    )
    assert unknown.status_code == 400
    assert "user" in unknown.json()["errors"]
    await world.client.put(
        "/pacticipants/Web/approval-policy",
        json={"teams": ["a", "b", "c"], "required": 2},
        headers=admin,
    )
    await set_mode(world, "Web", "brownfield-enterprise")
    await world.publish("web-ci", "1", "a")
    [request] = await world.requests()
    first = await world.sign("ann-a", request["id"])
    assert first.json()["approvals"][0]["approver"] == "user:ann"
    second = await world.sign("ann-b", request["id"])
    assert (second.json()["changed"], second.json()["status"]) == (False, "open")
    basic = {"Authorization": "Basic " + base64.b64encode(b"ann:long enough").decode()}
    third = await world.client.post(
        f"/change-requests/{request['id']}/approve", json={}, headers=basic
    )
    assert (third.json()["changed"], third.json()["status"]) == (False, "open")
    done = await world.sign("c", request["id"])
    assert done.json()["status"] == "approved"


async def test_trust_04_a_token_of_the_author_cannot_approve_the_change(world: World) -> None:
    admin = world.auth("admin")
    await world.client.post(
        "/admin/users",
        json={"username": "bo", "password": "long enough", "role": "admin", "teams": []},
        headers=admin,
    )
    world.tokens["bo-write"] = await new_token(world.client, "admin", user="bo")
    world.tokens["bo-approve"] = await new_token(world.client, "approver", "orders-team", user="bo")
    await set_mode(world, "Web", "brownfield-enterprise")
    await world.publish("bo-write", "1", "a")
    [request] = await world.requests()
    assert request["author"] == "user:bo"
    refused = await world.sign("bo-approve", request["id"])
    assert refused.status_code == 403


async def test_trust_03_a_provider_republishing_approved_content_stays_held(world: World) -> None:
    """The same hole on the provider side: p2's changed document, then the approved one again."""
    await world.publish("web-ci", "1", "a")
    await world.publish_document("p1", OPENAPI)  # greenfield: in effect
    await set_mode(world, "Orders", "brownfield-enterprise")
    await world.publish_document("p2", OPENAPI.replace("an order", "one order"))
    [request] = await world.requests("?pacticipant=Orders&status=open")
    assert (await world.can_i_deploy("Orders", "p2"))["summary"]["deployable"] is False
    again = await world.client.post(
        "/provider-contracts/provider/Orders/publish",
        json=_contract_body("p2", OPENAPI),
        headers=world.auth("orders-ci"),
    )
    assert again.status_code in {200, 201, 409}, again.text
    answer = await world.can_i_deploy("Orders", "p2")
    assert answer["summary"]["deployable"] is False, answer["summary"]
    assert f"Change request {request['id']}" in answer["summary"]["reason"]
    deleted = await world.client.delete(
        "/pacticipants/Orders/versions/p2", headers=world.auth("orders-ci")
    )
    assert deleted.status_code in {200, 204}, deleted.text
    await world.publish_document("p2", OPENAPI)
    answer = await world.can_i_deploy("Orders", "p2")
    assert answer["summary"]["deployable"] is False, answer["summary"]


def _contract_body(version: str, document: str) -> dict[str, Any]:
    return {
        "pacticipantVersionNumber": version,
        "contract": {
            "content": base64.b64encode(document.encode()).decode(),
            "contentType": "application/yaml",
            "specification": "oas",
            "selfVerificationResults": {"success": True, "content": "ok", "verifier": "t"},
        },
    }

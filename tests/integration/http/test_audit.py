"""`GET /audit`: every write leaves one chained entry; filters and HAL paging."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from typing import Any

import msgspec
from litestar.testing import AsyncTestClient

from broker.app import asgi_app
from clients.sdk import AuditEntry
from clients.sdk._audit import first_break
from tests.integration.http.conftest import settings_for

Client = AsyncTestClient[Any]
JSON = {"Content-Type": "application/json"}
BASE = "http://testserver.local"
OAS = (
    Path(__file__).resolve().parents[3].parent / "shared" / "clients" / "fixtures" / "oas.yaml"
).read_bytes()


def pact(description: str) -> dict[str, Any]:
    return {
        "consumer": {"name": "Web"},
        "provider": {"name": "Orders"},
        "interactions": [
            {
                "description": description,
                "request": {"method": "GET", "path": "/orders/1"},
                "response": {"status": 200},
            }
        ],
        "metadata": {"pactSpecification": {"version": "2.0.0"}},
    }


async def entries(client: Client, query: str = "") -> list[dict[str, Any]]:
    response = await client.get(f"/audit?size=1000{query}")
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["_embedded"]["entries"]
    return found


async def ok(response: Any) -> Any:
    assert response.status_code < 300, response.text
    return response.json() if response.content else None


async def test_each_write_appends_one_chained_entry(client: Client) -> None:
    await ok(await client.post("/pacticipants", json={"name": "Orders"}))
    await ok(await client.patch("/pacticipants/Orders", json={"displayName": "Orders API"}))
    await ok(await client.put("/pacticipants/Orders/labels/team-a", content="{}", headers=JSON))
    await ok(await client.delete("/pacticipants/Orders/labels/team-a"))
    await ok(await client.put("/pacticipants/Web/versions/1", json={}))
    await ok(await client.put("/pacticipants/Web/versions/1/tags/dev", content="{}", headers=JSON))
    await ok(await client.delete("/pacticipants/Web/versions/1/tags/dev"))
    branch = "/pacticipants/Web/branches/main/versions/1"
    await ok(await client.put(branch, content="{}", headers=JSON))
    await ok(await client.delete(branch))
    await ok(await client.delete("/pacticipants/Web/branches/main"))
    environment = await ok(
        await client.post("/environments", json={"name": "prod", "production": True})
    )
    uuid = environment["uuid"]
    await ok(await client.put(f"/environments/{uuid}", json={"name": "prod", "production": False}))
    deployed = await ok(
        await client.post(
            f"/pacticipants/Web/versions/1/deployed-versions/environment/{uuid}", json={}
        )
    )
    await ok(
        await client.patch(
            deployed["_links"]["self"]["href"].removeprefix(BASE), json={"currentlyDeployed": False}
        )
    )
    released = await ok(
        await client.post(
            f"/pacticipants/Web/versions/1/released-versions/environment/{uuid}", json={}
        )
    )
    await ok(
        await client.patch(
            released["_links"]["self"]["href"].removeprefix(BASE),
            json={"currentlySupported": False},
        )
    )
    served = await ok(
        await client.put("/pacts/provider/Orders/consumer/Web/version/1", json=pact("a"))
    )
    await ok(await client.put("/pacts/provider/Orders/consumer/Web/version/1", json=pact("a")))
    results = served["_links"]["pb:publish-verification-results"]["href"].removeprefix(BASE)
    await ok(await client.post(results, json={"success": True, "providerApplicationVersion": "9"}))
    contract = {
        "pacticipantVersionNumber": "9",
        "contract": {
            "content": base64.b64encode(OAS).decode(),
            "contentType": "application/yaml",
            "specification": "oas",
        },
    }
    await ok(await client.post("/provider-contracts/provider/Orders/publish", json=contract))
    await ok(await client.delete("/pacts/provider/Orders/consumer/Web/version/1"))
    await ok(await client.delete(f"/environments/{uuid}"))
    await ok(await client.delete("/pacticipants/Web/versions/1"))
    await ok(await client.delete("/pacticipants/Web"))

    log = await entries(client)
    assert [(e["action"], e["subject"]) for e in log] == [
        ("pacticipant.create", "pacticipant:Orders"),
        ("pacticipant.update", "pacticipant:Orders"),
        ("label.add", "label:Orders#team-a"),
        ("label.remove", "label:Orders#team-a"),
        ("version.create", "version:Web@1"),
        ("tag.add", "tag:Web@1#dev"),
        ("tag.delete", "tag:Web@1#dev"),
        ("branch.add-version", "branch-version:Web/main@1"),
        ("branch.remove-version", "branch-version:Web/main@1"),
        ("branch.delete", "branch:Web/main"),
        ("environment.create", "environment:prod"),
        ("environment.update", "environment:prod"),
        ("deployment.record", "deployment:Web@1->prod"),
        ("deployment.undeploy", "deployment:Web@1->prod"),
        ("release.record", "release:Web@1->prod"),
        ("release.end-support", "release:Web@1->prod"),
        ("pact.publish", "pact:Web->Orders@1"),
        ("pact.publish", "pact:Web->Orders@1"),
        ("verification.publish", f"verification:Web->Orders#{served_sha(served)}@9"),
        ("provider-contract.publish", "provider-contract:Orders@9"),
        ("pact.delete", "pact:Web->Orders@1"),
        ("environment.delete", "environment:prod"),
        ("version.delete", "version:Web@1"),
        ("pacticipant.delete", "pacticipant:Web"),
    ]
    assert {e["actor"] for e in log} == {"anonymous"}
    by_action = {e["action"]: e for e in log}
    # Created: nothing before; deleted: nothing after; updated: both, and different.
    assert by_action["pacticipant.create"]["hashBefore"] is None
    assert by_action["pacticipant.delete"]["hashAfter"] is None
    update = by_action["pacticipant.update"]
    assert None not in (update["hashBefore"], update["hashAfter"])
    assert update["hashBefore"] != update["hashAfter"]
    # Pacts and provider contracts carry their content hashes.
    first, again = (e for e in log if e["action"] == "pact.publish")
    sha = served_sha(served)
    assert (first["hashBefore"], first["hashAfter"]) == (None, sha)
    assert (again["hashBefore"], again["hashAfter"]) == (sha, sha)
    assert (by_action["pact.delete"]["hashBefore"], by_action["pact.delete"]["hashAfter"]) == (
        sha,
        None,
    )
    assert by_action["provider-contract.publish"]["hashAfter"] == hashlib.sha256(OAS).hexdigest()
    assert by_action["verification.publish"]["pacticipants"] == ["Web", "Orders"]
    assert first_break(msgspec.convert(log, list[AuditEntry])) is None


def served_sha(served: dict[str, Any]) -> str:
    href: str = served["_links"]["pb:publish-verification-results"]["href"]
    return href.split("/pact-version/")[1].split("/", maxsplit=1)[0]


async def test_a_rejected_write_leaves_no_entry(client: Client) -> None:
    await ok(await client.post("/pacticipants", json={"name": "Orders"}))
    assert (await client.post("/pacticipants", json={"name": "Orders"})).status_code == 409
    assert (await client.delete("/pacticipants/Nobody")).status_code == 404
    assert [e["action"] for e in await entries(client)] == ["pacticipant.create"]


async def test_filters_narrow_the_entries(client: Client) -> None:
    await ok(await client.post("/pacticipants", json={"name": "Web"}))
    await ok(await client.post("/pacticipants", json={"name": "Orders"}))
    await ok(await client.put("/pacts/provider/Orders/consumer/Web/version/1", json=pact("a")))
    await ok(await client.patch("/pacticipants/Web", json={"displayName": "Web"}))

    def seqs(found: list[dict[str, Any]]) -> list[int]:
        return [e["seq"] for e in found]

    assert seqs(await entries(client, "&action=pact.publish")) == [3]
    assert seqs(await entries(client, "&pacticipant=Orders")) == [2, 3]
    assert seqs(await entries(client, "&subject=pacticipant:Web")) == [1, 4]
    assert seqs(await entries(client, "&actor=anonymous")) == [1, 2, 3, 4]
    assert seqs(await entries(client, "&actor=nobody")) == []
    third = (await entries(client))[2]["at"]
    assert seqs(await entries(client, f"&since={third.replace('+', '%2B')}")) == [3, 4]
    assert seqs(await entries(client, f"&until={third.replace('+', '%2B')}")) == [1, 2]
    assert (
        seqs(await entries(client, "&since=2000-01-01T00:00:00Z&until=2000-01-02T00:00:00Z")) == []
    )


async def test_pages_link_to_each_other_keeping_the_filters(client: Client) -> None:
    for name in ("A", "B", "C", "D", "E"):
        await ok(await client.post("/pacticipants", json={"name": name}))
    await ok(await client.put("/pacticipants/A/versions/1", json={}))
    first = (await client.get("/audit?action=pacticipant.create&size=2")).json()
    assert first["page"] == {"number": 1, "size": 2, "totalElements": 5, "totalPages": 3}
    assert [e["subject"] for e in first["_embedded"]["entries"]] == [
        "pacticipant:A",
        "pacticipant:B",
    ]
    assert "previous" not in first["_links"]
    following = first["_links"]["next"]["href"]
    assert following == f"{BASE}/audit?action=pacticipant.create&page=2&size=2"
    second = (await client.get(following.removeprefix(BASE))).json()
    assert [e["subject"] for e in second["_embedded"]["entries"]] == [
        "pacticipant:C",
        "pacticipant:D",
    ]
    assert (
        second["_links"]["previous"]["href"]
        == f"{BASE}/audit?action=pacticipant.create&page=1&size=2"
    )
    last = (await client.get(second["_links"]["next"]["href"].removeprefix(BASE))).json()
    assert [e["subject"] for e in last["_embedded"]["entries"]] == ["pacticipant:E"]
    assert "next" not in last["_links"]


async def test_bad_filters_and_paging_are_named(client: Client) -> None:
    response = await client.get(
        "/audit?since=yesterday&until=2024-01-01T00:00:00",
        headers={"Accept": "application/problem+json"},
    )
    assert response.status_code == 400
    assert [e["pointer"] for e in response.json()["errors"]] == ["/since", "/until"]
    assert (await client.get("/audit?size=0")).status_code == 400


async def test_admin_and_governance_writes_are_audited(database_url: str) -> None:
    admin = {"Authorization": "Bearer audit-admin-secret"}
    settings = settings_for(database_url, admin_token="audit-admin-secret")
    async with AsyncTestClient(app=asgi_app(settings)) as client:
        await ok(
            await client.put("/admin/teams/web", json={"pacticipants": ["Web"]}, headers=admin)
        )
        await ok(
            await client.put("/admin/teams/web", json={"pacticipants": ["App"]}, headers=admin)
        )
        token = await ok(
            await client.post("/admin/tokens", json={"name": "ci", "role": "read"}, headers=admin)
        )
        await ok(await client.delete(f"/admin/tokens/{token['id']}", headers=admin))
        await ok(await client.delete(f"/admin/tokens/{token['id']}", headers=admin))
        user = {"username": "ann", "password": "long enough", "role": "approver"}
        await ok(await client.post("/admin/users", json=user, headers=admin))
        mode = {"mode": "brownfield-enterprise"}
        await ok(await client.put("/pacticipants/Web/mode", json=mode, headers=admin))
        policy = {"teams": ["web"], "required": 1}
        await ok(await client.put("/pacticipants/Web/approval-policy", json=policy, headers=admin))
        log = (await client.get("/audit?size=100", headers=admin)).json()["_embedded"]["entries"]
    assert [(e["action"], e["subject"]) for e in log] == [
        ("team.save", "team:web"),
        ("team.save", "team:web"),
        ("token.create", f"token:{token['id']}"),
        ("token.revoke", f"token:{token['id']}"),  # revoking again changes nothing
        ("user.create", "user:ann"),
        ("mode.set", "mode:Web"),
        ("approval-policy.set", "approval-policy:Web"),
    ]
    assert {e["actor"] for e in log} == {"ACCORD_ADMIN_TOKEN"}
    first, second = log[0], log[1]
    assert first["hashBefore"] is None and second["hashBefore"] == first["hashAfter"]
    assert second["hashAfter"] != first["hashAfter"]
    assert "Web" in second["pacticipants"] and "App" in second["pacticipants"]
    # No secret reaches the log, not even the token's stored hash.
    assert token["token"] not in str(log)
    assert first_break(msgspec.convert(log, list[AuditEntry])) is None

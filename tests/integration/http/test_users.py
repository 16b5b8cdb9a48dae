"""Users over HTTP (issue 12, item 17): list, disable, delete, change a password; who did what."""

from __future__ import annotations

import itertools
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.integration.http.conftest import broker_app, settings_for
from tests.integration.http.test_auth import ADMIN, basic, bearer, new_token
from tests.integration.http.test_pacts import body, pact

Client = AsyncTestClient[Any]

PASSWORD = "correct horse"


@pytest.fixture
async def client(database_url: str) -> AsyncIterator[Client]:
    """The application with `ACCORD_ADMIN_TOKEN` set."""
    app = broker_app(settings_for(database_url, admin_token=ADMIN))
    async with AsyncTestClient(app=app) as test_client:
        yield test_client


async def create_user(client: Client, username: str, role: str = "write", *teams: str) -> None:
    body = {"username": username, "password": PASSWORD, "role": role, "teams": list(teams)}
    response = await client.post("/admin/users", json=body, headers=bearer(ADMIN))
    assert response.status_code == 201, response.text


async def audit_log(client: Client) -> list[dict[str, Any]]:
    response = await client.get("/audit?size=1000", headers=bearer(ADMIN))
    assert response.status_code == 200, response.text
    entries: list[dict[str, Any]] = response.json()["_embedded"]["entries"]
    return entries


async def test_trust_17_admins_list_disable_enable_and_delete_users(client: Client) -> None:
    await create_user(client, "ann", "write", "web")
    await create_user(client, "bob", "read")
    admin = bearer(ADMIN)

    listed = await client.get("/admin/users", headers=admin)
    assert listed.status_code == 200
    users = listed.json()["_embedded"]["users"]
    assert [(u["username"], u["role"], u["teams"], u["disabled"]) for u in users] == [
        ("ann", "write", ["web"], False),
        ("bob", "read", [], False),
    ]
    assert users[0]["_links"]["self"]["href"].endswith("/admin/users/ann")
    assert not any("password" in key.lower() or "salt" in key for u in users for key in u)

    assert (await client.get("/pacticipants", headers=basic("ann", PASSWORD))).status_code == 200
    disabled = await client.patch("/admin/users/ann", json={"disabled": True}, headers=admin)
    assert disabled.status_code == 200, disabled.text
    assert disabled.json()["disabled"] is True
    refused = await client.get("/pacticipants", headers=basic("ann", PASSWORD))
    assert refused.status_code == 401
    assert "disabled" in refused.json()["detail"]
    wrong = await client.get("/pacticipants", headers=basic("ann", "not the password"))
    assert "disabled" not in wrong.json()["detail"]  # only the right password learns it

    enabled = await client.patch("/admin/users/ann", json={"disabled": False}, headers=admin)
    assert enabled.json()["disabled"] is False
    assert (await client.get("/pacticipants", headers=basic("ann", PASSWORD))).status_code == 200

    assert (await client.delete("/admin/users/bob", headers=admin)).status_code == 204
    assert (await client.get("/pacticipants", headers=basic("bob", PASSWORD))).status_code == 401
    assert (await client.get("/admin/users/bob", headers=admin)).status_code == 404
    assert (await client.delete("/admin/users/bob", headers=admin)).status_code == 404
    names = [
        u["username"]
        for u in (await client.get("/admin/users", headers=admin)).json()["_embedded"]["users"]
    ]
    assert names == ["ann"]
    # The name stays taken, so `user:bob` in the log can never mean someone else.
    again = {"username": "bob", "password": PASSWORD, "role": "admin"}
    assert (await client.post("/admin/users", json=again, headers=admin)).status_code == 409

    log = await audit_log(client)
    changes = [(e["action"], e["subject"], e["actor"]) for e in log if e["action"] != "user.create"]
    assert changes == [
        ("user.disable", "user:ann", "ACCORD_ADMIN_TOKEN"),
        ("user.enable", "user:ann", "ACCORD_ADMIN_TOKEN"),
        ("user.delete", "user:bob", "ACCORD_ADMIN_TOKEN"),
    ]
    text = json.dumps(log)
    assert PASSWORD not in text


async def test_trust_17_a_user_changes_its_own_password_and_only_its_own(
    client: Client,
) -> None:
    await create_user(client, "ann")
    await create_user(client, "bob")
    new = {"password": "a new long password"}

    other = await client.put("/admin/users/bob/password", json=new, headers=basic("ann", PASSWORD))
    assert other.status_code == 403
    short = await client.put(
        "/admin/users/ann/password", json={"password": "short"}, headers=basic("ann", PASSWORD)
    )
    assert short.status_code == 400
    assert "password" in short.json()["errors"]

    own = await client.put("/admin/users/ann/password", json=new, headers=basic("ann", PASSWORD))
    assert own.status_code == 200, own.text
    assert (await client.get("/pacticipants", headers=basic("ann", PASSWORD))).status_code == 401
    assert (
        await client.get("/pacticipants", headers=basic("ann", new["password"]))
    ).status_code == 200

    by_admin = await client.put("/admin/users/bob/password", json=new, headers=bearer(ADMIN))
    assert by_admin.status_code == 200
    assert (
        await client.get("/pacticipants", headers=basic("bob", new["password"]))
    ).status_code == 200
    # Listing, disabling and deleting stay the admins'.
    assert (
        await client.get("/admin/users", headers=basic("ann", new["password"]))
    ).status_code == 403

    log = [e for e in await audit_log(client) if e["action"] == "user.password"]
    assert [(e["subject"], e["actor"]) for e in log] == [
        ("user:ann", "user:ann"),
        ("user:bob", "ACCORD_ADMIN_TOKEN"),
    ]
    assert log[0]["hashBefore"] != log[0]["hashAfter"]
    assert new["password"] not in json.dumps(log)


async def test_trust_17_a_deleted_users_history_stays_readable_and_intact(client: Client) -> None:
    await create_user(client, "ann", "write")
    created = await client.post(
        "/pacticipants", json={"name": "Web"}, headers=basic("ann", PASSWORD)
    )
    assert created.status_code == 201, created.text

    assert (await client.delete("/admin/users/ann", headers=bearer(ADMIN))).status_code == 204

    by_ann = await client.get("/audit?actor=user:ann", headers=bearer(ADMIN))
    assert by_ann.status_code == 200
    assert [e["action"] for e in by_ann.json()["_embedded"]["entries"]] == ["pacticipant.create"]
    log = await audit_log(client)
    assert [e["action"] for e in log][-1] == "user.delete"
    for previous, entry in itertools.pairwise(log):
        assert entry["previousHash"] == previous["entryHash"]


async def test_trust_17_an_admin_cannot_lock_itself_out_and_unknown_users_are_404(
    client: Client,
) -> None:
    await create_user(client, "root", "admin")
    root = basic("root", PASSWORD)
    assert (await client.delete("/admin/users/root", headers=root)).status_code == 409
    own = await client.patch("/admin/users/root", json={"disabled": True}, headers=root)
    assert own.status_code == 409
    missing = await client.patch("/admin/users/zed", json={"disabled": True}, headers=root)
    assert missing.status_code == 404
    bad = await client.patch("/admin/users/root", json={"disabled": "yes"}, headers=root)
    assert bad.status_code == 400
    assert bad.json()["errors"]


async def test_trust_17_two_tokens_sharing_a_name_are_two_authors(client: Client) -> None:
    """The author of a change is the token's id: a name two tokens share names neither."""
    admin = bearer(ADMIN)
    secrets, ids = [], []
    for _ in range(2):
        made = await client.post(
            "/admin/tokens", json={"name": "ci", "role": "write"}, headers=admin
        )
        assert made.status_code == 201, made.text
        secrets.append(made.json()["token"])
        ids.append(made.json()["id"])
    for secret, name in zip(secrets, ("Web", "Orders"), strict=True):
        done = await client.post("/pacticipants", json={"name": name}, headers=bearer(secret))
        assert done.status_code == 201, done.text

    log = await audit_log(client)
    authors = {e["subject"]: e["actor"] for e in log if e["action"] == "pacticipant.create"}
    assert authors == {
        "pacticipant:Web": f"token:{ids[0]}",
        "pacticipant:Orders": f"token:{ids[1]}",
    }
    one = await client.get(f"/audit?actor=token:{ids[0]}", headers=admin)
    assert [e["subject"] for e in one.json()["_embedded"]["entries"]] == ["pacticipant:Web"]


async def test_trust_17_a_token_sharing_its_name_with_the_author_may_approve(
    client: Client,
) -> None:
    """Approvals compare token ids: another token called "ci" is not the change's author."""
    admin = bearer(ADMIN)
    for team, owned in (("web-team", ["Web"]), ("orders-team", ["Orders"])):
        saved = await client.put(
            f"/admin/teams/{team}", json={"pacticipants": owned}, headers=admin
        )
        assert saved.status_code == 200, saved.text
    writer = await new_token(client, "write", "web-team", name="ci")
    approver = await new_token(client, "approver", "orders-team", name="ci")
    mode = {"mode": "brownfield-enterprise"}
    assert (await client.put("/pacticipants/Web/mode", json=mode, headers=admin)).status_code == 200
    published = await client.post(
        "/contracts/publish", json=body(pact("a"), "1"), headers=bearer(writer)
    )
    assert published.status_code == 200, published.text
    listed = await client.get("/change-requests?status=open", headers=admin)
    [request] = listed.json()["_embedded"]["changeRequests"]

    approved = await client.post(
        f"/change-requests/{request['id']}/approve", json={}, headers=bearer(approver)
    )

    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"
    assert approved.json()["author"] != approved.json()["approvals"][0]["approver"]

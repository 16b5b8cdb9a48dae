"""The SDK's user and team methods (issue 12, item 17), on both clients, against a broker double."""

from __future__ import annotations

from clients.sdk import AsyncBrokerClient, BrokerClient
from tests.unit.clients.conftest import BASE, StubBroker, hal


def user(username: str = "ann", *, disabled: bool = False) -> dict[str, object]:
    return {
        "username": username,
        "role": "write",
        "teams": ["web"],
        "disabled": disabled,
        "disabledAt": "2026-01-02T03:04:05+00:00" if disabled else None,
        "createdAt": "2026-01-01T00:00:00+00:00",
        "updatedAt": "2026-01-02T03:04:05+00:00",
        "_links": {"self": {"href": f"{BASE}/admin/users/{username}"}},
    }


def test_trust_17_the_sync_client_manages_users_and_lists_teams(stub: StubBroker) -> None:
    stub.on("POST /admin/users", hal(user(), 201))
    stub.on("GET /admin/users", hal({"_embedded": {"users": [user(), user("bob")]}}))
    stub.on("PATCH /admin/users/a%2Fb", hal(user("a/b", disabled=True)))
    stub.on("DELETE /admin/users/bob", hal({}, 204))
    stub.on("PUT /admin/users/ann/password", hal(user()))
    stub.on(
        "GET /admin/teams",
        hal({"_embedded": {"teams": [{"name": "web", "pacticipants": ["Web"]}]}}),
    )

    with BrokerClient(BASE, transport=stub.transport, token="t") as broker:
        created = broker.create_user("ann", password="long enough", role="write", teams=["web"])
        listed = broker.list_users()
        disabled = broker.disable_user("a/b")
        broker.delete_user("bob")
        broker.change_password("ann", "a new password")
        teams = broker.list_teams()

    assert (created.username, created.teams, created.disabled) == ("ann", ["web"], False)
    assert [u.username for u in listed] == ["ann", "bob"]
    assert disabled.disabled is True
    assert [(t.name, t.pacticipants) for t in teams] == [("web", ["Web"])]
    assert stub.body(0) == {
        "username": "ann", "password": "long enough", "role": "write", "teams": ["web"],
    }  # fmt: skip
    assert stub.body(2) == {"disabled": True}
    assert stub.body(4) == {"password": "a new password"}


async def test_trust_17_the_async_client_sends_the_same_requests(stub: StubBroker) -> None:
    stub.on("PATCH /admin/users/ann", hal(user()))
    stub.on("GET /admin/users/ann", hal(user()))

    async with AsyncBrokerClient(BASE, transport=stub.transport, token="t") as broker:
        enabled = await broker.enable_user("ann")
        found = await broker.get_user("ann")

    assert enabled.disabled is False
    assert found.username == "ann"
    assert stub.sent == ["PATCH /admin/users/ann", "GET /admin/users/ann"]
    assert stub.body(0) == {"disabled": False}

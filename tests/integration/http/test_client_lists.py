"""Resources the real clients still missed (#14 item 6): lists, labels, HEAD, the matrix as text."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

Client = AsyncTestClient[Any]


async def test_pacticipants_are_listed_at_the_top_level_too(client: Client) -> None:
    """The Rust `list-pacticipants` reads `pacticipants`, which the Pact Broker still sends."""
    for body in ({"name": "Orders", "displayName": "Order service"}, {"name": "Billing"}):
        assert (await client.post("/pacticipants", json=body)).status_code == 201
    body = (await client.get("/pacticipants")).json()
    listed = body["pacticipants"]
    assert [(p["name"], p["displayName"]) for p in listed] == [
        ("Billing", None),
        ("Orders", "Order service"),
    ]
    assert listed[1]["_links"]["self"]["href"].endswith("/pacticipants/Orders")
    assert {p["title"] for p in listed} == {
        "DEPRECATED - Please use the embedded pacticipants collection"
    }
    assert [p["name"] for p in body["_embedded"]["pacticipants"]] == ["Billing", "Orders"]

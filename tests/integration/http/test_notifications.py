"""Consumer notifications: a provider's changed OpenAPI document tells each of its consumers."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from litestar.testing import AsyncTestClient

Client = AsyncTestClient[Any]

FIXTURES = Path(__file__).resolve().parents[3].parent / "shared" / "clients" / "fixtures"
OAS = (FIXTURES / "oas.yaml").read_bytes()
READER: dict[str, Any] = json.loads(
    (FIXTURES / "pacts" / "ProbeConsumerV3-ProbeProvider.json").read_text()
)
PUBLISH = "/provider-contracts/provider/ProbeProvider/publish"
BASE = "http://testserver.local"


def creator() -> dict[str, Any]:
    """A consumer that only creates users: the removed GET /users/{id} is not its concern."""
    return {
        "consumer": {"name": "Signup"},
        "provider": {"name": "ProbeProvider"},
        "interactions": [
            {
                "description": "a sign-up",
                "request": {
                    "method": "POST",
                    "path": "/users",
                    "headers": {"Content-Type": "application/json"},
                    "body": {"name": "Ann"},
                },
                "response": {"status": 201, "body": {"id": 1, "name": "Ann"}},
            }
        ],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }


def without_user_reads() -> bytes:
    """The fixture document without the `/users/{id}` path (its GET operation removed)."""
    text = OAS.decode()
    start = text.index("  /users/{id}:")
    end = text.index("  /users:")
    return (text[:start] + text[end:]).encode()


async def publish_pact(client: Client, version: str, document: dict[str, Any]) -> None:
    consumer = document["consumer"]["name"]
    response = await client.post(
        "/contracts/publish",
        json={
            "pacticipantName": consumer,
            "pacticipantVersionNumber": version,
            "branch": "main",
            "contracts": [
                {
                    "consumerName": consumer,
                    "providerName": document["provider"]["name"],
                    "specification": "pact",
                    "contentType": "application/json",
                    "content": base64.b64encode(json.dumps(document).encode()).decode(),
                }
            ],
        },
    )
    assert response.status_code == 200, response.text


async def publish_contract(client: Client, version: str, document: bytes) -> dict[str, Any]:
    response = await client.post(
        PUBLISH,
        json={
            "pacticipantVersionNumber": version,
            "contract": {
                "content": base64.b64encode(document).decode(),
                "contentType": "application/yaml",
                "specification": "oas",
                "selfVerificationResults": {"success": True},
            },
        },
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def notifications_of(client: Client, pacticipant: str, query: str = "") -> dict[str, Any]:
    response = await client.get(f"/pacticipants/{pacticipant}/notifications{query}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def items(body: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = body["_embedded"]["notifications"]
    return found


def notified_notices(published: dict[str, Any]) -> list[str]:
    return [n["text"] for n in published["notices"] if n["text"].startswith("Notified")]


async def test_a_changed_document_tells_each_consumer_which_of_its_interactions_it_affects(
    client: Client,
) -> None:
    await publish_pact(client, "1.0.0", READER)
    await publish_pact(client, "1.0.0", creator())
    await publish_contract(client, "1", OAS)
    published = await publish_contract(client, "2", without_user_reads())
    assert notified_notices(published) == [
        "Notified 2 consumers of the change to the contract: ProbeConsumerV3, Signup"
    ]

    (reader,) = items(await notifications_of(client, "ProbeConsumerV3"))
    assert reader["consumer"] == "ProbeConsumerV3"
    assert reader["provider"] == "ProbeProvider"
    assert reader["providerVersion"] == "2"
    assert reader["changeRequestId"] is None
    assert reader["createdAt"].endswith("+00:00")
    removed = [c for c in reader["changes"] if c["operation"] == "GET /users/{id}"]
    assert removed and removed[0]["level"] == "ERR"
    assert set(removed[0]) == {"id", "level", "operation", "location", "text", "interactions"}
    assert removed[0]["interactions"] == ["a request for user 42"]
    assert all(c["interactions"] == [] for c in reader["changes"] if c not in removed)
    assert "affects 1 interaction of ProbeConsumerV3" in reader["summary"], reader["summary"]
    links = reader["_links"]
    assert links["pb:provider-version"]["href"] == f"{BASE}/pacticipants/ProbeProvider/versions/2"
    changes = (await client.get(links["pf:changes"]["href"].removeprefix(BASE))).json()
    assert [c["id"] for c in changes["changes"]] == [c["id"] for c in reader["changes"]]

    (signup,) = items(await notifications_of(client, "Signup"))
    assert [c["id"] for c in signup["changes"]] == [c["id"] for c in reader["changes"]]
    assert all(c["interactions"] == [] for c in signup["changes"])
    assert "no interaction of Signup uses what changed" in signup["summary"]
    # The provider is nobody's consumer here.
    assert items(await notifications_of(client, "ProbeProvider")) == []


async def test_a_providers_first_document_notifies_nobody(client: Client) -> None:
    await publish_pact(client, "1.0.0", READER)
    published = await publish_contract(client, "1", OAS)
    assert notified_notices(published) == []
    assert items(await notifications_of(client, "ProbeConsumerV3")) == []


async def test_publishing_the_document_in_effect_again_notifies_nobody(client: Client) -> None:
    """Neither a new provider version with the same document nor the same version again."""
    await publish_pact(client, "1.0.0", READER)
    await publish_contract(client, "1", OAS)
    await publish_contract(client, "2", OAS)
    assert items(await notifications_of(client, "ProbeConsumerV3")) == []
    await publish_contract(client, "3", without_user_reads())
    for again in ("4", "3"):
        published = await publish_contract(client, again, without_user_reads())
        assert notified_notices(published) == [], again
    listed = items(await notifications_of(client, "ProbeConsumerV3"))
    assert [n["providerVersion"] for n in listed] == ["3"]


async def test_notifications_come_newest_first_in_pages(client: Client) -> None:
    await publish_pact(client, "1.0.0", READER)
    await publish_contract(client, "1", OAS)
    await publish_contract(client, "2", without_user_reads())
    await publish_contract(client, "3", OAS)  # the operation comes back: a change too
    first = await notifications_of(client, "ProbeConsumerV3", "?size=1")
    assert [n["providerVersion"] for n in items(first)] == ["3"]
    assert first["page"] == {"number": 1, "size": 1, "totalElements": 2, "totalPages": 2}
    assert first["_links"]["self"]["href"] == f"{BASE}/pacticipants/ProbeConsumerV3/notifications"
    following = first["_links"]["next"]["href"].removeprefix(BASE)
    second = (await client.get(following)).json()
    assert [n["providerVersion"] for n in items(second)] == ["2"]
    assert "next" not in second["_links"]
    pacticipant = (await client.get("/pacticipants/ProbeConsumerV3")).json()
    assert pacticipant["_links"]["pb:notifications"]["href"] == (
        f"{BASE}/pacticipants/ProbeConsumerV3/notifications"
    )


async def test_an_unknown_pacticipant_and_bad_paging_are_refused(client: Client) -> None:
    missing = await client.get("/pacticipants/Nobody/notifications")
    assert missing.status_code == 404
    await publish_pact(client, "1.0.0", READER)
    bad = await client.get(
        "/pacticipants/ProbeConsumerV3/notifications?page=0&size=x",
        headers={"Accept": "application/problem+json"},
    )
    assert bad.status_code == 400
    assert [e["pointer"] for e in bad.json()["errors"]] == ["/page", "/size"]

"""ACCORD_ALLOW_CONTRACT_MODIFICATION, and merging pacts (`onConflict: merge`, the older PATCH)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from broker.app import asgi_app
from tests.integration.http.conftest import settings_for
from tests.integration.http.test_pacts import PACTS, body, pact

Client = AsyncTestClient[Any]


@pytest.fixture
async def permissive(database_url: str) -> AsyncIterator[Client]:
    app = asgi_app(settings_for(database_url, allow_contract_modification=True))
    async with AsyncTestClient(app=app) as client:
        yield client


def descriptions(served: dict[str, Any]) -> list[str]:
    return [i["description"] for i in served["interactions"]]


async def test_changed_content_replaces_the_pact_when_modification_is_allowed(
    permissive: Client,
) -> None:
    await permissive.post("/contracts/publish", json=body(pact("a")))
    response = await permissive.post("/contracts/publish", json=body(pact("b")))
    assert response.status_code == 200, response.text
    assert any(n["type"] == "warning" for n in response.json()["notices"])
    served = (await permissive.get(f"{PACTS}/version/1")).json()
    assert descriptions(served) == ["b"]
    assert "updatedAt" in served


async def test_merge_adds_new_interactions(permissive: Client) -> None:
    await permissive.post("/contracts/publish", json=body(pact("a")))
    merged = body(pact("b"))
    merged["contracts"][0]["onConflict"] = "merge"
    assert (await permissive.post("/contracts/publish", json=merged)).status_code == 200
    assert descriptions((await permissive.get(f"{PACTS}/version/1")).json()) == ["a", "b"]
    # Merging what is there already changes nothing.
    again = await permissive.patch(f"{PACTS}/version/1", json=pact("a"))
    assert again.status_code == 200
    assert descriptions(again.json()) == ["a", "b"]


async def test_merging_an_interaction_with_other_content_is_a_conflict(permissive: Client) -> None:
    await permissive.put(f"{PACTS}/version/1", json=pact("a"))
    response = await permissive.patch(f"{PACTS}/version/1", json=pact("a", status=500))
    assert response.status_code == 409
    assert "/interactions/0" in [
        e["pointer"]
        for e in (
            await permissive.patch(
                f"{PACTS}/version/1",
                json=pact("a", status=500),
                headers={"Accept": "application/problem+json"},
            )
        ).json()["errors"]
    ]
    assert descriptions((await permissive.get(f"{PACTS}/version/1")).json()) == ["a"]


async def test_without_permission_a_merge_that_changes_content_is_refused(client: Client) -> None:
    await client.put(f"{PACTS}/version/1", json=pact("a"))
    response = await client.patch(f"{PACTS}/version/1", json=pact("b"))
    assert response.status_code == 409
    assert descriptions((await client.get(f"{PACTS}/version/1")).json()) == ["a"]

"""Many pipelines publishing one consumer version at once, through HTTP, on both backends."""

from __future__ import annotations

import asyncio
import base64
import json
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.e2e


def pact(description: str) -> dict[str, Any]:
    return {
        "consumer": {"name": "Web"},
        "provider": {"name": "Orders"},
        "interactions": [
            {
                "description": description,
                "request": {"method": "GET", "path": "/orders/1"},
                "response": {"status": 200, "body": {"id": 1}},
            }
        ],
        "metadata": {"pactSpecification": {"version": "2.0.0"}},
    }


def publish_body(document: dict[str, Any], version: str = "1.0.0") -> dict[str, Any]:
    return {
        "pacticipantName": "Web",
        "pacticipantVersionNumber": version,
        "branch": "main",
        "contracts": [
            {
                "consumerName": "Web",
                "providerName": "Orders",
                "specification": "pact",
                "contentType": "application/json",
                "content": base64.b64encode(json.dumps(document).encode()).decode(),
            }
        ],
    }


async def publish_all(broker: str, bodies: list[dict[str, Any]]) -> list[httpx.Response]:
    async with httpx.AsyncClient(base_url=broker, timeout=120) as client:
        return list(
            await asyncio.gather(*(client.post("/contracts/publish", json=b) for b in bodies))
        )


def test_fifty_identical_publishes_make_one_pact_version(broker_url_each_backend: str) -> None:
    responses = asyncio.run(
        publish_all(broker_url_each_backend, [publish_body(pact("a request"))] * 50)
    )
    assert [r.status_code for r in responses] == [200] * 50, responses[0].text
    listing = httpx.get(
        f"{broker_url_each_backend}/pacts/provider/Orders/consumer/Web/versions"
    ).json()
    assert listing["page"]["totalElements"] == 1
    served = httpx.get(
        f"{broker_url_each_backend}/pacts/provider/Orders/consumer/Web/version/1.0.0"
    ).json()
    assert served["interactions"][0]["description"] == "a request"


def test_fifty_different_publishes_of_one_version_have_one_winner(
    broker_url_each_backend: str,
) -> None:
    bodies = [publish_body(pact(f"request {i}")) for i in range(50)]
    responses = asyncio.run(publish_all(broker_url_each_backend, bodies))
    statuses = [r.status_code for r in responses]
    assert statuses.count(200) == 1 and statuses.count(409) == 49, statuses
    winner = statuses.index(200)
    served = httpx.get(
        f"{broker_url_each_backend}/pacts/provider/Orders/consumer/Web/version/1.0.0"
    ).json()
    assert served["interactions"][0]["description"] == f"request {winner}"
    loser = next(r for r in responses if r.status_code == 409).json()
    assert loser["errors"]["contracts"]
    assert any(n["type"] == "error" for n in loser["notices"])

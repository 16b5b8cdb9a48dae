"""Comparisons run in worker processes under a time budget; one over it is never a success."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.integration.http.conftest import broker_app, settings_for
from tests.support.hostile_documents import any_of_body, any_of_spec, pact

Client = AsyncTestClient[Any]

PUBLISH_CONTRACT = "/provider-contracts/provider/Things/publish"
# 2^40 validations: hours on any machine, so the budget of one second always ends it.
BOMB = pact(any_of_body(40))


@pytest.fixture
async def budget_client(database_url: str) -> AsyncIterator[Client]:
    """The broker with one worker and a one-second budget per task."""
    settings = settings_for(database_url, workers=1, work_budget=1.0)
    async with AsyncTestClient(app=broker_app(settings)) as test_client:
        yield test_client


def contract(version: str) -> dict[str, Any]:
    return {
        "pacticipantVersionNumber": version,
        "contract": {
            "content": base64.b64encode(any_of_spec()).decode(),
            "contentType": "application/json",
            "specification": "oas",
            "selfVerificationResults": {"success": True, "verifier": "tests"},
        },
    }


async def deployable(client: Client) -> Any:
    matrix = await client.get(
        "/matrix?q[][pacticipant]=Web&q[][version]=1&q[][pacticipant]=Things&q[][version]=1"
        "&latestby=cvpv"
    )
    assert matrix.status_code == 200, matrix.text
    return matrix.json()["summary"]["deployable"]


async def test_trust_08_a_comparison_over_its_budget_is_recorded_as_not_computed(
    budget_client: Client,
) -> None:
    published = await budget_client.put(
        "/pacts/provider/Things/consumer/Web/version/1",
        content=BOMB,
        headers={"content-type": "application/json"},
    )
    assert published.status_code == 201, published.text
    answer = await budget_client.post(PUBLISH_CONTRACT, json=contract("1"))
    assert answer.status_code == 200, answer.text
    notices = [n["text"] for n in answer.json()["notices"]]
    assert any("not computed: took too long (over 1 s)" in text for text in notices), notices
    assert await deployable(budget_client) is not True
    # The worker that ran over was replaced: the next document is read and compared.
    second = await budget_client.post(PUBLISH_CONTRACT, json=contract("2"))
    assert second.status_code == 200, second.text


async def test_trust_08_a_pact_published_against_a_slow_document_is_not_compatible(
    budget_client: Client,
) -> None:
    answer = await budget_client.post(PUBLISH_CONTRACT, json=contract("1"))
    assert answer.status_code == 200, answer.text
    published = await budget_client.post(
        "/contracts/publish",
        json={
            "pacticipantName": "Web",
            "pacticipantVersionNumber": "1",
            "contracts": [
                {
                    "consumerName": "Web",
                    "providerName": "Things",
                    "specification": "pact",
                    "contentType": "application/json",
                    "content": base64.b64encode(BOMB).decode(),
                }
            ],
        },
    )
    assert published.status_code == 200, published.text
    notices = [n["text"] for n in published.json()["notices"]]
    assert any("are not compatible" in t and "took too long" in t for t in notices), notices
    assert await deployable(budget_client) is not True


async def test_the_comparison_resource_shows_why_it_was_not_computed(budget_client: Client) -> None:
    await budget_client.put(
        "/pacts/provider/Things/consumer/Web/version/1",
        content=BOMB,
        headers={"content-type": "application/json"},
    )
    await budget_client.post(PUBLISH_CONTRACT, json=contract("1"))
    found = await budget_client.get("/comparisons/1")
    assert found.status_code == 200, found.text
    body = found.json()
    assert body["success"] is False
    assert [f["code"] for f in body["findings"]] == ["comparison.not-computed"]
    assert json.dumps(body["findings"]).count("took too long") == 1

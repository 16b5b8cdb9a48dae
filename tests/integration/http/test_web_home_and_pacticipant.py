"""The home page's bi-directional status and the pacticipant page's governance (#15 items 1, 3).

In-process, on both backends: the home page shows, for a provider that publishes provider
contracts, the comparison of the latest pact with its newest contract; the pacticipant page
shows the approval policy and the webhooks naming the pacticipant, never their credentials.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.integration.http.conftest import broker_app, settings_for
from tests.integration.http.test_provider_contracts import (
    PACT,
    PUBLISH,
    contract_body,
    incompatible,
    publish_pact,
)
from tests.integration.http.test_web_pages import AS_BROWSER, publish

Client = AsyncTestClient[Any]


@pytest.fixture
async def open_client(database_url: str) -> AsyncIterator[Client]:
    """The application without any credentials: pages and the API are open."""
    async with AsyncTestClient(app=broker_app(settings_for(database_url))) as c:
        yield c


def cell(page: str, consumer: str, provider: str) -> str:
    """The home page row of one integration."""
    found = re.search(
        rf'<tr data-consumer="{consumer}" data-provider="{provider}">(.*?)</tr>', page, re.S
    )
    assert found is not None, page
    return found[1]


async def test_the_home_page_shows_the_comparison_with_the_provider_contract(
    open_client: Client,
) -> None:
    await publish_pact(open_client, "1", PACT)
    before = cell(
        (await open_client.get("/ui", headers=AS_BROWSER)).text, "ProbeConsumerV3", "ProbeProvider"
    )
    assert "Unverified" in before
    assert "contract-status" not in before

    published = await open_client.post(PUBLISH, json=contract_body("7", branch="main"))
    assert published.status_code == 200, published.text
    compatible = cell(
        (await open_client.get("/ui", headers=AS_BROWSER)).text, "ProbeConsumerV3", "ProbeProvider"
    )
    assert 'data-outcome="compatible"' in compatible
    assert "Compatible" in compatible
    assert "against the provider contract of" in compatible
    assert "/ui/provider-contracts/ProbeProvider/version/7" in compatible
    assert re.search(r"compared <time datetime=", compatible)
    assert "no self-verification published" not in compatible

    await publish_pact(open_client, "2", incompatible())
    page = (await open_client.get("/ui", headers=AS_BROWSER)).text
    broken = cell(page, "ProbeConsumerV3", "ProbeProvider")
    assert 'data-outcome="incompatible"' in broken
    assert "Incompatible" in broken
    # The first problem in words: what the comparison found, and where.
    assert "a request for the user&#39;s pets" in broken


async def test_a_contract_without_self_verification_says_so(open_client: Client) -> None:
    await publish_pact(open_client, "1", PACT)
    published = await open_client.post(PUBLISH, json=contract_body("7", self_verified=None))
    assert published.status_code == 200, published.text
    row = cell(
        (await open_client.get("/ui", headers=AS_BROWSER)).text, "ProbeConsumerV3", "ProbeProvider"
    )
    assert 'data-outcome="compatible"' in row
    assert "no self-verification published" in row


async def test_the_pacticipant_page_shows_the_default_rule_then_the_policy(
    open_client: Client,
) -> None:
    await publish(open_client, "Web", "Orders", "1.0.0")
    default = (await open_client.get("/ui/pacticipants/Web", headers=AS_BROWSER)).text
    assert 'data-default="true"' in default
    assert "one member of the provider's teams approves" in default
    for team in ("alpha", "beta"):
        made = await open_client.put(f"/admin/teams/{team}", json={"pacticipants": []})
        assert made.status_code == 200, made.text
    policy = await open_client.put(
        "/pacticipants/Web/approval-policy", json={"teams": ["alpha", "beta"], "required": 2}
    )
    assert policy.status_code == 200, policy.text
    shown = (await open_client.get("/ui/pacticipants/Web", headers=AS_BROWSER)).text
    assert 'data-default="false"' in shown
    assert "2 of the teams alpha, beta must approve each change" in shown


SECRETS = ("s3cret-password", "Bearer hook-token", "api-key-value", "ci-user", "builds/secret")


async def test_the_pacticipant_page_lists_its_webhooks_without_credentials(
    open_client: Client,
) -> None:
    await publish(open_client, "Web", "Orders", "1.0.0")
    await publish(open_client, "Mail", "Users", "1.0.0")
    hooks: list[dict[str, Any]] = [
        {
            "description": "Build Orders on a change",
            "consumer": {"name": "Web"},
            "provider": {"name": "Orders"},
            "events": [{"name": "contract_content_changed"}, {"name": "contract_published"}],
        },
        {
            "description": "Tell the Web team",
            "consumer": {"name": "Web"},
            "events": [{"name": "provider_verification_failed"}],
            "enabled": False,
        },
        {"description": "Someone else's", "consumer": {"name": "Mail"}},
    ]
    for hook in hooks:
        request = {
            "method": "POST",
            "url": "https://1.2.3.4:8443/builds/secret?key=api-key-value",
            "headers": {"Authorization": "Bearer hook-token", "X-Api-Key": "api-key-value"},
            "username": "ci-user",
            "password": "s3cret-password",
        }
        made = await open_client.post("/webhooks", json={**hook, "request": request})
        assert made.status_code == 201, made.text

    web = (await open_client.get("/ui/pacticipants/Web", headers=AS_BROWSER)).text
    rows = re.findall(r'<tr data-webhook="[^"]+">(.*?)</tr>', web, re.S)
    assert len(rows) == 2
    assert "Build Orders on a change" in rows[0]
    assert "contract_content_changed" in rows[0]
    assert "contract_published" in rows[0]
    assert ">consumer<" in rows[0]
    assert ">yes<" in rows[0]
    assert "<code>1.2.3.4:8443</code>" in rows[0]
    assert "Tell the Web team" in rows[1]
    assert "no (disabled)" in rows[1]
    assert "Someone else" not in web
    for secret in SECRETS:
        assert secret not in web

    orders = (await open_client.get("/ui/pacticipants/Orders", headers=AS_BROWSER)).text
    assert "Build Orders on a change" in orders
    assert ">provider<" in orders
    users = (await open_client.get("/ui/pacticipants/Users", headers=AS_BROWSER)).text
    assert "No webhook names Users." in users


async def test_the_pacticipant_page_pages_versions_newest_first_with_tags_and_releases(
    open_client: Client,
) -> None:
    for n in range(23):
        await publish(open_client, "Web", "Orders", f"1.{n}.0")
    tagged = await open_client.put("/pacticipants/Web/versions/1.21.0/tags/prod")
    assert tagged.status_code in {200, 201}, tagged.text
    made = await open_client.post("/environments", json={"name": "mobile", "production": True})
    assert made.status_code == 201, made.text
    uuid = made.json()["uuid"]
    for kind, number in (("released-versions", "1.20.0"), ("deployed-versions", "1.22.0")):
        recorded = await open_client.post(
            f"/pacticipants/Web/versions/{number}/{kind}/environment/{uuid}", json={}
        )
        assert recorded.status_code == 201, recorded.text

    first = (await open_client.get("/ui/pacticipants/Web", headers=AS_BROWSER)).text
    listed = re.findall(r'<td data-label="Version"><a [^>]*><code>([^<]+)</code>', first)
    assert listed == [f"1.{n}.0" for n in range(22, 2, -1)]  # 20, newest first
    assert "23 versions, newest first: page 1 of 2." in first
    assert 'rel="next">Older versions</a>' in first
    assert '<span class="tag">prod</span>' in first
    # Per environment: what is deployed and what is released, each with its version.
    assert re.search(r"deployed <code>1\.22\.0</code>", first)
    assert re.search(r"released <code>1\.20\.0</code>", first)
    assert '<span class="tag">Mobile (released)</span>' in first

    second = (await open_client.get("/ui/pacticipants/Web?page=2", headers=AS_BROWSER)).text
    listed = re.findall(r'<td data-label="Version"><a [^>]*><code>([^<]+)</code>', second)
    assert listed == ["1.2.0", "1.1.0", "1.0.0"]
    assert 'rel="prev">Newer versions</a>' in second
    assert "Older versions" not in second

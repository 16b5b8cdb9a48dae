"""`/openapi.json` as served: open to all, byte-stable, and real answers conform to it.

The answers are checked with openapi-core's response validation against the document the
broker serves. SQLite only: what is checked is the HTTP layer's shapes, which both backends
share (the storage suites run the same rows on both).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from litestar.testing import AsyncTestClient
from openapi_core import Config, OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from openapi_core.validation.response.exceptions import InvalidData

from tests.integration.http.conftest import broker_app, settings_for
from tests.integration.http.test_pacts import body, pact
from tests.integration.http.test_provider_contracts import PACT as PROBE_PACT
from tests.integration.http.test_provider_contracts import contract_body
from tests.integration.http.test_provider_contracts import publish_pact as publish_probe_pact

Client = AsyncTestClient[Any]
ADMIN_TOKEN = "openapi-admin-token"


# openapi-core passes the media type's parameters (`charset=utf-8`) as keywords.
def _text(data: bytes, **_: str) -> str:
    return data.decode()


def _json(data: bytes, **_: str) -> Any:
    return json.loads(data)


_DESERIALIZERS: dict[str, Callable[[bytes], Any]] = {
    "application/hal+json": _json,
    "application/problem+json": _json,
    "image/svg+xml": _text,
    "text/vnd.graphviz": _text,
    "text/markdown": _text,
}


class Conformance:
    """Sends requests through a client and validates each answer against the document."""

    def __init__(self, client: Client, document: dict[str, Any]) -> None:
        self.client = client
        # The document's validity is tests/unit/http/test_openapi.py's: not checked again here.
        config = Config(extra_media_type_deserializers=_DESERIALIZERS, spec_validator_cls=None)
        self.openapi = OpenAPI.from_dict(document, config=config)
        self.checked: list[tuple[str, str, int]] = []

    async def send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """Send one request; raise when its answer does not conform to the document."""
        response = await self.client.request(method, url, **kwargs)
        parts = urlsplit(url)
        request = MockRequest("http://testserver.local", method, parts.path)
        answer = MockResponse(
            response.content,
            status_code=response.status_code,
            headers=dict(response.headers),
            content_type=response.headers.get("content-type", ""),
        )
        self.openapi.validate_response(request, answer)
        self.checked.append((method, parts.path, response.status_code))
        return response


@pytest.fixture
async def sqlite_client(sqlite_database_url: str) -> AsyncIterator[Client]:
    async with AsyncTestClient(app=broker_app(settings_for(sqlite_database_url))) as client:
        yield client


async def served_document(client: Client) -> dict[str, Any]:
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    document: dict[str, Any] = response.json()
    return document


@pytest.fixture
async def api(sqlite_client: Client) -> Conformance:
    """A broker with Web's pact with Orders published (version 1, branch main)."""
    checked = Conformance(sqlite_client, await served_document(sqlite_client))
    published = await checked.send(
        "POST", "/contracts/publish", json=body(pact("a request"), branch="main")
    )
    assert published.status_code == 200, published.text
    return checked


PACTS = "/pacts/provider/Orders/consumer/Web"


async def test_the_index_the_document_and_pacticipants_conform(api: Conformance) -> None:
    await api.send("GET", "/openapi.json")
    await api.send("HEAD", "/openapi.json")
    await api.send("GET", "/")
    await api.send("GET", "/diagnostic/status/heartbeat")
    await api.send("GET", "/pacticipants")
    await api.send("GET", "/pacticipants/Web")
    await api.send("HEAD", "/pacticipants/Web")
    await api.send("PATCH", "/pacticipants/Web", json={"displayName": "The web"})
    assert (await api.send("PATCH", "/pacticipants/Mobile", json={})).status_code == 201
    assert (await api.send("PUT", "/pacticipants/Web/labels/team-a")).status_code == 201
    await api.send("GET", "/pacticipants/Web/labels")
    await api.send("GET", "/pacticipants/label/team-a")
    assert (await api.send("DELETE", "/pacticipants/Web/labels/team-a")).status_code == 204
    await api.send("GET", "/pacticipants/Web/versions")
    await api.send("GET", "/pacticipants/Web/versions/1")
    await api.send("GET", "/pacticipants/Web/latest-version")
    assert (await api.send("PUT", "/pacticipants/Web/versions/1/tags/prod")).status_code == 201
    assert (await api.send("PUT", "/pacticipants/Web/versions/1/tags/prod")).status_code == 200
    await api.send("GET", "/pacticipants/Web/branches")
    await api.send("GET", "/pacticipants/Web/branches/main/versions")
    await api.send("GET", "/pacticipants/Web/notifications")
    await api.send("GET", "/integrations")
    await api.send("GET", "/integrations", headers={"Accept": "text/vnd.graphviz"})
    await api.send("GET", "/audit")
    await api.send("GET", "/audit/head")
    assert {status for _, _, status in api.checked} == {200, 201, 204}


async def test_pacts_and_verification_results_conform(api: Conformance) -> None:
    latest = await api.send("GET", f"{PACTS}/latest")
    await api.send("GET", f"{PACTS}/latest", headers={"Accept": "application/json"})
    await api.send("GET", f"{PACTS}/version/1")
    await api.send("GET", f"{PACTS}/versions")
    await api.send("GET", f"{PACTS}/branch/main")
    await api.send("GET", "/pacts/latest")
    await api.send("GET", "/pacts/provider/Orders/latest")
    await api.send("GET", "/pacts/provider/Orders")
    await api.send("GET", "/pacts/provider/Orders/provider-states")
    await api.send("GET", f"{PACTS}/latest/badge.svg")
    again = await api.send("PUT", f"{PACTS}/version/2", json=pact("a request", "another"))
    assert again.status_code == 201, again.text
    await api.send("GET", f"{PACTS}/version/2/diff/previous-distinct")
    await api.send(
        "GET", f"{PACTS}/version/2/diff/previous-distinct", headers={"Accept": "text/plain"}
    )
    sha = latest.json()["_links"]["pb:pact-version"]["name"]
    await api.send("GET", "/pacts/provider/Orders/for-verification")
    selected = await api.send(
        "POST",
        "/pacts/provider/Orders/for-verification",
        json={"consumerVersionSelectors": [{"mainBranch": True}], "includePendingStatus": True},
    )
    assert selected.json()["_embedded"]["pacts"]
    result = await api.send(
        "POST",
        f"{PACTS}/pact-version/{sha}/verification-results",
        json={"success": True, "providerApplicationVersion": "7"},
    )
    assert result.status_code == 201, result.text
    await api.send("GET", f"{PACTS}/pact-version/{sha}/verification-results/latest")
    await api.send("GET", f"{PACTS}/pact-version/{sha}/verification-results")
    await api.send("GET", "/pacticipants/Orders/versions/7/verification-results")
    assert (await api.send("DELETE", f"{PACTS}/version/2")).status_code == 204


async def test_environments_deployments_and_the_matrix_conform(api: Conformance) -> None:
    environment = await api.send(
        "POST", "/environments", json={"name": "production", "production": True}
    )
    assert environment.status_code == 201, environment.text
    await api.send("GET", "/environments")
    uuid = environment.json()["uuid"]
    await api.send("GET", f"/environments/{uuid}")
    record = f"/pacticipants/Web/versions/1/deployed-versions/environment/{uuid}"
    assert (await api.send("POST", record, json={})).status_code == 201
    await api.send("GET", record)
    await api.send("GET", f"/environments/{uuid}/deployed-versions/currently-deployed")
    released = f"/pacticipants/Web/versions/1/released-versions/environment/{uuid}"
    assert (await api.send("POST", released)).status_code == 201
    await api.send("GET", f"/environments/{uuid}/released-versions/currently-supported")

    latest = await api.send("GET", f"{PACTS}/latest")
    results = latest.json()["_links"]["pb:publish-verification-results"]["href"]
    verified = {"success": True, "providerApplicationVersion": "7"}
    assert (await api.send("POST", results, json=verified)).status_code == 201
    query = "q[][pacticipant]=Web&q[][version]=1&q[][pacticipant]=Orders&q[][version]=7"
    matrix = await api.send("GET", f"/matrix?{query}")
    assert matrix.json()["matrix"]
    await api.send("GET", f"/matrix?{query}", headers={"Accept": "text/plain"})
    await api.send("GET", "/can-i-deploy?pacticipant=Web&version=1&environment=production")
    await api.send("GET", "/pacticipants/Web/latest-version/prod/can-i-deploy/to/prod")
    await api.send("GET", "/pacticipants/Web/latest-version/prod/can-i-deploy/to/prod/badge")


async def test_admin_users_and_governance_conform(sqlite_database_url: str) -> None:
    settings = settings_for(sqlite_database_url, admin_token=ADMIN_TOKEN)
    async with AsyncTestClient(app=broker_app(settings)) as client:
        client.headers["Authorization"] = f"Bearer {ADMIN_TOKEN}"
        api = Conformance(client, await served_document(client))
        token = await api.send("POST", "/admin/tokens", json={"name": "ci", "role": "write"})
        assert token.status_code == 201, token.text
        await api.send("GET", "/admin/tokens")
        await api.send("PUT", "/admin/teams/web-team", json={"pacticipants": ["Web"]})
        await api.send("GET", "/admin/teams")
        await api.send("GET", "/admin/teams/web-team")
        user = await api.send(
            "POST",
            "/admin/users",
            json={"username": "ann", "password": "a long password 1", "role": "read"},
        )
        assert user.status_code == 201, user.text
        await api.send("GET", "/admin/users")
        await api.send("GET", "/admin/users/ann")
        await api.send("GET", "/pacticipants/Web/mode")
        await api.send("PUT", "/pacticipants/Web/mode", json={"mode": "greenfield"})
        await api.send("GET", "/pacticipants/Web/approval-policy")
        policy = {"teams": ["web-team"], "required": 1}
        await api.send("PUT", "/pacticipants/Web/approval-policy", json=policy)
        await api.send("GET", "/change-requests")
        writer = {"Authorization": f"Bearer {token.json()['token']}"}
        forbidden = await api.send("POST", "/environments", json={"name": "x"}, headers=writer)
        assert forbidden.status_code == 403


async def test_provider_contracts_and_comparisons_conform(sqlite_client: Client) -> None:
    api = Conformance(sqlite_client, await served_document(sqlite_client))
    await publish_probe_pact(sqlite_client, "1", PROBE_PACT)
    contract = "/provider-contracts/provider/ProbeProvider"
    published = await api.send("POST", f"{contract}/publish", json=contract_body("1"))
    assert published.status_code == 200, published.text
    await api.send("GET", f"{contract}/version/1")
    await api.send("GET", f"{contract}/version/1/changes")
    matrix = await api.send("GET", "/matrix?q[][pacticipant]=ProbeConsumerV3&q[][version]=1")
    comparison = matrix.json()["matrix"][0]["verificationResult"]["_links"]["self"]["href"]
    await api.send("GET", urlsplit(comparison).path)


async def test_webhooks_and_their_deliveries_conform(api: Conformance) -> None:
    """Nothing is delivered: test brokers deliver no webhooks, and none is executed."""
    hook = {
        "events": [{"name": "contract_content_changed"}],
        "request": {"method": "POST", "url": "https://1.2.3.4/builds", "body": {"a": 1}},
    }
    created = await api.send("POST", "/webhooks/provider/Orders", json=hook)
    assert created.status_code == 201, created.text
    uuid = urlsplit(created.json()["_links"]["self"]["href"]).path.rsplit("/", 1)[1]
    await api.send("GET", f"/webhooks/{uuid}")
    await api.send("GET", "/webhooks")
    await api.send("GET", "/webhooks/provider/Orders")
    assert (await api.send("PUT", f"/webhooks/{uuid}", json=hook)).status_code == 200
    await api.send("GET", f"/webhooks/{uuid}/executions")
    await api.send("GET", f"{PACTS}/version/1/triggered-webhooks")
    await api.send("GET", "/admin/webhook-deliveries?status=dead")
    unknown = await api.send("POST", "/webhooks/no-such-webhook-0000/execute")
    assert unknown.status_code == 404
    assert (await api.send("DELETE", f"/webhooks/{uuid}")).status_code == 204


async def test_test_results_and_the_coverage_report_conform(api: Conformance) -> None:
    results = "/pacticipants/Orders/versions/1/test-results"
    report = '<testsuite name="e2e"><testcase classname="checkout" name="pays"/></testsuite>'
    published = await api.send(
        "POST",
        results,
        json={"kind": "e2e", "systems": ["Web"], "reports": [{"name": "a.xml", "content": report}]},
    )
    assert published.status_code == 201, published.text
    await api.send("GET", results)
    assert (await api.send("GET", "/pacticipants/Orders/coverage")).json()["workflows"] == [
        {"name": "e2e", "tests": 1, "failed": 0, "systems": ["Web"]}
    ]
    markdown = await api.send(
        "GET", "/pacticipants/Web/coverage", headers={"Accept": "text/markdown"}
    )
    assert markdown.text.startswith("# Integration Tests: Web\n")
    assert "| Orders | /orders/1 | GET | a request |" in markdown.text
    refused = await api.send("GET", "/pacticipants/Web/coverage?environment=nowhere")
    assert refused.status_code == 404


async def test_errors_conform_in_both_media_types(api: Conformance) -> None:
    missing = await api.send("GET", "/pacticipants/Nobody")
    assert missing.status_code == 404
    problem = await api.send(
        "GET", "/pacticipants/Nobody", headers={"Accept": "application/problem+json"}
    )
    assert problem.headers["content-type"].startswith("application/problem+json")
    refused = await api.send("POST", "/pacticipants", json={"name": 3})
    assert refused.status_code == 400
    bad_query = await api.send("GET", "/matrix?q[][version]=1")
    assert bad_query.status_code == 400
    conflict = await api.send("POST", "/pacticipants", json={"name": "Web"})
    assert conflict.status_code == 409
    not_json = await api.send(
        "PUT", "/pacticipants/Web", content=b"x", headers={"Content-Type": "text/plain"}
    )
    assert not_json.status_code == 415


async def test_an_answer_the_document_does_not_describe_is_caught(sqlite_client: Client) -> None:
    """The check is not vacuous: a resource schema demanding a member it lacks fails it."""
    document = await served_document(sqlite_client)
    resource = document["components"]["schemas"]["PacticipantResource"]
    resource["required"] = [*resource.get("required", []), "noSuchMember"]
    api = Conformance(sqlite_client, document)
    assert (await sqlite_client.post("/pacticipants", json={"name": "Web"})).status_code == 201
    with pytest.raises(InvalidData):
        await api.send("GET", "/pacticipants/Web")


async def test_the_document_is_open_to_all_on_a_closed_broker(sqlite_database_url: str) -> None:
    """Served without credentials where everything else asks for them, and 401 conforms."""
    settings = settings_for(sqlite_database_url, admin_token=ADMIN_TOKEN)
    async with AsyncTestClient(app=broker_app(settings)) as client:
        api = Conformance(client, await served_document(client))
        assert (await api.send("GET", "/openapi.json")).status_code == 200
        refused = await api.send("GET", "/pacticipants")
        assert refused.status_code == 401
        assert "WWW-Authenticate" in refused.headers
        allowed = await api.send(
            "GET", "/pacticipants", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}
        )
        assert allowed.status_code == 200


_PRINT_DOCUMENT = """
import sys
from broker.app import create_app
from broker.http.openapi import openapi_json
from broker.settings import Settings
sys.stdout.buffer.write(openapi_json(create_app(Settings(database_url="sqlite:///unused.db"))))
"""


def test_two_builds_give_the_same_bytes(tmp_path: Path) -> None:
    """Two processes with different hash seeds (so sets iterate differently) agree."""
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", _PRINT_DOCUMENT],
            stdout=subprocess.PIPE,
            cwd=tmp_path,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        for seed in ("1", "2")
    ]
    outputs = [run.communicate()[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0]
    assert outputs[0] == outputs[1]
    assert json.loads(outputs[0])["openapi"] == "3.1.0"

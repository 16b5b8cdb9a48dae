"""Provider contracts (bi-directional): publishing an OpenAPI document, and can-i-deploy on it."""

from __future__ import annotations

import base64
import copy
import json
from pathlib import Path
from typing import Any

from litestar.testing import AsyncTestClient

Client = AsyncTestClient[Any]

FIXTURES = Path(__file__).resolve().parents[3].parent / "shared" / "clients" / "fixtures"
OAS = (FIXTURES / "oas.yaml").read_bytes()
PACT: dict[str, Any] = json.loads(
    (FIXTURES / "pacts" / "ProbeConsumerV3-ProbeProvider.json").read_text()
)
PUBLISH = "/provider-contracts/provider/ProbeProvider/publish"


def contract_body(
    version: str, *, self_verified: bool | None = True, **extra: Any
) -> dict[str, Any]:
    contract: dict[str, Any] = {
        "content": base64.b64encode(OAS).decode(),
        "contentType": "application/yaml",
        "specification": "oas",
    }
    if self_verified is not None:
        contract["selfVerificationResults"] = {
            "success": self_verified,
            "content": base64.b64encode(b"12 passed").decode(),
            "contentType": "text/plain",
            "verifier": "schemathesis",
        }
    return {"pacticipantVersionNumber": version, "contract": contract, **extra}


async def publish_pact(client: Client, version: str, document: dict[str, Any]) -> dict[str, Any]:
    response = await client.post(
        "/contracts/publish",
        json={
            "pacticipantName": "ProbeConsumerV3",
            "pacticipantVersionNumber": version,
            "branch": "main",
            "contracts": [
                {
                    "consumerName": "ProbeConsumerV3",
                    "providerName": "ProbeProvider",
                    "specification": "pact",
                    "contentType": "application/json",
                    "content": base64.b64encode(json.dumps(document).encode()).decode(),
                }
            ],
        },
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def incompatible() -> dict[str, Any]:
    broken = copy.deepcopy(PACT)
    broken["interactions"].append(
        {
            "description": "a request for the user's pets",
            "request": {"method": "GET", "path": "/users/42/pets"},
            "response": {"status": 200},
        }
    )
    return broken


async def can_i_deploy(client: Client, pacticipant: str, version: str) -> dict[str, Any]:
    response = await client.get(
        f"/matrix?q[][pacticipant]={pacticipant}&q[][version]={version}"
        "&latestby=cvpv&environment=production"
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def production(client: Client) -> None:
    response = await client.post("/environments", json={"name": "production", "production": True})
    assert response.status_code == 201, response.text


async def deploy(client: Client, pacticipant: str, version: str) -> None:
    envs = (await client.get("/environments")).json()["_embedded"]["environments"]
    response = await client.post(
        f"/pacticipants/{pacticipant}/versions/{version}/deployed-versions/environment/"
        f"{envs[0]['uuid']}",
        json={},
    )
    assert response.status_code in {200, 201}, response.text


async def test_publishing_answers_what_the_pactflow_clients_read(client: Client) -> None:
    link = (await client.get("/")).json()["_links"]["pf:publish-provider-contract"]
    assert link["href"].endswith("/provider-contracts/provider/{provider}/publish")
    response = await client.post(
        PUBLISH, json=contract_body("1", branch="main", tags=["dev"], buildUrl="https://ci/1")
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["_embedded"]["version"]["number"] == "1"
    assert [t["name"] for t in body["_links"]["pb:pacticipant-version-tags"]] == ["dev"]
    assert body["_links"]["pb:branch-version"]["name"] == "main"
    assert body["notices"][0]["type"] == "success"
    version = (await client.get("/pacticipants/ProbeProvider/versions/1")).json()
    assert version["buildUrl"] == "https://ci/1"
    assert [b["name"] for b in version["_embedded"]["branchVersions"]] == ["main"]
    stored = (await client.get(body["_links"]["pf:provider-contract"]["href"])).json()
    assert base64.b64decode(base64.b64encode(stored["content"].encode())) == OAS
    assert stored["selfVerificationResults"]["success"] is True
    assert stored["selfVerificationResults"]["verifier"] == "schemathesis"


async def test_a_compatible_pact_is_deployable_on_the_comparison_alone(client: Client) -> None:
    await production(client)
    await client.post(PUBLISH, json=contract_body("1"))
    await deploy(client, "ProbeProvider", "1")
    published = await publish_pact(client, "1.0.0", PACT)
    texts = [n["text"] for n in published["notices"]]
    assert any("are compatible" in text for text in texts), texts
    answer = await can_i_deploy(client, "ProbeConsumerV3", "1.0.0")
    assert answer["summary"]["deployable"] is True, answer["notices"]
    (row,) = answer["matrix"]
    assert row["verificationResult"]["success"] is True
    assert row["verificationResult"]["verificationType"] == "BDCT"
    comparison = (await client.get(row["verificationResult"]["_links"]["self"]["href"])).json()
    assert comparison["success"] is True
    assert comparison["findings"] == [] or all(f["type"] != "error" for f in comparison["findings"])


async def test_an_incompatible_pact_is_a_no_naming_the_interaction_and_the_code(
    client: Client,
) -> None:
    await production(client)
    await client.post(PUBLISH, json=contract_body("1"))
    await deploy(client, "ProbeProvider", "1")
    published = await publish_pact(client, "2.0.0", incompatible())
    warnings = [n["text"] for n in published["notices"] if n["type"] == "warning"]
    assert any("request.path-or-method.unknown" in text for text in warnings), warnings
    answer = await can_i_deploy(client, "ProbeConsumerV3", "2.0.0")
    assert answer["summary"]["deployable"] is False
    errors = " ".join(n["text"] for n in answer["notices"] if n["type"] == "error")
    assert "request.path-or-method.unknown" in errors
    assert "a request for the user's pets" in errors
    assert "version 2.0.0 of ProbeConsumerV3" in errors and "version 1 of ProbeProvider" in errors


async def test_trust_01_a_comparison_is_no_evidence_for_message_interactions(
    client: Client,
) -> None:
    """The document fits the HTTP interactions; the message was never verified: a no."""
    await production(client)
    await client.post(PUBLISH, json=contract_body("1"))
    await deploy(client, "ProbeProvider", "1")
    with_message = {**PACT, "messages": [{"description": "a user created event", "contents": {}}]}
    await publish_pact(client, "3.0.0", with_message)
    answer = await can_i_deploy(client, "ProbeConsumerV3", "3.0.0")
    assert answer["summary"]["deployable"] is False
    errors = " ".join(n["text"] for n in answer["notices"] if n["type"] == "error")
    assert "interaction.type.not-comparable in the interaction 'a user created event'" in errors


async def test_a_contract_published_after_the_pact_is_compared_too(client: Client) -> None:
    await production(client)
    await publish_pact(client, "2.0.0", incompatible())
    response = await client.post(PUBLISH, json=contract_body("1"))
    warnings = [n["text"] for n in response.json()["notices"] if n["type"] == "warning"]
    assert any("ProbeConsumerV3" in text and "not compatible" in text for text in warnings)
    await deploy(client, "ProbeProvider", "1")
    assert (await can_i_deploy(client, "ProbeConsumerV3", "2.0.0"))["summary"][
        "deployable"
    ] is False


async def test_without_self_verification_the_comparison_does_not_count(client: Client) -> None:
    await production(client)
    await client.post(PUBLISH, json=contract_body("1", self_verified=None))
    await deploy(client, "ProbeProvider", "1")
    await publish_pact(client, "1.0.0", PACT)
    answer = await can_i_deploy(client, "ProbeConsumerV3", "1.0.0")
    assert answer["summary"]["deployable"] is None
    assert any("without self-verification results" in n["text"] for n in answer["notices"])
    failing = contract_body("2", self_verified=False)
    await client.post(PUBLISH, json=failing)
    await deploy(client, "ProbeProvider", "2")
    answer = await can_i_deploy(client, "ProbeConsumerV3", "1.0.0")
    assert answer["summary"]["deployable"] is False
    assert any("self-verification" in n["text"] for n in answer["notices"])


def without_user_name() -> bytes:
    """The fixture document with the User schema's `name` property removed."""
    text = OAS.decode()
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "name:" and i > 40)
    del lines[start : start + 2]
    return ("\n".join(lines) + "\n").encode()


async def test_a_new_document_lists_its_breaking_changes_and_whom_they_break(
    client: Client,
) -> None:
    await publish_pact(client, "1.0.0", PACT)
    first = await client.post(PUBLISH, json=contract_body("1"))
    assert not any("Breaking change" in n["text"] for n in first.json()["notices"])
    changed = contract_body("2")
    changed["contract"]["content"] = base64.b64encode(without_user_name()).decode()
    response = await client.post(PUBLISH, json=changed)
    assert response.status_code == 200, response.text
    breaking = [n for n in response.json()["notices"] if "Breaking change" in n["text"]]
    assert breaking, response.json()["notices"]
    assert any(n["type"] == "warning" and "ProbeConsumerV3" in n["text"] for n in breaking), (
        breaking
    )
    link = response.json()["_links"]["pf:changes"]["href"]
    changes = (await client.get(link)).json()
    assert changes["baseVersion"] == "1"
    assert changes["breaking"] is True
    touched = [c for c in changes["changes"] if c["breaksConsumers"]]
    assert touched and all(c["consumers"] == ["ProbeConsumerV3"] for c in touched)
    assert all(c["level"] == "ERR" for c in touched)
    first_changes = (
        await client.get("/provider-contracts/provider/ProbeProvider/version/1/changes")
    ).json()
    assert first_changes == {**first_changes, "baseVersion": None, "changes": []}


async def test_trust_07_a_catastrophic_pattern_in_a_provider_contract_is_compared_at_once(
    client: Client,
) -> None:
    """`^(a+)+$` against 40 letters and a `!` froze the broker: Python's `re` backtracks."""
    document = {
        "openapi": "3.0.3",
        "info": {"title": "ProbeProvider", "version": "1"},
        "paths": {
            "/codes": {
                "get": {
                    "responses": {
                        "200": {
                            "description": "codes",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "code": {"type": "string", "pattern": "^(a+)+$"}
                                        },
                                    }
                                }
                            },
                        }
                    }
                }
            }
        },
    }
    body = contract_body("1")
    body["contract"]["content"] = base64.b64encode(json.dumps(document).encode()).decode()
    body["contract"]["contentType"] = "application/json"
    pact = copy.deepcopy(PACT)
    pact["interactions"] = [
        {
            "description": "a long code",
            "request": {"method": "GET", "path": "/codes"},
            "response": {
                "status": 200,
                "headers": {"Content-Type": "application/json"},
                "body": {"code": "a" * 40 + "!"},
            },
        }
    ]
    await production(client)
    assert (await client.post(PUBLISH, json=body)).status_code == 200
    await deploy(client, "ProbeProvider", "1")
    published = await publish_pact(client, "3.0.0", pact)
    warnings = " ".join(n["text"] for n in published["notices"] if n["type"] == "warning")
    # The comparison runs in a worker under the work budget: one that backtracked would hit it
    # and be recorded as not computed. This one was computed, and found the mismatch.
    assert "not computed" not in warnings, warnings
    assert "response.body.incompatible" in warnings, warnings
    answer = await can_i_deploy(client, "ProbeConsumerV3", "3.0.0")
    assert answer["summary"]["deployable"] is False

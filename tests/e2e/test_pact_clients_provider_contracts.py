"""`pactflow publish-provider-contract` (Rust and Ruby) against Accord, then can-i-deploy.

The provider publishes its OpenAPI document with self-verification results; consumers publish
pacts; `pact-broker can-i-deploy` answers from the comparison alone (bi-directional).
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import httpx
import pytest

from tests.e2e.pact_clients import SCENARIOS, run_cli, run_scenario

pytestmark = [pytest.mark.e2e, pytest.mark.pact_clients]

FIXTURES = Path(SCENARIOS) / "fixtures"


def publish_pact(broker: str, consumer_version: str, document: dict[str, object]) -> None:
    response = httpx.post(
        f"{broker}/contracts/publish",
        json={
            "pacticipantName": "ProbeConsumerV3",
            "pacticipantVersionNumber": consumer_version,
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


def can_i_deploy(broker: str, flavour: str, version: str) -> tuple[int, str]:
    result = run_scenario(
        "cli_can_i_deploy.sh", broker, flavour, PACTICIPANT="ProbeConsumerV3", VERSION=version
    )
    return result.returncode, result.stdout + result.stderr


@pytest.mark.parametrize("flavour", ["rust", "ruby"])
def test_publish_provider_contract_then_can_i_deploy_on_the_comparison(
    flavour: str, broker_url_each_backend: str
) -> None:
    broker = broker_url_each_backend
    published = run_scenario("cli_publish_provider_contract.sh", broker, flavour)
    assert published.returncode == 0, published.stdout + published.stderr
    stored = httpx.get(f"{broker}/provider-contracts/provider/ProbeProvider/version/1").json()
    assert stored["content"] == (FIXTURES / "oas.yaml").read_text()
    assert stored["selfVerificationResults"]["success"] is True
    for step in (
        run_scenario("cli_create_environment.sh", broker, "rust", ENV_NAME="production"),
        run_cli(
            "rust",
            broker,
            "record-deployment",
            "--pacticipant",
            "ProbeProvider",
            "--version",
            "1",
            "--environment",
            "production",
        ),
    ):
        assert step.returncode == 0, step.stdout + step.stderr
    pact = json.loads((FIXTURES / "pacts" / "ProbeConsumerV3-ProbeProvider.json").read_text())
    publish_pact(broker, "1.0.0", pact)
    code, output = can_i_deploy(broker, flavour, "1.0.0")
    assert code == 0, output
    pact["interactions"].append(
        {
            "description": "a request for the user's pets",
            "request": {"method": "GET", "path": "/users/42/pets"},
            "response": {"status": 200},
        }
    )
    publish_pact(broker, "2.0.0", pact)
    code, output = can_i_deploy(broker, flavour, "2.0.0")
    assert code == 1, output
    assert "request.path-or-method.unknown" in output, output
    assert "a request for the user's pets" in output, output

"""The real `pactflow publish-provider-contract --specification asyncapi`, then `can-i-deploy`.

A producer publishes its AsyncAPI document with the PactFlow CLI (Rust and Ruby); consumers
publish message pacts; the real `pact-broker can-i-deploy` answers yes for a pact the document
accepts and no for one it does not, naming the interaction and the code.
"""

from __future__ import annotations

import base64
import json
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.conformance.asyncapi.cases import CASES
from tests.e2e.pact_clients import ensure_installed, run_cli

pytestmark = [pytest.mark.e2e, pytest.mark.pact_clients]

DOCUMENT = CASES / "mixed-http-and-messages" / "asyncapi.yaml"


def publish_pact(broker: str, version: str, case: str) -> None:
    document = (CASES / case / "pact.json").read_bytes()
    response = httpx.post(
        f"{broker}/contracts/publish",
        json={
            "pacticipantName": "OrderConsumer",
            "pacticipantVersionNumber": version,
            "branch": "main",
            "contracts": [
                {
                    "consumerName": "OrderConsumer",
                    "providerName": "OrderService",
                    "specification": "pact",
                    "contentType": "application/json",
                    "content": base64.b64encode(document).decode(),
                }
            ],
        },
    )
    assert response.status_code == 200, response.text


def publish_contract(flavour: str, broker: str, folder: Path) -> subprocess.CompletedProcess[str]:
    """The CLI run in `folder`, with the document and a test report beside it."""
    document = folder / "asyncapi.yaml"
    document.write_bytes(DOCUMENT.read_bytes())
    (folder / "results.txt").write_text("14 message tests passed\n")
    pactflow = ensure_installed() / flavour / "node_modules" / ".bin" / "pactflow"
    return subprocess.run(
        [
            str(pactflow),
            "publish-provider-contract",
            document.name,
            "--provider",
            "OrderService",
            "--provider-app-version",
            "1",
            "--branch",
            "main",
            "--specification",
            "asyncapi",
            "--content-type",
            "application/yaml",
            "--verification-success",
            "--verification-results",
            "results.txt",
            "--verification-results-content-type",
            "text/plain",
            "--verifier",
            "asyncapi-tests",
            "--broker-base-url",
            broker,
        ],
        cwd=document.parent,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={"PATH": "/usr/bin:/bin", "PACT_DO_NOT_TRACK": "true", "HOME": str(Path.home())},
    )


def can_i_deploy(flavour: str, broker: str, version: str) -> tuple[int, str]:
    result = run_cli(
        flavour,
        broker,
        "can-i-deploy",
        "--pacticipant",
        "OrderConsumer",
        "--version",
        version,
        "--to-environment",
        "production",
    )
    return result.returncode, result.stdout + result.stderr


@pytest.mark.parametrize("flavour", ["rust", "ruby"])
def test_an_asyncapi_contract_gates_message_pacts(
    flavour: str, broker_url_each_backend: str, tmp_path: Path
) -> None:
    broker = broker_url_each_backend
    published = publish_contract(flavour, broker, tmp_path)
    assert published.returncode == 0, published.stdout + published.stderr
    stored = httpx.get(f"{broker}/provider-contracts/provider/OrderService/version/1").json()
    assert stored["specification"] == "asyncapi"
    assert stored["content"] == DOCUMENT.read_text()
    assert stored["selfVerificationResults"]["success"] is True
    for step in (
        run_cli("rust", broker, "create-environment", "--name", "production", "--production"),
        run_cli(
            "rust",
            broker,
            "record-deployment",
            "--pacticipant",
            "OrderService",
            "--version",
            "1",
            "--environment",
            "production",
        ),
    ):
        assert step.returncode == 0, step.stdout + step.stderr
    publish_pact(broker, "1.0.0", "v3-ref-message-matches")
    code, output = can_i_deploy(flavour, broker, "1.0.0")
    assert code == 0, output
    publish_pact(broker, "2.0.0", "v3-payload-type-mismatch")
    code, output = can_i_deploy(flavour, broker, "2.0.0")
    assert code == 1, output
    assert "message.no.match" in output, output
    assert "an order with a text id" in output, output


def test_a_message_pact_is_compared_with_what_opc_would_print(
    broker_url: str, tmp_path: Path
) -> None:
    """The stored comparison's findings are opc's (codes and locations) for the same pair."""
    published = publish_contract("rust", broker_url, tmp_path)
    assert published.returncode == 0, published.stdout + published.stderr
    publish_pact(broker_url, "2.0.0", "v3-payload-type-mismatch")
    matrix = httpx.get(
        f"{broker_url}/matrix?q[][pacticipant]=OrderConsumer&q[][version]=2.0.0"
        "&q[][pacticipant]=OrderService&q[][version]=1&latestby=cvpv"
    ).json()
    (row,) = matrix["matrix"]
    comparison = httpx.get(row["verificationResult"]["_links"]["self"]["href"]).json()
    expected = json.loads((CASES / "v3-payload-type-mismatch" / "opc.json").read_text())
    assert [f["code"] for f in comparison["findings"]] == [f["code"] for f in expected]
    assert [c["mockDetails"]["location"] for c in comparison["findings"][0]["causes"]] == [
        c["mockDetails"]["location"] for c in expected[0]["causes"]
    ]

"""`accord publish-provider-contract`, then `accord can-i-deploy`, against a broker process."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from tests.e2e.test_cli import accord, ok

pytestmark = pytest.mark.e2e

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "clients" / "fixtures"


def test_publish_provider_contract_and_deploy_on_the_comparison(
    broker_url: str, tmp_path: Path
) -> None:
    report = tmp_path / "report.txt"
    report.write_text("12 passed")
    published = ok(
        broker_url,
        "publish-provider-contract",
        str(FIXTURES / "oas.yaml"),
        "--provider",
        "ProbeProvider",
        "--provider-app-version",
        "1",
        "--branch",
        "main",
        "--verification-exit-code",
        "0",
        "--verification-results",
        str(report),
        "--verifier",
        "pytest",
    )
    assert "Published the provider contract of version 1 of ProbeProvider" in published
    stored = httpx.get(f"{broker_url}/provider-contracts/provider/ProbeProvider/version/1").json()
    assert stored["selfVerificationResults"]["success"] is True
    assert stored["selfVerificationResults"]["verifier"] == "pytest"
    assert stored["contentType"] == "application/yaml"
    ok(broker_url, "create-environment", "--name", "production")
    ok(
        broker_url,
        "record-deployment",
        "--pacticipant",
        "ProbeProvider",
        "--version",
        "1",
        "--environment",
        "production",
    )
    pact = FIXTURES / "pacts" / "ProbeConsumerV3-ProbeProvider.json"
    notices = ok(broker_url, "publish", str(pact), "--consumer-app-version", "1.0.0")
    assert "compatible" in notices
    answer = accord(
        broker_url,
        "can-i-deploy",
        "--pacticipant",
        "ProbeConsumerV3",
        "--version",
        "1.0.0",
        "--to-environment",
        "production",
        "--output",
        "json",
    )
    assert answer.returncode == 0, answer.stdout + answer.stderr
    assert json.loads(answer.stdout)["summary"]["deployable"] is True


def test_unreadable_files_and_missing_verdicts_are_one_sentence(
    broker_url: str, tmp_path: Path
) -> None:
    missing = accord(
        broker_url,
        "publish-provider-contract",
        str(tmp_path / "nope.yaml"),
        "--provider",
        "P",
        "--provider-app-version",
        "1",
    )
    assert missing.returncode == 1
    assert missing.stderr == f"The OpenAPI document {tmp_path / 'nope.yaml'} does not exist.\n"
    assert len(missing.stderr.strip().splitlines()) == 1
    not_a_spec = tmp_path / "notes.yaml"
    not_a_spec.write_text("hello: world\n")
    refused = accord(
        broker_url,
        "publish-provider-contract",
        str(not_a_spec),
        "--provider",
        "P",
        "--provider-app-version",
        "1",
    )
    assert refused.returncode == 1
    assert "Traceback" not in refused.stderr
    assert "contract" in refused.stderr
    report = tmp_path / "report.txt"
    report.write_text("ok")
    undecided = accord(
        broker_url,
        "publish-provider-contract",
        str(FIXTURES / "oas.yaml"),
        "--provider",
        "P",
        "--provider-app-version",
        "1",
        "--verification-results",
        str(report),
    )
    assert undecided.returncode == 1
    assert "Say whether the verification passed" in undecided.stderr


def test_an_asyncapi_document_is_published_with_specification_asyncapi(broker_url: str) -> None:
    cases = Path(__file__).resolve().parents[1] / "conformance" / "asyncapi" / "cases"
    document = cases / "mixed-http-and-messages" / "asyncapi.yaml"
    published = ok(
        broker_url,
        "publish-provider-contract",
        str(document),
        "--specification",
        "asyncapi",
        "--provider",
        "OrderService",
        "--provider-app-version",
        "1",
        "--verification-success",
    )
    assert "Published the provider contract of version 1 of OrderService" in published
    stored = httpx.get(f"{broker_url}/provider-contracts/provider/OrderService/version/1").json()
    assert stored["specification"] == "asyncapi"
    as_oas = accord(
        broker_url,
        "publish-provider-contract",
        str(document),
        "--provider",
        "OrderService",
        "--provider-app-version",
        "2",
    )
    assert as_oas.returncode == 1
    assert "publish it with the specification asyncapi" in as_oas.stderr
    assert len(as_oas.stderr.strip().splitlines()) == 1

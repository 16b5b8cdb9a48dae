"""The real verifiers fetch pacts for verification from Accord, verify, and publish results."""

from __future__ import annotations

import httpx
import pytest

from tests.e2e.pact_clients import run_scenario

pytestmark = [pytest.mark.e2e, pytest.mark.pact_clients]

CONSUMERS = ["ProbeConsumerV2", "ProbeConsumerV3", "ProbeConsumerV4"]


def latest_result(broker: str, consumer: str) -> dict[str, object] | None:
    pact = httpx.get(f"{broker}/pacts/provider/ProbeProvider/consumer/{consumer}/latest").json()
    response = httpx.get(pact["_links"]["pb:latest-verification-results"]["href"])
    return response.json() if response.status_code == 200 else None


def published(broker: str) -> None:
    result = run_scenario("cli_publish.sh", broker, "rust")
    assert result.returncode == 0, result.stdout + result.stderr


def test_rust_pact_verifier_cli_verifies_selected_pacts_and_publishes(
    broker_url_each_backend: str,
) -> None:
    broker = broker_url_each_backend
    published(broker)
    result = run_scenario("cli_pact_verifier.sh", broker, "rust")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "latest version from the main branch" in result.stdout
    for consumer in CONSUMERS:
        verification = latest_result(broker, consumer)
        assert verification is not None, consumer
        assert verification["success"] is True
        assert verification["providerApplicationVersion"] == "2.0.0"


def test_pact_python_with_selectors_pending_failure_does_not_fail_the_build(
    broker_url_each_backend: str,
) -> None:
    """A first verification is pending: the provider's bug is recorded but the build passes."""
    broker_url = broker_url_each_backend
    published(broker_url)
    result = run_scenario("py_verifier.sh", broker_url, "rust", PROVIDER_BUG="1")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "pending state" in result.stdout
    assert all(latest_result(broker_url, c)["success"] is False for c in CONSUMERS)  # type: ignore[index]


def test_once_verified_on_the_branch_a_failure_fails_the_build(
    broker_url_each_backend: str,
) -> None:
    broker_url = broker_url_each_backend
    published(broker_url)
    first = run_scenario("py_verifier.sh", broker_url, "rust")
    assert first.returncode == 0, first.stdout + first.stderr
    broken = run_scenario("py_verifier.sh", broker_url, "rust", PROVIDER_BUG="1")
    assert broken.returncode != 0
    assert "not pending" in broken.stdout


def test_pact_python_without_selectors_gets_the_default_selection(
    broker_url_each_backend: str,
) -> None:
    broker_url = broker_url_each_backend
    published(broker_url)
    result = run_scenario("py_verifier.sh", broker_url, "rust", SELECTORS="0")
    assert result.returncode == 0, result.stdout + result.stderr
    assert all(latest_result(broker_url, c) is not None for c in CONSUMERS)


def test_ruby_provider_verifier_verifies_v2_and_v3_pacts(broker_url_each_backend: str) -> None:
    broker_url = broker_url_each_backend
    """The Ruby verifier cannot read V4 pacts (a client limitation); the others pass."""
    published(broker_url)
    result = run_scenario("cli_ruby_provider_verifier.sh", broker_url, "ruby")
    output = result.stdout + result.stderr
    assert "undefined method `strip' for an instance of Array" in output  # the V4 pact only
    assert latest_result(broker_url, "ProbeConsumerV2")["success"] is True  # type: ignore[index]
    assert latest_result(broker_url, "ProbeConsumerV3")["success"] is True  # type: ignore[index]
    assert latest_result(broker_url, "ProbeConsumerV4")["success"] is False  # type: ignore[index]

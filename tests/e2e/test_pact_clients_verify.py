"""pact-python (Rust core) verifies a pact by URL and publishes its result to Accord."""

from __future__ import annotations

import httpx
import pytest

from tests.e2e.pact_clients import run_scenario

pytestmark = [pytest.mark.e2e, pytest.mark.pact_clients]

PACT = "/pacts/provider/ProbeProvider/consumer/ProbeConsumerV4"


@pytest.mark.parametrize(("bug", "success"), [("0", True), ("1", False)])
def test_pact_python_publishes_results_through_the_pact_link(
    broker_url_each_backend: str, bug: str, success: bool
) -> None:
    broker = broker_url_each_backend
    published = run_scenario("cli_publish.sh", broker, "rust")
    assert published.returncode == 0, published.stdout + published.stderr
    result = run_scenario(
        "py_verifier.sh",
        broker,
        "rust",
        PACT_URL=f"$BROKER_URL{PACT}/latest",
        PROVIDER_BUG=bug,
    )
    assert (result.returncode == 0) is success, result.stdout + result.stderr

    pact = httpx.get(f"{broker}{PACT}/latest").json()
    latest = httpx.get(pact["_links"]["pb:latest-verification-results"]["href"])
    assert latest.status_code == 200, latest.text
    verification = latest.json()
    assert verification["success"] is success
    assert verification["providerApplicationVersion"] == "2.0.0"
    assert verification["verifiedBy"]["implementation"] == "Pact-Rust"
    ids = {i["_id"] for i in pact["interactions"]}
    assert {r["interactionId"] for r in verification["testResults"]} <= ids
    provider_version = httpx.get(f"{broker}/pacticipants/ProbeProvider/versions/2.0.0").json()
    assert [b["name"] for b in provider_version["_embedded"]["branchVersions"]] == ["main"]
    assert [t["name"] for t in provider_version["_embedded"]["tags"]] == ["probe-tag"]

"""The Rust `pact-broker get-pacts --consumer` follows the index's `*-pact-versions` relations."""

from __future__ import annotations

import json

import pytest

from tests.e2e.pact_clients import run_cli, run_scenario

pytestmark = [pytest.mark.e2e, pytest.mark.pact_clients]

PACT = "/pacts/provider/ProbeProvider/consumer/ProbeConsumerV4"


@pytest.mark.parametrize(
    "narrowing",
    [("--branch", "main"), ("--branch", "main", "--latest"), (), ("--latest",)],
    ids=["branch", "latest-on-branch", "main-branch", "latest-on-main-branch"],
)
def test_rust_get_pacts_for_one_consumer(broker_url: str, narrowing: tuple[str, ...]) -> None:
    published = run_scenario("cli_publish.sh", broker_url, "rust")
    assert published.returncode == 0, published.stdout + published.stderr
    result = run_cli(
        "rust",
        broker_url,
        "get-pacts",
        "--provider",
        "ProbeProvider",
        "--consumer",
        "ProbeConsumerV4",
        *narrowing,
        "--output",
        "json",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    answer = json.loads(result.stdout)
    if "--latest" in narrowing:
        assert answer["_links"]["pb:consumer-version"]["name"] == "1.0.0"
    else:
        [entry] = answer["_embedded"]["pacts"]
        assert entry["_links"]["self"][-1]["href"].endswith(f"{PACT}/version/1.0.0")

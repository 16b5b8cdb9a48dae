"""The real Rust `pact-broker get-pacts` and `provider-states list` against Accord."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.e2e.pact_clients import run_cli, run_scenario

pytestmark = [pytest.mark.e2e, pytest.mark.pact_clients]

CONSUMERS = ["ProbeConsumerV2", "ProbeConsumerV3", "ProbeConsumerV4"]
PROVIDER = "ProbeProvider"


def _ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    return result.stdout


@pytest.fixture
def published(broker_url_each_backend: str) -> str:
    """The fixture pacts (V2, V3, V4 consumers of ProbeProvider) at 1.0.0 on branch main."""
    _ok(run_scenario("cli_publish.sh", broker_url_each_backend, "rust"))
    return broker_url_each_backend


@pytest.mark.parametrize(
    "options",
    [
        [],
        ["--latest"],
        ["--branch", "main"],
        ["--branch", "main", "--latest"],
    ],
    ids=["main-branch", "latest-main-branch", "branch", "latest-on-branch"],
)
def test_get_pacts_lists_every_consumers_pact(published: str, options: list[str]) -> None:
    table = _ok(run_cli("rust", published, "get-pacts", "--provider", PROVIDER, *options))
    for consumer in CONSUMERS:
        assert f"Pact between {consumer} (1.0.0) and {PROVIDER}" in table, table
        assert f"/pacts/provider/{PROVIDER}/consumer/{consumer}/version/1.0.0" in table, table
    as_json = json.loads(
        _ok(
            run_cli(
                "rust", published, "get-pacts", "--output", "json", "--provider", PROVIDER, *options
            )
        )
    )
    assert sorted(p["name"] for p in as_json["pacts"]) == CONSUMERS


@pytest.mark.parametrize(
    "options",
    [[], ["--latest"], ["--branch", "main"]],
    ids=["main-branch", "latest-main-branch", "branch"],
)
def test_get_pacts_of_one_consumer(published: str, options: list[str]) -> None:
    consumer = ["--provider", PROVIDER, "--consumer", "ProbeConsumerV3", *options]
    table = _ok(run_cli("rust", published, "get-pacts", *consumer))
    assert f"Pact between ProbeConsumerV3 (1.0.0) and {PROVIDER}" in table, table
    assert "ProbeConsumerV2" not in table, table
    as_json = json.loads(
        _ok(run_cli("rust", published, "get-pacts", "--output", "json", *consumer))
    )
    assert [p["href"].rsplit("/", 3)[1:] for p in as_json["pacts"]] == [
        ["ProbeConsumerV3", "version", "1.0.0"]
    ]


def test_get_pacts_latest_of_one_consumer_on_a_branch(published: str) -> None:
    """The Rust CLI asks for the pact itself here: its JSON output is the pact."""
    out = _ok(
        run_cli(
            "rust",
            published,
            "get-pacts",
            "--output",
            "json",
            "--provider",
            PROVIDER,
            "--consumer",
            "ProbeConsumerV3",
            "--branch",
            "main",
            "--latest",
        )
    )
    document = json.loads(out)
    assert document["consumer"] == {"name": "ProbeConsumerV3"}
    assert document["_links"]["pb:consumer-version"]["name"] == "1.0.0"


def test_provider_states_list_prints_the_published_states(published: str) -> None:
    table = _ok(run_cli("rust", published, "provider-states", "list", "--provider", PROVIDER))
    assert "user 42 exists" in table, table
    for consumer in CONSUMERS:
        assert consumer in table, table
    as_json = json.loads(
        _ok(run_cli("rust", published, "provider-states", "list", "--provider", PROVIDER, "--json"))
    )
    assert sorted(
        (s["name"], json.dumps(s.get("params")), tuple(s["consumers"]))
        for s in as_json["providerStates"]
    ) == [
        ("user 42 exists", "null", ("ProbeConsumerV2",)),
        ("user 42 exists", '{"id": 42}', ("ProbeConsumerV3", "ProbeConsumerV4")),
    ]
    on_branch = _ok(
        run_cli(
            "rust",
            published,
            "provider-states",
            "list",
            "--provider",
            PROVIDER,
            "--branch",
            "main",
        )
    )
    assert "user 42 exists" in on_branch, on_branch


def test_provider_states_list_for_an_environment(published: str) -> None:
    _ok(run_scenario("cli_create_environment.sh", published, "rust", ENV_NAME="staging"))
    _ok(
        run_scenario(
            "cli_record_deployment.sh",
            published,
            "rust",
            PACTICIPANT="ProbeConsumerV2",
            ENVIRONMENT="staging",
        )
    )
    table = _ok(
        run_cli(
            "rust",
            published,
            "provider-states",
            "list",
            "--provider",
            PROVIDER,
            "--environment",
            "staging",
        )
    )
    assert "Environment: staging" in table, table
    assert "user 42 exists" in table, table
    assert "ProbeConsumerV2" in table, table
    assert "ProbeConsumerV3" not in table, table

"""The real `pact-broker` CLIs (Rust and Ruby) work against Accord unchanged, on both backends."""

from __future__ import annotations

import subprocess

import httpx
import pytest

from tests.e2e.pact_clients import run_cli, run_scenario

pytestmark = [pytest.mark.e2e, pytest.mark.pact_clients]

FLAVOURS = ["rust", "ruby"]


def _ok(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 0, (
        f"{result.args}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    )


def environment_named(broker: str, name: str) -> dict[str, object]:
    environments = httpx.get(f"{broker}/environments").json()["_embedded"]["environments"]
    matching: list[dict[str, object]] = [e for e in environments if e["name"] == name]
    assert matching, f"no environment {name!r} in {environments}"
    return matching[0]


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_create_environment_scenario_creates_the_environment(
    flavour: str, broker_url_each_backend: str
) -> None:
    result = run_scenario(
        "cli_create_environment.sh", broker_url_each_backend, flavour, ENV_NAME="staging"
    )
    _ok(result)
    staging = environment_named(broker_url_each_backend, "staging")
    assert staging["displayName"] == "Staging"
    assert staging["production"] is False
    assert staging["contacts"] == [
        {"name": "Team Probe", "details": {"emailAddress": "probe@example.invalid"}}
    ]
    assert str(staging["uuid"]) in result.stdout + result.stderr


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("instance", [None, "blue"])
def test_record_deployment_scenario_records_the_deployment(
    flavour: str, instance: str | None, broker_url_each_backend: str
) -> None:
    broker = broker_url_each_backend
    _ok(run_scenario("cli_create_environment.sh", broker, flavour, ENV_NAME="production"))
    _ok(
        run_cli(
            flavour,
            broker,
            "create-or-update-version",
            "--pacticipant",
            "ProbeConsumerV4",
            "--version",
            "1.0.0",
            "--branch",
            "main",
        )
    )
    env = {"APP_INSTANCE": instance} if instance else {}
    _ok(run_scenario("cli_record_deployment.sh", broker, flavour, **env))

    production = environment_named(broker, "production")
    deployed = httpx.get(
        f"{broker}/environments/{production['uuid']}/deployed-versions/currently-deployed",
        params={"pacticipant": "ProbeConsumerV4"},
    ).json()["_embedded"]["deployedVersions"]
    assert [(d["_embedded"]["version"]["number"], d["applicationInstance"]) for d in deployed] == [
        ("1.0.0", instance)
    ]
    version = httpx.get(f"{broker}/pacticipants/ProbeConsumerV4/versions/1.0.0").json()
    assert [b["name"] for b in version["_embedded"]["branchVersions"]] == ["main"]
    assert [e["name"] for e in version["_links"]["pb:deployed-environments"]] == ["production"]


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_record_deployment_to_an_unknown_environment_fails_with_the_clients_message(
    flavour: str, broker_url: str
) -> None:
    _ok(
        run_cli(
            flavour,
            broker_url,
            "create-or-update-version",
            "--pacticipant",
            "ProbeConsumerV4",
            "--version",
            "1.0.0",
        )
    )
    result = run_scenario("cli_record_deployment.sh", broker_url, flavour, ENVIRONMENT="nowhere")
    assert result.returncode != 0
    assert "nowhere" in result.stdout + result.stderr


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_undeploy_release_and_end_support_through_the_clients(
    flavour: str, broker_url: str
) -> None:
    broker = broker_url
    _ok(run_scenario("cli_create_environment.sh", broker, flavour, ENV_NAME="production"))
    _ok(
        run_cli(
            flavour,
            broker,
            "create-or-update-version",
            "--pacticipant",
            "Svc",
            "--version",
            "1",
            "--tag",
            "prod",
        )
    )
    _ok(
        run_cli(
            flavour,
            broker,
            "record-deployment",
            "--pacticipant",
            "Svc",
            "--version",
            "1",
            "--environment",
            "production",
        )
    )
    _ok(
        run_cli(
            flavour,
            broker,
            "record-undeployment",
            "--pacticipant",
            "Svc",
            "--environment",
            "production",
        )
    )
    _ok(
        run_cli(
            flavour,
            broker,
            "record-release",
            "--pacticipant",
            "Svc",
            "--version",
            "1",
            "--environment",
            "production",
        )
    )
    production = environment_named(broker, "production")
    base = f"{broker}/environments/{production['uuid']}"
    assert (
        httpx.get(f"{base}/deployed-versions/currently-deployed").json()["_embedded"][
            "deployedVersions"
        ]
        == []
    )
    supported = httpx.get(f"{base}/released-versions/currently-supported").json()["_embedded"][
        "releasedVersions"
    ]
    assert [r["_embedded"]["version"]["number"] for r in supported] == ["1"]
    _ok(
        run_cli(
            flavour,
            broker,
            "record-support-ended",
            "--pacticipant",
            "Svc",
            "--version",
            "1",
            "--environment",
            "production",
        )
    )
    assert (
        httpx.get(f"{base}/released-versions/currently-supported").json()["_embedded"][
            "releasedVersions"
        ]
        == []
    )
    described = run_cli(
        flavour, broker, "describe-version", "--pacticipant", "Svc", "--version", "1"
    )
    _ok(described)
    assert "prod" in described.stdout


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_environment_and_pacticipant_commands_of_the_clients(flavour: str, broker_url: str) -> None:
    broker = broker_url
    _ok(run_scenario("cli_create_environment.sh", broker, flavour, ENV_NAME="test"))
    uuid = str(environment_named(broker, "test")["uuid"])
    _ok(
        run_cli(
            flavour,
            broker,
            "update-environment",
            "--uuid",
            uuid,
            "--name",
            "test",
            "--display-name",
            "Test EU",
        )
    )
    assert environment_named(broker, "test")["displayName"] == "Test EU"
    listed = run_cli(flavour, broker, "list-environments")
    _ok(listed)
    assert "test" in listed.stdout
    described = run_cli(flavour, broker, "describe-environment", "--uuid", uuid)
    _ok(described)
    assert "Test EU" in described.stdout
    _ok(
        run_cli(
            flavour,
            broker,
            "create-or-update-pacticipant",
            "--name",
            "Orders",
            "--repository-url",
            "https://git.example/orders",
        )
    )
    assert (
        httpx.get(f"{broker}/pacticipants/Orders").json()["repositoryUrl"]
        == "https://git.example/orders"
    )
    _ok(
        run_cli(
            flavour,
            broker,
            "create-or-update-pacticipant",
            "--name",
            "Orders",
            "--display-name",
            "Order service",
        )
    )
    orders = httpx.get(f"{broker}/pacticipants/Orders").json()
    assert (orders["displayName"], orders["repositoryUrl"]) == (
        "Order service",
        "https://git.example/orders",
    )
    _ok(
        run_cli(
            flavour,
            broker,
            "create-version-tag",
            "--pacticipant",
            "Orders",
            "--version",
            "7",
            "--tag",
            "feat",
            "--auto-create-version",
        )
    )
    assert [
        t["name"]
        for t in httpx.get(f"{broker}/pacticipants/Orders/versions/7").json()["_embedded"]["tags"]
    ] == ["feat"]
    _ok(run_cli(flavour, broker, "delete-environment", "--uuid", uuid))
    assert httpx.get(f"{broker}/environments/{uuid}").status_code == 404

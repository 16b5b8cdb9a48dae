"""The `accord` command against the broker run as a process (the command runs in-process)."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.e2e.accord_cli import accord_process, environment_for, run_accord

pytestmark = pytest.mark.e2e


def accord(broker_url: str, *argv: str) -> subprocess.CompletedProcess[str]:
    """Run `accord ARGV` (in this process) against `broker_url`; its outcome."""
    return run_accord(list(argv), environment_for(broker_url))


def ok(broker_url: str, *argv: str) -> str:
    """Run a command that must succeed; its stdout."""
    completed = accord(broker_url, *argv)
    assert completed.returncode == 0, completed.stderr
    assert completed.stderr == ""
    return completed.stdout


def as_json(broker_url: str, *argv: str) -> dict[str, object]:
    """Run a command with `--output json`; the printed resource."""
    printed: dict[str, object] = json.loads(ok(broker_url, *argv, "--output", "json"))
    return printed


def test_environment_lifecycle(broker_url: str) -> None:
    created = as_json(
        broker_url,
        "create-environment",
        "--name", "staging",
        "--display-name", "Staging",
        "--contact-name", "Team",
        "--contact-email-address", "team@example.com",
    )  # fmt: skip
    uuid = str(created["uuid"])
    assert created["production"] is False

    described = ok(broker_url, "describe-environment", "--uuid", uuid)
    assert "Name: staging\nDisplay name: Staging\nProduction: false\n" in described
    assert "  - Team (team@example.com)\n" in described

    listed = ok(broker_url, "list-environments")
    assert (
        listed.splitlines()[0]
        == "UUID                                 | NAME    | DISPLAY NAME | PRODUCTION"
    )
    assert listed.splitlines()[2] == f"{uuid} | staging | Staging      | false"

    updated = ok(
        broker_url, "update-environment", "--uuid", uuid, "--display-name", "Stage", "--production"
    )
    assert updated == "Updated staging environment in the broker\n"
    resource = as_json(broker_url, "describe-environment", "--uuid", uuid)
    assert (resource["displayName"], resource["production"]) == ("Stage", True)
    assert resource["contacts"] == [
        {"name": "Team", "details": {"emailAddress": "team@example.com"}}
    ]

    assert ok(broker_url, "delete-environment", "--uuid", uuid) == (
        "Deleted environment staging from the broker\n"
    )
    assert "staging" not in ok(broker_url, "list-environments")


def test_pacticipant_create_update_and_describe(broker_url: str) -> None:
    assert ok(broker_url, "create-or-update-pacticipant", "--name", "Order Service") == (
        'Pacticipant "Order Service" created\n'
    )
    assert ok(
        broker_url,
        "create-or-update-pacticipant",
        "--name", "Order Service",
        "--main-branch", "main",
        "--repository-url", "https://git.example.com/orders",
    ) == 'Pacticipant "Order Service" updated\n'  # fmt: skip

    described = ok(broker_url, "describe-pacticipant", "--name", "Order Service")
    assert "Name: Order Service\n" in described
    assert "Main branch: main\n" in described
    assert "Repository URL: https://git.example.com/orders\n" in described
    assert "Order Service" in ok(broker_url, "list-pacticipants")


def test_versions_branches_and_tags(broker_url: str) -> None:
    created = ok(
        broker_url,
        "create-or-update-version",
        "-a", "Orders", "-e", "1.0.0",
        "--branch", "feature/x", "-t", "dev", "-t", "release 1",
        "--build-url", "https://ci.example.com/1",
    )  # fmt: skip
    assert created == (
        "Created Orders version 1.0.0 with branch feature/x and tag(s) dev, release 1 "
        "in the broker\n"
    )

    described = ok(broker_url, "describe-version", "-a", "Orders", "-e", "1.0.0")
    assert "Version: 1.0.0\n" in described
    assert "Branches: feature/x (latest)\n" in described
    assert "Tags: dev, release 1\n" in described
    assert "Build URL: https://ci.example.com/1\n" in described

    assert ok(broker_url, "create-version-tag", "-a", "Orders", "-e", "1.0.0", "-t", "prod") == (
        "Tagged Orders version 1.0.0 with prod\n"
    )
    latest = as_json(broker_url, "describe-version", "-a", "Orders", "--latest", "prod")
    assert latest["number"] == "1.0.0"

    missing = accord(broker_url, "create-version-tag", "-a", "Orders", "-e", "9.9.9", "-t", "prod")
    assert (missing.returncode, missing.stdout, missing.stderr) == (
        1,
        "",
        "Version 9.9.9 of Orders does not exist.\n",
    )
    ok(
        broker_url,
        "create-version-tag",
        "-a",
        "Orders",
        "-e",
        "9.9.9",
        "-t",
        "prod",
        "--auto-create-version",
    )
    assert "Version: 9.9.9\n" in ok(
        broker_url, "describe-version", "-a", "Orders", "--latest", "prod"
    )


def test_deployments_and_releases(broker_url: str) -> None:
    uuid = str(
        as_json(broker_url, "create-environment", "--name", "production", "--production")["uuid"]
    )
    ok(broker_url, "create-or-update-version", "-a", "Orders", "-e", "1.0.0")
    ok(broker_url, "create-or-update-version", "-a", "Orders", "-e", "2.0.0")

    assert ok(
        broker_url, "record-deployment", "-a", "Orders", "-e", "1.0.0",
        "--environment", "production", "--application-instance", "blue",
    ) == (
        "Recorded deployment of Orders version 1.0.0 to production environment "
        "(application instance blue) in the broker.\n"
    )  # fmt: skip
    deployed = as_json(
        broker_url,
        "record-deployment",
        "-a",
        "Orders",
        "-e",
        "2.0.0",
        "--environment",
        "production",
    )
    assert (deployed["currentlyDeployed"], deployed["applicationInstance"]) == (True, None)
    described = ok(broker_url, "describe-environment", "--uuid", uuid)
    assert "  - Orders 1.0.0 (application instance blue)\n" in described
    assert "  - Orders 2.0.0\n" in described

    assert ok(
        broker_url, "record-undeployment", "-a", "Orders", "--environment", "production",
        "--application-instance", "blue",
    ) == (
        "Recorded undeployment of Orders version 1.0.0 from production environment "
        "(application instance blue) in the broker.\n"
    )  # fmt: skip
    described = ok(broker_url, "describe-environment", "--uuid", uuid)
    assert "Orders 1.0.0" not in described
    assert "  - Orders 2.0.0\n" in described

    assert ok(
        broker_url, "record-release", "-a", "Orders", "-e", "1.0.0", "--environment", "production"
    ) == ("Recorded release of Orders version 1.0.0 to production environment in the broker.\n")
    assert "Currently released:\n  - Orders 1.0.0\n" in ok(
        broker_url, "describe-environment", "--uuid", uuid
    )
    ended = ok(
        broker_url,
        "record-support-ended",
        "-a",
        "Orders",
        "-e",
        "1.0.0",
        "--environment",
        "production",
    )
    assert (
        ended == "Recorded support ended of Orders version 1.0.0 in production environment "
        "in the broker.\n"
    )
    assert "Currently released: none\n" in ok(broker_url, "describe-environment", "--uuid", uuid)

    again = accord(
        broker_url,
        "record-undeployment",
        "-a",
        "Orders",
        "--environment",
        "production",
        "--application-instance",
        "blue",
    )
    assert (again.returncode, again.stderr) == (
        1,
        "Orders is not currently deployed to environment production (application instance blue).\n",
    )


def test_an_unknown_environment_is_one_sentence(broker_url: str) -> None:
    ok(broker_url, "create-or-update-version", "-a", "Orders", "-e", "1.0.0")

    completed = accord(
        broker_url, "record-deployment", "-a", "Orders", "-e", "1.0.0", "--environment", "nowhere"
    )

    assert (completed.returncode, completed.stdout, completed.stderr) == (
        1,
        "",
        "Environment nowhere does not exist.\n",
    )


def test_a_rejected_request_is_one_sentence(broker_url: str) -> None:
    ok(broker_url, "create-environment", "--name", "production")

    completed = accord(broker_url, "create-environment", "--name", "production")

    assert completed.returncode == 1
    assert completed.stdout == ""
    assert len(completed.stderr.strip().splitlines()) == 1
    assert "Traceback" not in completed.stderr


def test_list_pacticipants_follows_every_page(broker_url: str) -> None:
    """More pacticipants than fit in one page of the broker's list all appear."""
    import httpx as _httpx

    with _httpx.Client(base_url=broker_url) as http:  # one connection for the 105 writes
        for i in range(105):
            http.post("/pacticipants", json={"name": f"app-{i:03d}"}).raise_for_status()
    from clients.sdk import BrokerClient

    with BrokerClient(broker_url) as client:
        names = [p.name for p in client.list_pacticipants().embedded.pacticipants]
    assert len(names) == 105
    assert names[0] == "app-000" and names[-1] == "app-104"


def test_the_command_as_a_process_says_what_it_did_and_what_went_wrong(broker_url: str) -> None:
    environment = environment_for(broker_url)
    created = accord_process(["create-or-update-pacticipant", "--name", "Orders"], environment)
    assert (created.returncode, created.stdout, created.stderr) == (
        0,
        'Pacticipant "Orders" created\n',
        "",
    )
    missing = accord_process(["describe-pacticipant", "--name", "Nobody"], environment)
    assert missing.returncode == 1
    assert missing.stdout == ""
    assert missing.stderr.count("\n") == 1
    usage = accord_process(["record-deployment", "-a", "Orders"], environment)
    assert usage.returncode == 2
    assert usage.stderr.startswith("usage: accord record-deployment")

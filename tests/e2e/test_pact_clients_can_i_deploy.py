"""`pact-broker can-i-deploy` (Rust and Ruby) against Accord: yes, no and unknown."""

from __future__ import annotations

import subprocess

import httpx
import pytest

from tests.e2e.pact_clients import run_cli, run_scenario

pytestmark = [pytest.mark.e2e, pytest.mark.pact_clients]

FLAVOURS = ["rust", "ruby"]


def setup(broker: str) -> None:
    for step in (
        run_scenario("cli_publish.sh", broker, "rust"),
        run_scenario("cli_create_environment.sh", broker, "rust", ENV_NAME="production"),
        run_cli(
            "rust",
            broker,
            "create-or-update-version",
            "--pacticipant",
            "ProbeProvider",
            "--version",
            "2.0.0",
        ),
        run_cli(
            "rust",
            broker,
            "record-deployment",
            "--pacticipant",
            "ProbeProvider",
            "--version",
            "2.0.0",
            "--environment",
            "production",
        ),
    ):
        assert step.returncode == 0, step.stdout + step.stderr


def verify(broker: str, bug: str) -> subprocess.CompletedProcess[str]:
    return run_scenario(
        "py_verifier.sh",
        broker,
        "rust",
        PACT_URL="$BROKER_URL/pacts/provider/ProbeProvider/consumer/ProbeConsumerV4/latest",
        PROVIDER_BUG=bug,
    )


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_can_i_deploy_is_unknown_then_yes_then_no(
    flavour: str, broker_url_each_backend: str
) -> None:
    broker = broker_url_each_backend
    setup(broker)
    unknown = run_scenario("cli_can_i_deploy.sh", broker, flavour)
    assert unknown.returncode == 1
    assert (
        "no verified pact between the version 1.0.0 of ProbeConsumerV4"
        " and the version 2.0.0 of ProbeProvider" in (unknown.stdout + unknown.stderr)
    )
    assert verify(broker, "0").returncode == 0
    yes = run_scenario("cli_can_i_deploy.sh", broker, flavour)
    assert yes.returncode == 0, yes.stdout + yes.stderr
    # Verified once on the branch, the pact is no longer pending: the bug fails the build.
    broken = verify(broker, "1")
    assert broken.returncode != 0, broken.stdout + broken.stderr
    no = run_scenario("cli_can_i_deploy.sh", broker, flavour)
    assert no.returncode == 1
    assert "failed" in no.stdout + no.stderr
    # The provider version that failed may not go where that consumer runs.
    deployed = run_cli(
        "rust",
        broker,
        "record-deployment",
        "--pacticipant",
        "ProbeConsumerV4",
        "--version",
        "1.0.0",
        "--environment",
        "production",
    )
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    provider = run_scenario(
        "cli_can_i_deploy.sh", broker, flavour, PACTICIPANT="ProbeProvider", VERSION="2.0.0"
    )
    output = provider.stdout + provider.stderr
    assert provider.returncode == 1, output
    assert "ProbeConsumerV4" in output and "failed" in output


def test_the_provider_may_deploy_when_its_consumers_verified_it(broker_url: str) -> None:
    setup(broker_url)
    verify(broker_url, "0")
    for consumer in ("ProbeConsumerV2", "ProbeConsumerV3", "ProbeConsumerV4"):
        env = httpx.get(f"{broker_url}/environments").json()["_embedded"]["environments"][0]
        httpx.post(
            f"{broker_url}/pacticipants/{consumer}/versions/1.0.0/deployed-versions/environment/{env['uuid']}",
            json={},
        ).raise_for_status()
    result = run_scenario(
        "cli_can_i_deploy.sh", broker_url, "rust", PACTICIPANT="ProbeProvider", VERSION="2.0.0"
    )
    # Only the V4 consumer's pact was verified: the other two block the provider.
    assert result.returncode == 1
    output = result.stdout + result.stderr
    assert "ProbeConsumerV2" in output and "ProbeConsumerV3" in output

"""Enterprise mode end to end (issue #5), on SQLite and PostgreSQL, with the real Rust clients.

A consumer's changed pact, then a provider's changed OpenAPI document, each opens a change
request: `pact-broker can-i-deploy` says no and names it until an approver of the affected
team approves it with `accord approve-change`; neither the author nor another team's approver
may.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.e2e.conftest import BrokerPool
from tests.e2e.governance_setup import (
    ADMIN,
    CANCEL_INTERACTION,
    CONSUMER,
    ENVIRONMENT,
    ORDER_INTERACTION,
    ORDERS_OPENAPI,
    ORDERS_OPENAPI_CHANGED,
    PROVIDER,
    accord,
    accord_json,
    accord_ok,
    deploy,
    pact,
    publish_pact,
    secured_broker,
    teams_and_tokens,
    verify,
    write_pact,
)
from tests.e2e.pact_clients import ensure_installed, run_cli

pytestmark = [pytest.mark.e2e, pytest.mark.pact_clients]


def can_i_deploy(broker: str, token: str, pacticipant: str, version: str) -> tuple[int, str]:
    """The Rust `pact-broker can-i-deploy` to production: its exit code and output."""
    done = run_cli(
        "rust",
        broker,
        "can-i-deploy",
        "--pacticipant",
        pacticipant,
        "--version",
        version,
        "--to-environment",
        ENVIRONMENT,
        PACT_BROKER_TOKEN=token,
    )
    return done.returncode, done.stdout + done.stderr


def publish_provider_contract(
    broker: str, token: str, folder: Path, version: str, document: str
) -> subprocess.CompletedProcess[str]:
    """The Rust `pactflow publish-provider-contract` with passing self-verification results."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "openapi.yaml").write_text(document)
    (folder / "results.txt").write_text("all provider tests passed\n")
    pactflow = ensure_installed() / "rust" / "node_modules" / ".bin" / "pactflow"
    return subprocess.run(
        [
            str(pactflow),
            "publish-provider-contract",
            "openapi.yaml",
            "--provider",
            PROVIDER,
            "--provider-app-version",
            version,
            "--branch",
            "main",
            "--content-type",
            "application/yaml",
            "--verification-success",
            "--verification-results",
            "results.txt",
            "--verification-results-content-type",
            "text/plain",
            "--verifier",
            "schemathesis",
            "--broker-base-url",
            broker,
        ],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("PACT_BROKER_")},
            "PACT_DO_NOT_TRACK": "true",
            "PACT_BROKER_HTTP_RETRIES": "0",
            "PACT_BROKER_TOKEN": token,
        },
    )


def open_change_request(broker: str, pacticipant: str) -> dict[str, object]:
    """The one open change request of `pacticipant`, through `accord list-change-requests`."""
    listed = accord_json(
        broker, ADMIN, "list-change-requests", "--pacticipant", pacticipant, "--status", "open"
    )
    assert isinstance(listed, list)
    assert len(listed) == 1, listed
    found: dict[str, object] = listed[0]
    return found


def test_a_consumer_pact_change_waits_for_the_provider_teams_approval(
    brokers: BrokerPool, backend_database_url: str | None, tmp_path: Path
) -> None:
    with secured_broker(brokers, backend_database_url) as broker:
        token = teams_and_tokens(broker)
        # Before enterprise mode: Web 1.0.0's pact is verified by Orders 2.0.0 in production.
        publish_pact(broker, token["web-ci"], "1.0.0", pact(ORDER_INTERACTION))
        verify(broker, token["orders-ci"], "1.0.0", "2.0.0")
        deploy(broker, token["orders-ci"], PROVIDER, "2.0.0")
        deploy(broker, token["web-ci"], CONSUMER, "1.0.0")
        said = accord_ok(
            broker, ADMIN, "set-mode", "--pacticipant", CONSUMER, "--mode", "brownfield-enterprise"
        )
        assert said == f"{CONSUMER} is now in brownfield-enterprise mode.\n"

        changed = write_pact(tmp_path / "pacts", pact(ORDER_INTERACTION, CANCEL_INTERACTION))
        published = run_cli(
            "rust",
            broker,
            "publish",
            str(changed),
            "--consumer-app-version",
            "1.0.1",
            "--branch",
            "main",
            PACT_BROKER_TOKEN=token["web-ci"],
        )
        assert published.returncode == 0, published.stdout + published.stderr

        change = open_change_request(broker, CONSUMER)
        number = str(change["id"])
        assert (change["kind"], change["provider"]) == ("pact", PROVIDER)
        assert change["versions"] == ["1.0.1"]
        assert change["awaiting"] == ["orders-team"]
        code, output = can_i_deploy(broker, token["web-ci"], CONSUMER, "1.0.1")
        assert code != 0, output
        assert f"change request {number} awaiting approval" in output.lower(), output

        own = accord(broker, token["web-ci"], "approve-change", number)
        assert own.returncode != 0
        assert own.stderr.startswith(f"Could not approve change request {number}: "), own.stderr
        assert own.stderr.count("\n") == 1 and "Traceback" not in own.stderr
        outsider = accord(broker, token["web-approver"], "approve-change", number)
        assert outsider.returncode != 0
        assert outsider.stderr.startswith(f"Could not approve change request {number}: ")
        assert "orders-team" in outsider.stderr, outsider.stderr
        assert "Traceback" not in outsider.stderr
        approved = accord_ok(broker, token["orders-approver"], "approve-change", number)
        assert approved.startswith(f"Approved change request {number} for "), approved
        described = accord_json(broker, ADMIN, "describe-change-request", number)
        assert isinstance(described, dict)
        assert described["status"] == "approved", described

        # The change counts now; what is left is the provider's verification of it.
        verify(broker, token["orders-ci"], "1.0.1", "2.0.1")
        deploy(broker, token["orders-ci"], PROVIDER, "2.0.1")
        code, output = can_i_deploy(broker, token["web-ci"], CONSUMER, "1.0.1")
        assert code == 0, output
        assert "change request" not in output.lower(), output


def test_a_provider_contract_change_waits_for_the_consumer_teams_approval(
    brokers: BrokerPool, backend_database_url: str | None, tmp_path: Path
) -> None:
    with secured_broker(brokers, backend_database_url) as broker:
        token = teams_and_tokens(broker)
        # Before enterprise mode: Orders 1 publishes its document; Web 1.0.0 fits it and runs.
        first = publish_provider_contract(
            broker, token["orders-ci"], tmp_path / "v1", "1", ORDERS_OPENAPI
        )
        assert first.returncode == 0, first.stdout + first.stderr
        publish_pact(broker, token["web-ci"], "1.0.0", pact(ORDER_INTERACTION))
        deploy(broker, token["web-ci"], CONSUMER, "1.0.0")
        code, output = can_i_deploy(broker, token["orders-ci"], PROVIDER, "1")
        assert code == 0, output
        accord_ok(
            broker, ADMIN, "set-mode", "--pacticipant", PROVIDER, "--mode", "brownfield-enterprise"
        )

        second = publish_provider_contract(
            broker, token["orders-ci"], tmp_path / "v2", "2", ORDERS_OPENAPI_CHANGED
        )
        assert second.returncode == 0, second.stdout + second.stderr

        change = open_change_request(broker, PROVIDER)
        number = str(change["id"])
        assert (change["kind"], change["provider"]) == ("provider-contract", None)
        assert change["awaiting"] == ["web-team"]
        code, output = can_i_deploy(broker, token["orders-ci"], PROVIDER, "2")
        assert code != 0, output
        assert f"change request {number} awaiting approval" in output.lower(), output

        refused = accord(broker, token["orders-approver"], "approve-change", number)
        assert refused.returncode != 0
        assert refused.stderr.startswith(f"Could not approve change request {number}: ")
        assert "web-team" in refused.stderr, refused.stderr
        assert "Traceback" not in refused.stderr
        approved = accord_ok(broker, token["web-approver"], "approve-change", number)
        assert approved.startswith(f"Approved change request {number} for "), approved

        code, output = can_i_deploy(broker, token["orders-ci"], PROVIDER, "2")
        assert code == 0, output

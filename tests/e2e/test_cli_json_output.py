"""Every `--output json` of accord names its members in camelCase (issue 12, item 15).

Each command that prints JSON runs once, in process, against a broker process with an admin
token (the local ones, compare-spec, diff-spec and verify, on the shared fixtures), and every
member name of what it prints is checked: camelCase, or `_links`/`_embedded`. Link relations
(`pb:latest-version`) name links, not members, and are left alone.
"""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import pytest

from clients.cli.__main__ import build_parser, main
from tests.e2e.conftest import BrokerPool
from tests.e2e.test_cli_webhook_deliveries import store_deliveries
from tests.support.event_consumer import PACT as EVENT_PACT

pytestmark = pytest.mark.e2e

ADMIN = "admin-secret-for-json-output"
FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "clients" / "fixtures"
PACT = FIXTURES / "pacts" / "ProbeConsumerV3-ProbeProvider.json"
SPEC = FIXTURES / "oas.yaml"
CONSUMER, PROVIDER = "ProbeConsumerV3", "ProbeProvider"
CAMEL = re.compile(r"^_?[a-z][a-zA-Z0-9]*$")
# Commands that print no JSON of the broker's: `broker` hands over to the broker's own CLI, and
# `fault-proxy` is a server that prints nothing.
NOT_RUN = {"broker", "fault-proxy"}


@pytest.fixture
def broker(brokers: BrokerPool, monkeypatch: pytest.MonkeyPatch) -> str:
    url = brokers.broker(ACCORD_ADMIN_TOKEN=ADMIN, ACCORD_ALLOW_OVERRIDE="true").emptied()
    for name in ("PACT_BROKER_USERNAME", "PACT_BROKER_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PACT_BROKER_BASE_URL", url)
    monkeypatch.setenv("PACT_BROKER_TOKEN", ADMIN)
    return url


def junit_report(folder: Path) -> Path:
    """A one-test JUnit report, as a runner writes it."""
    report = folder / "junit.xml"
    report.write_text(
        '<testsuite name="api" tests="1"><testcase classname="orders" name="auth.valid"/>'
        "</testsuite>"
    )
    return report


def message_pact(folder: Path) -> Path:
    """The test warehouse's message pact, as a file."""
    pact = folder / "Warehouse-Orders.json"
    pact.write_text(json.dumps(EVENT_PACT))
    return pact


def snake_members(document: object, where: str = "$") -> list[str]:
    """The member names of `document` that are not camelCase, each with its place."""
    found: list[str] = []
    if isinstance(document, dict):
        for key, value in document.items():
            if not CAMEL.match(key):
                found.append(f"{where}.{key}")
            if key != "_links":
                found += snake_members(value, f"{where}.{key}")
    elif isinstance(document, list):
        for index, item in enumerate(document):
            found += snake_members(item, f"{where}[{index}]")
    return found


def test_trust_15_every_json_output_names_its_members_in_camelcase(
    broker: str, brokers: BrokerPool, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    password = tmp_path / "password.txt"
    password.write_text("long enough password\n")
    results = tmp_path / "results.txt"
    results.write_text("all passed\n")
    junit = junit_report(tmp_path)

    def run(*argv: str) -> object:
        main([*argv, "--output", "json"])
        printed = capsys.readouterr()
        assert printed.out.strip(), f"accord {argv[0]} printed no JSON: {printed.err}"
        lines = printed.out.strip().splitlines()
        # compare-spec prints one JSON array per pact, one a line.
        if argv[0] == "compare-spec":
            return [json.loads(line) for line in lines]
        return json.loads(printed.out)

    outputs: dict[str, object] = {}
    environment = run("create-environment", "--name", "production", "--production")
    assert isinstance(environment, dict)
    uuid = str(environment["uuid"])
    outputs["create-environment"] = environment
    steps: list[tuple[str, ...]] = [
        ("list-environments",),
        ("describe-environment", "--uuid", uuid),
        ("update-environment", "--uuid", uuid, "--display-name", "Production"),
        ("create-or-update-pacticipant", "--name", CONSUMER, "--main-branch", "main"),
        ("describe-pacticipant", "--name", CONSUMER),
        ("list-pacticipants",),
        ("create-or-update-version", "-a", CONSUMER, "-e", "1.0.0", "--branch", "main"),
        ("describe-version", "-a", CONSUMER, "-e", "1.0.0"),
        ("create-version-tag", "-a", CONSUMER, "-e", "1.0.0", "-t", "prod"),
        ("publish", str(PACT), "-a", "1.0.0", "--branch", "main"),
        ("list-latest-pact-versions",),
        ("publish-provider-contract", str(SPEC), "--provider", PROVIDER,
         "--provider-app-version", "2.0.0", "--branch", "main", "--verification-success",
         "--verification-results", str(results), "--verifier", "schemathesis"),
        ("record-deployment", "-a", CONSUMER, "-e", "1.0.0", "--environment", "production"),
        ("record-release", "-a", CONSUMER, "-e", "1.0.0", "--environment", "production"),
        ("record-support-ended", "-a", CONSUMER, "-e", "1.0.0", "--environment", "production"),
        ("record-undeployment", "-a", CONSUMER, "--environment", "production"),
        ("can-i-deploy", "-a", CONSUMER, "-e", "1.0.0", "--to-environment", "production"),
        ("can-i-merge", "-a", CONSUMER, "-e", "1.0.0"),
        ("describe-matrix", "-a", CONSUMER, "-e", "1.0.0", "-a", PROVIDER, "-e", "2.0.0"),
        ("list-notifications", "--pacticipant", CONSUMER),
        ("publish-test-results", str(junit), "-a", CONSUMER, "-e", "1.0.0", "--kind", "api"),
        ("coverage", "-a", CONSUMER, "-e", "1.0.0"),
        ("set-coverage-policy", "-a", CONSUMER, "--off"),
        ("create-team", "web", "-a", CONSUMER),
        ("list-teams",),
        ("set-mode", "-a", CONSUMER, "--mode", "brownfield-polish"),
        ("set-approval-policy", "-a", PROVIDER, "--team", "web", "--required", "1"),
        ("list-change-requests",),
        ("create-token", "--name", "ci", "--role", "write", "--team", "web"),
        ("list-tokens",),
        ("revoke-token", "1"),
        ("create-user", "ann", "--role", "write", "--password-file", str(password)),
        ("list-users",),
        ("disable-user", "ann"),
        ("enable-user", "ann"),
        ("change-password", "ann", "--password-file", str(password)),
        ("delete-user", "ann"),
        ("verify-audit-log",),
        ("compare-spec", str(SPEC), str(PACT)),
        ("diff-spec", str(SPEC), str(SPEC)),
        ("probe", "--openapi", str(SPEC), "--provider-base-url", "http://127.0.0.1:9"),
        ("event-check", "--pact", str(message_pact(tmp_path)),
         "--consumer-url", "http://127.0.0.1:9/m"),
        ("verify", str(PACT), "--provider", PROVIDER,
         "--provider-base-url", "http://127.0.0.1:9", "--timeout", "2"),
    ]  # fmt: skip
    for step in steps:
        outputs[step[0]] = run(*step)

    # A change request: the consumer goes enterprise and a writer of its team publishes a
    # changed pact, which the provider's policy (team web) must approve.
    run("set-mode", "-a", CONSUMER, "--mode", "brownfield-enterprise")
    writer = run("create-token", "--name", "writer", "--role", "write", "--team", "web")
    approver = run("create-token", "--name", "approver", "--role", "approver", "--team", "web")
    assert isinstance(writer, dict)
    assert isinstance(approver, dict)

    def open_request(version: str, description: str) -> str:
        document = json.loads(PACT.read_text())
        document["interactions"].append({**document["interactions"][0], "description": description})
        changed = tmp_path / f"{version}.json"
        changed.write_text(json.dumps(document))
        run("publish", str(changed), "-a", version, "--branch", "main", "-k", writer["token"])
        listed = run("list-change-requests", "-a", CONSUMER, "--status", "open")
        assert isinstance(listed, list)
        assert len(listed) == 1, "the changed pact opened one change request"
        return str(listed[0]["id"])

    approved = open_request("1.0.1", "a new request")
    outputs["describe-change-request"] = run("describe-change-request", approved)
    outputs["approve-change"] = run("approve-change", approved, "-k", approver["token"])
    rejected = open_request("1.0.2", "another request")
    outputs["reject-change"] = run(
        "reject-change", rejected, "--reason", "not now", "-k", approver["token"]
    )
    outputs["override-change"] = run("override-change", rejected, "--reason", "hotfix")
    # Webhook deliveries are written by the delivery worker: stored here as it stores them.
    served = brokers.broker(ACCORD_ADMIN_TOKEN=ADMIN, ACCORD_ALLOW_OVERRIDE="true").database_url
    dead, _ = asyncio.run(store_deliveries(served))
    outputs["webhook-deliveries"] = run("webhook-deliveries", "--status", "dead")
    outputs["redrive-delivery"] = run("redrive-delivery", dead)
    outputs["validate-pact"] = run("validate-pact", str(PACT))
    outputs["delete-environment"] = run("delete-environment", "--uuid", uuid)

    wrong = {name: snake_members(printed) for name, printed in outputs.items()}
    assert {name: places for name, places in wrong.items() if places} == {}
    # Every command that prints JSON was run, so a new one joins this walk or says why not.
    parser = build_parser()
    [subcommands] = [a for a in parser._actions if hasattr(a, "choices") and a.choices]
    not_run = set(subcommands.choices) - set(outputs) - NOT_RUN  # type: ignore[arg-type]
    assert not_run == set()

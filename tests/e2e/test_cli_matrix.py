"""`accord can-i-deploy`, `can-i-merge` and `describe-matrix`, run as processes, against the broker.

The consumer publishes the shared V4 pact; the provider's results go to the pact's
`pb:publish-verification-results` link, as a verifier posts them.
"""

from __future__ import annotations

import json

import httpx
import pytest

from tests.e2e.pact_clients import SHARED
from tests.e2e.test_cli import accord, ok

pytestmark = pytest.mark.e2e

PACT = SHARED / "clients" / "fixtures" / "pacts" / "ProbeConsumerV4-ProbeProvider.json"
CONSUMER = "ProbeConsumerV4"
PROVIDER = "ProbeProvider"


def publish_and_deploy_provider(broker_url: str) -> None:
    """Consumer 1.0.0 on main publishes; provider 2.0.0 (main) runs in production."""
    ok(broker_url, "publish", str(PACT), "--consumer-app-version", "1.0.0", "--branch", "main")
    ok(broker_url, "create-environment", "--name", "production", "--production")
    ok(broker_url, "create-or-update-pacticipant", "--name", PROVIDER, "--main-branch", "main")
    ok(broker_url, "create-or-update-version", "-a", PROVIDER, "-e", "2.0.0", "--branch", "main")
    ok(broker_url, "record-deployment", "-a", PROVIDER, "-e", "2.0.0",
       "--environment", "production")  # fmt: skip


def verify(broker_url: str, provider_version: str, *, success: bool) -> None:
    """Post a verification result of the consumer 1.0.0 pact, as a verifier does."""
    pact = httpx.get(
        f"{broker_url}/pacts/provider/{PROVIDER}/consumer/{CONSUMER}/version/1.0.0",
        headers={"Accept": "application/hal+json"},
    )
    pact.raise_for_status()
    href = pact.json()["_links"]["pb:publish-verification-results"]["href"]
    posted = httpx.post(
        href, json={"success": success, "providerApplicationVersion": provider_version}
    )
    assert posted.status_code == 201, posted.text


def can_i_deploy(broker_url: str, *extra: str) -> tuple[int, str]:
    """Ask whether consumer 1.0.0 may go to production; the exit code and stdout."""
    done = accord(
        broker_url, "can-i-deploy", "--pacticipant", CONSUMER, "--version", "1.0.0",
        "--to-environment", "production", *extra,
    )  # fmt: skip
    assert "Traceback" not in done.stderr
    return done.returncode, done.stdout


def test_can_i_deploy_says_no_while_unverified_or_failed_and_yes_once_verified(
    broker_url: str,
) -> None:
    publish_and_deploy_provider(broker_url)
    versions = f"the version 1.0.0 of {CONSUMER} and the version 2.0.0 of {PROVIDER}"

    code, unverified = can_i_deploy(broker_url)
    assert code == 1
    assert unverified.startswith("Computer says no")
    assert f"There is no verified pact between {versions}" in unverified
    assert f"{CONSUMER} | 1.0.0     | {PROVIDER} | 2.0.0     | ???" in unverified

    verify(broker_url, "2.0.0", success=False)
    code, failed = can_i_deploy(broker_url)
    assert code == 1
    assert f"The verification for the pact between {versions} failed" in failed
    assert "(failure)" in failed

    verify(broker_url, "2.0.0", success=True)
    code, verified = can_i_deploy(broker_url)
    assert code == 0
    assert verified.startswith("Computer says yes \\o/")
    assert "All required verification results are published and successful" in verified

    code, printed = can_i_deploy(broker_url, "--output", "json")
    assert code == 0
    answer = json.loads(printed)
    assert answer["summary"]["deployable"] is True
    assert answer["matrix"][0]["provider"]["version"]["number"] == "2.0.0"


def test_a_dry_run_exits_0_on_no_and_says_it_is_a_dry_run(broker_url: str) -> None:
    publish_and_deploy_provider(broker_url)

    code, printed = can_i_deploy(broker_url, "--dry-run")

    assert code == 0
    assert printed.startswith("[dry-run] Computer says no")
    assert printed.rstrip().endswith("Dry run: accord exits 0 whatever the answer.")


def test_the_provider_is_blocked_by_an_unverified_deployed_consumer_unless_ignored(
    broker_url: str,
) -> None:
    publish_and_deploy_provider(broker_url)
    ok(broker_url, "record-deployment", "-a", CONSUMER, "-e", "1.0.0",
       "--environment", "production")  # fmt: skip
    ok(broker_url, "create-or-update-version", "-a", PROVIDER, "-e", "3.0.0", "--branch", "main")
    provider = ("can-i-deploy", "-a", PROVIDER, "-e", "3.0.0", "--to-environment", "production")

    blocked = accord(broker_url, *provider)
    assert blocked.returncode == 1
    assert f"{CONSUMER} | 1.0.0     | {PROVIDER} | 3.0.0" in blocked.stdout

    ignored = accord(broker_url, *provider, "--ignore", CONSUMER)
    assert ignored.returncode == 0, ignored.stdout
    assert "[ignored]" in ignored.stdout


def test_can_i_merge_follows_the_head_of_the_provider_main_branch(broker_url: str) -> None:
    publish_and_deploy_provider(broker_url)
    merge = ("can-i-merge", "--pacticipant", CONSUMER, "--version", "1.0.0")

    assert accord(broker_url, *merge).returncode == 1
    verify(broker_url, "2.0.0", success=True)
    merged = accord(broker_url, *merge)
    assert merged.returncode == 0, merged.stdout
    assert merged.stdout.startswith("Computer says yes")

    ok(broker_url, "create-or-update-version", "-a", PROVIDER, "-e", "3.0.0", "--branch", "main")
    moved = accord(broker_url, *merge)
    assert moved.returncode == 1
    assert f"the version 3.0.0 of {PROVIDER}" in moved.stdout


def test_describe_matrix_shows_the_rows_between_two_versions(broker_url: str) -> None:
    publish_and_deploy_provider(broker_url)
    verify(broker_url, "2.0.0", success=True)

    described = ok(broker_url, "describe-matrix", "-a", CONSUMER, "-e", "1.0.0",
                   "-a", PROVIDER, "-e", "2.0.0")  # fmt: skip

    lines = described.splitlines()
    assert lines[0].split(" | ")[:5] == [
        "CONSUMER       ", "C.VERSION", "PROVIDER     ", "P.VERSION", "SUCCESS?",
    ]  # fmt: skip
    assert lines[2].startswith(f"{CONSUMER} | 1.0.0     | {PROVIDER} | 2.0.0     | true")
    assert "Deployable: yes" in lines
    assert "Results: 1 successful, 0 failed, 0 missing, 0 ignored" in lines


def test_an_unknown_pacticipant_is_one_sentence(broker_url: str) -> None:
    refused = accord(broker_url, "can-i-deploy", "-a", "Nobody", "-e", "1", "--to", "prod")

    assert refused.returncode == 1
    assert refused.stdout == ""
    assert refused.stderr == "The broker refused the matrix query: no pacticipant named 'Nobody'.\n"

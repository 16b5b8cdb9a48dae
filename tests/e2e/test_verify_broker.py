"""`accord verify` and the library against a started broker and a real provider app.

A consumer publishes its pact; the verifier fetches it with selectors, verifies the provider,
publishes the result, and the matrix shows it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from clients.cli.__main__ import main
from clients.sdk import BrokerClient
from tests.integration.verifier.conftest import (
    CONSUMER,
    PROVIDER,
    user_pact,
    without_broken,
    write_pact,
)
from tests.support.provider_app import TOKEN, create_app, running_provider
from verifier import BrokerSource, Provider, Publication, Verifier

pytestmark = pytest.mark.e2e


@pytest.fixture
def provider_url() -> Iterator[str]:
    with running_provider(create_app()) as url:
        yield url


def publish(broker_url: str, pact: dict[str, Any], version: str, branch: str = "main") -> None:
    with BrokerClient(broker_url) as broker:
        broker.create_or_update_pacticipant(CONSUMER, main_branch="main")
        broker.publish_contracts(
            CONSUMER, version, [(CONSUMER, PROVIDER, json.dumps(pact).encode())], branch=branch
        )


def matrix_row(broker_url: str, consumer_version: str) -> dict[str, Any]:
    answer = httpx.get(
        f"{broker_url}/matrix",
        params={"q[][pacticipant]": CONSUMER, "q[][version]": consumer_version},
    )
    assert answer.status_code == 200, answer.text
    rows: list[dict[str, Any]] = answer.json()["matrix"]
    (row,) = [r for r in rows if r["provider"]["name"] == PROVIDER]
    return row


def verify_args(broker_url: str, provider_url: str, *extra: str) -> list[str]:
    return [
        "verify",
        "--provider", PROVIDER,
        "--provider-base-url", provider_url,
        "--provider-states-setup-url", f"{provider_url}/_pact/provider-states",
        "--custom-header", f"Authorization: Bearer {TOKEN}",
        "--broker-url", broker_url,
        "--consumer-version-selectors", '{"mainBranch": true}',
        *extra,
    ]  # fmt: skip


def test_accord_verify_fetches_with_selectors_publishes_and_the_matrix_shows_it(
    broker_url: str, provider_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    publish(broker_url, without_broken(user_pact()), "c1")
    code = main(
        verify_args(
            broker_url,
            provider_url,
            "--publish",
            "--provider-app-version", "p1",
            "--provider-version-branch", "main",
            "--provider-version-tag", "ci",
            "--build-url", "https://ci.example.com/builds/9",
        )
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0, out
    assert "Verifying a pact between UserWeb and Users" in out
    assert "[selected: " in out and "main branch" in out
    assert "result published: " in out

    row = matrix_row(broker_url, "c1")
    assert row["provider"]["version"]["number"] == "p1"
    assert row["verificationResult"]["success"] is True
    version = httpx.get(f"{broker_url}/pacticipants/{PROVIDER}/versions/p1").json()
    assert [b["name"] for b in version["_embedded"]["branchVersions"]] == ["main"]
    assert [t["name"] for t in version["_embedded"]["tags"]] == ["ci"]
    stored = httpx.get(row["verificationResult"]["_links"]["self"]["href"]).json()
    assert stored["buildUrl"] == "https://ci.example.com/builds/9"
    assert stored["verifiedBy"]["implementation"] == "Accord"
    assert [r["success"] for r in stored["testResults"]] == [True, True, True]


def test_a_broken_provider_fails_and_the_failure_reaches_the_matrix(
    broker_url: str, provider_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    publish(broker_url, user_pact(), "c2")
    code = main(verify_args(broker_url, provider_url, "--publish", "--provider-app-version", "p2"))
    out = capsys.readouterr().out
    assert code == 1
    assert "1) UserWeb -> Users: a request for the broken resource" in out
    assert '$.body.id: expected an integer but got "seven"' in out

    row = matrix_row(broker_url, "c2")
    assert row["verificationResult"]["success"] is False
    stored = httpx.get(row["verificationResult"]["_links"]["self"]["href"]).json()
    (failed,) = [r for r in stored["testResults"] if not r["success"]]
    assert failed["interactionDescription"] == "a request for the broken resource"
    assert failed["mismatches"] == [
        {
            "attribute": "body",
            "identifier": "$.body.id",
            "description": '$.body.id: expected an integer but got "seven"',
        }
    ]


def test_a_pending_pact_fails_without_failing_the_run(
    broker_url: str, provider_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Never verified on the provider's branch, the pact is pending: reported, exit 0."""
    publish(broker_url, user_pact(), "c3")
    code = main(
        verify_args(
            broker_url,
            provider_url,
            "--enable-pending",
            "--provider-version-branch", "main",
            "--publish",
            "--provider-app-version", "p3",
        )
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0, out
    assert "[pending: failures do not fail the run]" in out
    assert "FAILED (pending: does not fail the run)" in out
    assert matrix_row(broker_url, "c3")["verificationResult"]["success"] is False


def test_the_library_verifies_broker_pacts_selected_by_branch(
    broker_url: str, provider_url: str
) -> None:
    publish(broker_url, without_broken(user_pact()), "c4", branch="feature")
    publish(broker_url, user_pact(), "c5", branch="main")
    provider = Provider(
        name=PROVIDER,
        base_url=provider_url,
        state_change_url=f"{provider_url}/_pact/provider-states",
        custom_headers={"Authorization": f"Bearer {TOKEN}"},
    )
    source = BrokerSource(url=broker_url, selectors=[{"branch": "feature"}])
    result = Verifier(provider).verify_sync(
        [source], publication=Publication(provider_version="p4")
    )
    (pact,) = result.pacts
    assert result.is_success
    assert len(pact.interactions) == 3
    assert pact.published is not None
    assert matrix_row(broker_url, "c4")["verificationResult"]["success"] is True


def test_a_pact_url_from_the_broker_is_verified_and_published(
    broker_url: str, provider_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    publish(broker_url, without_broken(user_pact()), "c6")
    pact_url = f"{broker_url}/pacts/provider/{PROVIDER}/consumer/{CONSUMER}/version/c6"
    local = write_pact(tmp_path, without_broken(user_pact()))
    code = main(
        [
            "verify", pact_url, str(local),
            "--provider", PROVIDER,
            "--provider-base-url", provider_url,
            "--provider-states-setup-url", f"{provider_url}/_pact/provider-states",
            "--custom-header", f"Authorization: Bearer {TOKEN}",
            "--publish", "--provider-app-version", "p6",
            "--output", "json",
        ]
    )  # fmt: skip
    report = json.loads(capsys.readouterr().out)
    assert code == 0
    assert report["success"] is True
    assert [pact["source"] for pact in report["pacts"]] == [pact_url, str(local)]
    assert report["pacts"][0]["published"] is not None
    assert report["pacts"][1]["published"] is None
    assert matrix_row(broker_url, "c6")["verificationResult"]["success"] is True


def test_an_unreachable_broker_is_one_sentence_and_exit_1(
    provider_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(verify_args("http://127.0.0.1:9", provider_url))
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith(f"The pacts for verification of {PROVIDER!r} could not be fetched: ")
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_wip_pacts_are_verified_and_their_failures_do_not_fail_the_run(
    broker_url: str, provider_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    publish(broker_url, without_broken(user_pact()), "c7", branch="main")
    publish(broker_url, user_pact(), "c8", branch="feature-x")
    code = main(
        verify_args(
            broker_url,
            provider_url,
            "--enable-pending",
            "--include-wip-pacts-since", "2020-01-01",
            "--provider-version-branch", "main",
            "--output", "json",
        )
    )  # fmt: skip
    report = json.loads(capsys.readouterr().out)
    assert code == 0, report["summary"]
    assert [(p["isWip"], p["success"]) for p in report["pacts"]] == [(False, True), (True, False)]
    assert report["success"] is True


def test_a_result_the_broker_refuses_is_reported_and_fails_the_run(
    broker_url: str, provider_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    publish(broker_url, without_broken(user_pact()), "c9")
    code = main(verify_args(broker_url, provider_url, "--publish", "--provider-app-version", " "))
    out = capsys.readouterr().out
    assert code == 1
    assert "3 passed; verification passed." in out
    assert (
        "  result NOT published: The verification result of the pact between UserWeb and Users "
        "could not be published: " in out
    )

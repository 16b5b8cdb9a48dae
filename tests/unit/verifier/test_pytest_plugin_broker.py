"""The pytest plugin against the real broker: selectors, pending pacts as xfail, publishing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from clients.sdk import BrokerClient
from tests.integration.verifier.conftest import CONSUMER, PROVIDER, user_pact, without_broken
from tests.integration.verifier.test_openapi_checks import broker_on_free_port
from tests.support.provider_app import TOKEN, create_app, running_provider
from tests.unit.verifier.test_pytest_plugin import QUIET, child_pythonpath, run_pytest

pytest_plugins = ["pytester"]
__all__ = ["child_pythonpath"]  # an autouse fixture, used by being here


@pytest.fixture
def broker_url(tmp_path: Path) -> Iterator[str]:
    with broker_on_free_port(tmp_path) as url:
        yield url


@pytest.fixture
def provider_url() -> Iterator[str]:
    with running_provider(create_app()) as url:
        yield url


def publish(broker_url: str, pact: dict[str, Any], version: str) -> None:
    with BrokerClient(broker_url) as broker:
        broker.create_or_update_pacticipant(CONSUMER, main_branch="main")
        broker.publish_contracts(
            CONSUMER, version, [(CONSUMER, PROVIDER, json.dumps(pact).encode())], branch="main"
        )


def verification_of(broker_url: str, consumer_version: str) -> dict[str, Any] | None:
    answer = httpx.get(
        f"{broker_url}/matrix",
        params={"q[][pacticipant]": CONSUMER, "q[][version]": consumer_version},
    )
    assert answer.status_code == 200, answer.text
    rows = answer.json()["matrix"]
    found: dict[str, Any] | None = rows[0].get("verificationResult") if rows else None
    return found


def run(pytester: pytest.Pytester, broker_url: str, provider_url: str, *extra: str) -> Any:
    return run_pytest(pytester,
        "--accord-broker-url", broker_url,
        "--accord-provider", PROVIDER,
        "--accord-consumer-version-selectors", '{"mainBranch": true}',
        "--accord-provider-url", provider_url,
        "--accord-provider-states-setup-url", f"{provider_url}/_pact/provider-states",
        "--accord-custom-header", f"Authorization: Bearer {TOKEN}",
        *QUIET,
        *extra,
    )  # fmt: skip


def test_broker_pacts_are_verified_and_the_result_is_published(
    pytester: pytest.Pytester, broker_url: str, provider_url: str
) -> None:
    publish(broker_url, without_broken(user_pact()), "c1")
    result = run(
        pytester, broker_url, provider_url,
        "--accord-publish", "--accord-provider-version", "p1", "--accord-provider-branch", "main",
    )  # fmt: skip

    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(["*= accord =*", "Published the verification result: http*"])
    verification = verification_of(broker_url, "c1")
    assert verification is not None and verification["success"] is True


def test_a_pending_pact_fails_as_xfail_and_its_failure_is_published(
    pytester: pytest.Pytester, broker_url: str, provider_url: str
) -> None:
    publish(broker_url, user_pact(), "c2")
    result = run(
        pytester, broker_url, provider_url,
        "--accord-enable-pending", "--accord-publish",
        "--accord-provider-version", "p2", "--accord-provider-branch", "main",
    )  # fmt: skip

    result.assert_outcomes(passed=3, xfailed=1)
    assert result.ret == pytest.ExitCode.OK
    verification = verification_of(broker_url, "c2")
    assert verification is not None and verification["success"] is False


def test_trust_01_a_message_nothing_produces_fails_and_publishes_success_false(
    pytester: pytest.Pytester, broker_url: str, provider_url: str
) -> None:
    pact = without_broken(user_pact())
    event = {"description": "a user created event", "contents": {"id": 7}}
    publish(broker_url, {**pact, "messages": [event]}, "c5")
    result = run(
        pytester, broker_url, provider_url,
        "--accord-publish", "--accord-provider-version", "p5",
    )  # fmt: skip

    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(["*: a user created event: NOT VERIFIED"])
    verification = verification_of(broker_url, "c5")
    assert verification is not None and verification["success"] is False
    stored = httpx.get(verification["_links"]["self"]["href"]).json()
    (unverified,) = [item for item in stored["testResults"] if not item["success"]]
    assert unverified["interactionDescription"] == "a user created event"
    assert unverified["skipped"] is True


def test_results_are_not_published_when_some_interactions_did_not_run(
    pytester: pytest.Pytester, broker_url: str, provider_url: str
) -> None:
    publish(broker_url, without_broken(user_pact()), "c3")
    result = run(
        pytester, broker_url, provider_url,
        "-k", "missing", "--accord-publish", "--accord-provider-version", "p3",
    )  # fmt: skip

    result.assert_outcomes(passed=1, deselected=2)
    result.stdout.fnmatch_lines(
        [
            "collected 3 items / 2 deselected / 1 selected",
            "*was not published: not every interaction ran (deselected, or stopped before*",
        ]
    )
    assert verification_of(broker_url, "c3") is None


def test_trust_01_pact_ffis_filter_variables_narrow_the_run_which_publishes_nothing(
    pytester: pytest.Pytester,
    broker_url: str,
    provider_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    publish(broker_url, without_broken(user_pact()), "c6")
    monkeypatch.setenv("PACT_DESCRIPTION", "missing user$")
    result = run(
        pytester, broker_url, provider_url,
        "--accord-publish", "--accord-provider-version", "p6",
    )  # fmt: skip

    result.assert_outcomes(passed=1, deselected=2)
    result.stdout.fnmatch_lines(["*was not published: not every interaction ran*"])
    assert verification_of(broker_url, "c6") is None


def test_publishing_needs_a_provider_version(pytester: pytest.Pytester) -> None:
    result = run_pytest(pytester,
        "--accord-broker-url", "http://127.0.0.1:9", "--accord-provider", PROVIDER,
        "--accord-publish", *QUIET,
    )  # fmt: skip
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: --accord-publish needs --accord-provider-version."])


def test_the_openapi_document_may_come_from_the_broker(
    pytester: pytest.Pytester, broker_url: str, provider_url: str
) -> None:
    from tests.integration.verifier.test_openapi_checks import document

    publish(broker_url, without_broken(user_pact()), "c4")
    with BrokerClient(broker_url) as broker:
        content = json.dumps(document()).encode()
        broker.publish_provider_contract(PROVIDER, "p4", content, content_type="application/json")
    result = run(pytester, broker_url, provider_url, "--accord-openapi-provider-version", "p4")

    result.assert_outcomes(failed=3)
    result.stdout.fnmatch_lines(["  openapi: body", "    $.body: 'createdAt' is a required*"])

"""The gate never says yes without evidence: `accord verify` (a subprocess) against a started
broker and a real provider, with a pact whose message interaction nothing produces."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from clients.sdk import BrokerClient
from tests.e2e.accord_cli import run_accord
from tests.e2e.test_verify_broker import verify_args
from tests.integration.verifier.conftest import CONSUMER, PROVIDER
from tests.support.provider_app import create_app, running_provider

pytestmark = pytest.mark.e2e

PUBLISH_P1 = ("--publish", "--provider-app-version", "p1")

MIXED_PACT: dict[str, Any] = {
    "consumer": {"name": CONSUMER},
    "provider": {"name": PROVIDER},
    "interactions": [
        {
            "type": "Synchronous/HTTP",
            "description": "a request for a missing user",
            "providerStates": [{"name": "a user does not exist", "params": {"id": 5}}],
            "request": {"method": "GET", "path": "/users/5"},
            "response": {"status": 404},
        },
        {
            "type": "Asynchronous/Messages",
            "description": "a user created event",
            "contents": {"content": {"id": 7}, "contentType": "application/json"},
        },
    ],
    "metadata": {"pactSpecification": {"version": "4.0"}},
}


@pytest.fixture
def provider_url() -> Iterator[str]:
    with running_provider(create_app()) as url:
        yield url


def accord(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return run_accord(list(args), dict(os.environ) if env is None else env)


def latest_verification(broker_url: str) -> dict[str, Any] | None:
    pact = httpx.get(f"{broker_url}/pacts/provider/{PROVIDER}/consumer/{CONSUMER}/latest")
    assert pact.status_code == 200, pact.text
    link = pact.json()["_links"]["pb:latest-verification-results"]["href"]
    answer = httpx.get(link)
    if answer.status_code == 404:
        return None
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


def test_trust_01_a_message_nothing_produces_fails_the_run_and_the_published_result(
    broker_url: str, provider_url: str
) -> None:
    with BrokerClient(broker_url) as broker:
        broker.create_or_update_pacticipant(CONSUMER, main_branch="main")
        broker.publish_contracts(
            CONSUMER, "c1", [(CONSUMER, PROVIDER, json.dumps(MIXED_PACT).encode())], branch="main"
        )

    done = accord(*verify_args(broker_url, provider_url, *PUBLISH_P1))

    assert done.returncode == 1, done.stdout + done.stderr
    assert "a request for a missing user given a user does not exist ... passed" in done.stdout
    assert "a user created event ... NOT VERIFIED" in done.stdout
    assert "No message producer makes 'a user created event'" in done.stdout
    assert "1 passed, 1 not verified; verification FAILED." in done.stdout
    assert done.stderr == ""
    verification = latest_verification(broker_url)
    assert verification is not None
    assert verification["success"] is False
    assert verification["providerApplicationVersion"] == "p1"
    passed, skipped = verification["testResults"]
    assert (passed["interactionDescription"], passed["success"]) == (
        "a request for a missing user",
        True,
    )
    assert (skipped["interactionDescription"], skipped["success"]) == (
        "a user created event",
        False,
    )
    assert skipped["skipped"] is True
    assert skipped["exceptions"][0]["message"].startswith(
        "Not verified: no message producer makes 'a user created event'"
    )


def test_trust_01_a_narrowed_run_verifies_but_publishes_nothing(
    broker_url: str, provider_url: str
) -> None:
    """PACT_DESCRIPTION selects the HTTP interaction: it passes, exit 0, no result published."""
    with BrokerClient(broker_url) as broker:
        broker.create_or_update_pacticipant(CONSUMER, main_branch="main")
        broker.publish_contracts(
            CONSUMER, "c1", [(CONSUMER, PROVIDER, json.dumps(MIXED_PACT).encode())], branch="main"
        )
    env = {**os.environ, "PACT_DESCRIPTION": "missing user"}

    done = accord(*verify_args(broker_url, provider_url, *PUBLISH_P1), env=env)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "a user created event" not in done.stdout
    assert (
        "The verification results were not published: the run was narrowed to interactions "
        "with description matching 'missing user', and only a whole pact's result counts."
    ) in done.stdout
    assert "1 interactions in 1 pacts: 1 passed; verification passed." in done.stdout
    assert latest_verification(broker_url) is None

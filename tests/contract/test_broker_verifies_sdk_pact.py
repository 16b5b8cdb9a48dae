"""Provider side: our verifier replays the SDK's pact against a real broker.

Each provider state is set up through the broker's API (`broker_states.py`). A field the SDK
reads that the broker renamed or dropped fails an interaction here.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.contract.broker_states import BrokerStates
from tests.contract.sdk_pact import PROVIDER, Answers
from verifier import PactFile, Provider, VerificationResult, Verifier, render_text


async def verify(pact: Path, broker_url: str) -> VerificationResult:
    provider = Provider(name=PROVIDER, base_url=broker_url, state_handler=BrokerStates(broker_url))
    # One after another: the states share the broker's data (Orders 1.2.0 and its pact).
    return await Verifier(provider, sequential=True, require_provider_states=True).verify(
        [PactFile(str(pact))]
    )


async def test_the_broker_honours_every_interaction_the_sdk_recorded(
    sdk_pact: tuple[Path, Answers], broker_url: str
) -> None:
    pact, _ = sdk_pact
    result = await verify(pact, broker_url)
    assert result.is_success, render_text(result)
    (verified,) = result.pacts
    assert len(verified.interactions) == 6
    assert {item.status for item in verified.interactions} == {"passed"}


async def test_a_field_the_sdk_reads_missing_from_the_broker_fails_verification(
    sdk_pact: tuple[Path, Answers], broker_url: str, tmp_path: Path
) -> None:
    """The pact expects `currentlyDeployd`: the broker's `currentlyDeployed` does not match."""
    pact, _ = sdk_pact
    document = json.loads(pact.read_text())
    (deployment,) = [
        item
        for item in document["interactions"]
        if item["description"] == "a request to record a deployment"
    ]
    body = deployment["response"]["body"]["content"]
    body["currentlyDeployd"] = body.pop("currentlyDeployed")
    renamed = tmp_path / "renamed" / pact.name
    renamed.parent.mkdir()
    renamed.write_text(json.dumps(document))

    result = await verify(renamed, broker_url)
    assert not result.is_success
    (failed,) = [item for item in result.pacts[0].interactions if item.status != "passed"]
    assert failed.description == "a request to record a deployment"
    assert [finding.path for finding in failed.findings] == ["$.body.currentlyDeployd"]

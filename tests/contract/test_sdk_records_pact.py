"""Consumer side: the SDK, run against pact-python's mock server, records a V4 pact.

The mock server answers only the requests the pact declares and fails the recording on any
other, so a change in what the SDK sends (a path, a query, a body member) fails here; what the
SDK then read from the answers shows it understood them.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.contract.sdk_pact import (
    CONSUMER,
    ENVIRONMENT,
    INVENTORY,
    ORDERS,
    ORDERS_VERSION,
    PROVIDER,
    Answers,
)


def test_the_pact_is_v4_between_the_sdk_and_the_broker(sdk_pact: tuple[Path, Answers]) -> None:
    pact, _ = sdk_pact
    document = json.loads(pact.read_text())
    assert document["consumer"] == {"name": CONSUMER}
    assert document["provider"] == {"name": PROVIDER}
    assert document["metadata"]["pactSpecification"]["version"] == "4.0"
    assert sorted(item["description"] for item in document["interactions"]) == [
        "a can-i-deploy question for a version and an environment",
        "a request for a pacticipant",
        "a request for a version",
        "a request for the index",
        "a request to publish a consumer version's pacts",
        "a request to record a deployment",
    ]


def test_every_interaction_but_the_index_names_the_data_it_needs(
    sdk_pact: tuple[Path, Answers],
) -> None:
    pact, _ = sdk_pact
    document = json.loads(pact.read_text())
    states = {
        item["description"]: [state["name"] for state in item.get("providerStates", [])]
        for item in document["interactions"]
    }
    assert states == {
        "a can-i-deploy question for a version and an environment": [
            "a pact verified by a provider version deployed to an environment"
        ],
        "a request for a pacticipant": ["a pacticipant exists"],
        "a request for a version": ["a version and an environment exist"],
        "a request for the index": [],
        "a request to publish a consumer version's pacts": [],
        "a request to record a deployment": ["a version and an environment exist"],
    }


def test_links_are_matched_by_pattern_and_served_from_the_mock_server(
    sdk_pact: tuple[Path, Answers],
) -> None:
    """Every href is a regex rule with a MockServerURL generator, never an exact URL."""
    pact, _ = sdk_pact
    document = json.loads(pact.read_text())
    (index,) = [
        i for i in document["interactions"] if i["description"] == "a request for the index"
    ]
    rules = index["response"]["matchingRules"]["body"]
    generators = index["response"]["generators"]["body"]
    hrefs = [
        f"$._links['{relation}'].href"
        for relation in index["response"]["body"]["content"]["_links"]
    ]
    assert hrefs
    for href in hrefs:
        assert rules[href]["matchers"][0]["match"] == "regex"
        assert generators[href]["type"] == "MockServerURL"


def test_the_sdk_read_each_answer(sdk_pact: tuple[Path, Answers]) -> None:
    _, answers = sdk_pact
    assert answers.pacticipant.name == ORDERS
    assert answers.pacticipant.main_branch == "main"
    assert answers.published.embedded.version is not None
    assert answers.published.embedded.version.number == ORDERS_VERSION
    assert answers.published.notices
    assert answers.matrix.summary.deployable is True
    (row,) = answers.matrix.rows
    assert (row.consumer.name, row.provider.name) == (ORDERS, INVENTORY)
    assert row.verification_result is not None and row.verification_result.success
    assert answers.deployment.currently_deployed
    assert answers.deployment.embedded.environment is not None
    assert answers.deployment.embedded.environment.name == ENVIRONMENT

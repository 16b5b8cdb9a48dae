"""The template variables of each webhook event (pure rules, no storage)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from broker.domain.governance import Affected, Approval, ChangeRequest, Kind, Requirement, Status
from broker.domain.webhook_variables import (
    ACCORD_VARIABLES,
    PACTBROKER_VARIABLES,
    ContractChangeFacts,
    PactFacts,
    ResultFacts,
    VersionFacts,
    change_request_variables,
    pactbroker_variables,
    provider_contract_variables,
)
from broker.domain.webhooks import (
    ACCORD_EVENTS,
    CHANGE_REQUEST_OPENED,
    CHANGE_REQUEST_REJECTED,
    CONTRACT_CONTENT_CHANGED,
    CONTRACT_PUBLISHED,
    CONTRACT_REQUIRING_VERIFICATION_PUBLISHED,
    PACT_BROKER_EVENTS,
    PROVIDER_CONTRACT_CHANGED,
    PROVIDER_CONTRACT_PUBLISHED,
    PROVIDER_VERIFICATION_FAILED,
    PROVIDER_VERIFICATION_PUBLISHED,
    PROVIDER_VERIFICATION_SUCCEEDED,
    WebhookRequest,
    render,
)
from broker.services.webhook_triggers import change_request_facts

CONSUMER_VERSION = VersionFacts(
    number="abc123", branch="feat/x", tags=("dev", "beta"), build_url="https://ci/web/7"
)
PROVIDER_VERSION = VersionFacts(number="p1", branch="main", tags=("prod",), build_url="https://p")
RESULT = ResultFacts(url="https://b/vr/3", success=False, build_url="https://ci/orders/3")
FACTS = PactFacts(
    consumer="Web",
    provider="Orders",
    consumer_labels=("frontend", "team-a"),
    provider_labels=("payments",),
    pact_url="https://b/pacts/provider/Orders/consumer/Web/pact-version/s/metadata/m",
    consumer_version=CONSUMER_VERSION,
    provider_version=PROVIDER_VERSION,
    provider_version_descriptions=("latest from main branch", "deployed in test"),
    result=RESULT,
    deployed_provider_versions=("p0", "p1"),
)


def short(values: dict[str, str]) -> dict[str, str]:
    return {k.split(".", 1)[1]: v for k, v in values.items() if k.startswith("pactbroker.")}


@pytest.mark.parametrize("event", PACT_BROKER_EVENTS)
def test_every_pact_broker_variable_is_present_for_every_pact_broker_event(event: str) -> None:
    values = short(pactbroker_variables(event, FACTS))
    assert tuple(values) == PACTBROKER_VARIABLES
    assert values["eventName"] == event
    assert values["consumerName"] == "Web"
    assert values["providerName"] == "Orders"
    assert values["pactUrl"] == FACTS.pact_url
    assert values["consumerVersionNumber"] == "abc123"
    assert values["consumerVersionTags"] == "dev, beta"
    assert values["consumerVersionBranch"] == "feat/x"
    assert values["providerVersionNumber"] == "p1"
    assert values["providerVersionTags"] == "prod"
    assert values["providerVersionBranch"] == "main"
    assert values["consumerLabels"] == "frontend, team-a"
    assert values["providerLabels"] == "payments"
    assert values["currentlyDeployedProviderVersionNumber"] == "p0, p1"
    assert values["verificationResultUrl"] == "https://b/vr/3"


@pytest.mark.parametrize(
    ("event", "build_url"),
    [
        (CONTRACT_PUBLISHED, "https://ci/web/7"),
        (CONTRACT_CONTENT_CHANGED, "https://ci/web/7"),
        (CONTRACT_REQUIRING_VERIFICATION_PUBLISHED, "https://ci/web/7"),
        (PROVIDER_VERIFICATION_PUBLISHED, "https://ci/orders/3"),
        (PROVIDER_VERIFICATION_SUCCEEDED, "https://ci/orders/3"),
        (PROVIDER_VERIFICATION_FAILED, "https://ci/orders/3"),
    ],
)
def test_the_build_url_is_the_consumers_for_contracts_and_the_verifications_for_results(
    event: str, build_url: str
) -> None:
    assert pactbroker_variables(event, FACTS)["pactbroker.buildUrl"] == build_url


def test_provider_version_descriptions_belong_to_requiring_verification_only() -> None:
    required = pactbroker_variables(CONTRACT_REQUIRING_VERIFICATION_PUBLISHED, FACTS)
    assert required["pactbroker.providerVersionDescriptions"] == (
        "latest from main branch, deployed in test"
    )
    published = pactbroker_variables(CONTRACT_PUBLISHED, FACTS)
    assert published["pactbroker.providerVersionDescriptions"] == ""


@pytest.mark.parametrize(
    ("result", "words"),
    [
        (RESULT, ("failure", "FAILED", "failed", "failed")),
        (
            ResultFacts(url="u", success=True),
            ("success", "SUCCESSFUL", "succeeded", "success"),
        ),
        (None, ("pending", "INPROGRESS", "pending", "pending")),
    ],
)
def test_commit_statuses_use_each_services_words(
    result: ResultFacts | None, words: tuple[str, ...]
) -> None:
    values = short(
        pactbroker_variables(
            CONTRACT_PUBLISHED, PactFacts(consumer="W", provider="O", result=result)
        )
    )
    assert (
        values["githubVerificationStatus"],
        values["bitbucketVerificationStatus"],
        values["azureDevOpsVerificationStatus"],
        values["gitlabVerificationStatus"],
    ) == words


def test_a_pact_without_result_or_versions_leaves_those_variables_empty() -> None:
    values = short(pactbroker_variables(CONTRACT_PUBLISHED, PactFacts(consumer="W", provider="O")))
    for name in (
        "pactUrl",
        "verificationResultUrl",
        "consumerVersionNumber",
        "providerVersionNumber",
        "consumerVersionBranch",
        "buildUrl",
        "currentlyDeployedProviderVersionNumber",
    ):
        assert values[name] == "", name


def request(**changes: object) -> ChangeRequest:
    fields: dict[str, object] = {
        "id": 7,
        "kind": Kind.PACT,
        "pacticipant": "Web",
        "provider": "Orders",
        "content_sha": "f00d",
        "base_sha": None,
        "author": "token:3",
        "status": Status.OPEN,
        "requirements": (Requirement(name="Orders", teams=("orders-team", "ops"), needed=1),),
        "affected": (Affected(pacticipant="Orders", interactions=("a", "b")),),
        "created_at": datetime(2026, 1, 1, tzinfo=UTC),
        "versions": ("1",),
    }
    fields.update(changes)
    return ChangeRequest(**fields)  # type: ignore[arg-type]


def test_an_opened_change_request_names_what_it_awaits_and_touches() -> None:
    facts = change_request_facts(request(), supersedes=[request(id=5)])
    values = change_request_variables(CHANGE_REQUEST_OPENED, facts, FACTS)
    assert tuple(k.removeprefix("accord.") for k in values if k.startswith("accord.")) == (
        ACCORD_VARIABLES
    )
    assert values["accord.eventName"] == CHANGE_REQUEST_OPENED
    assert values["accord.changeRequestId"] == "7"
    assert values["accord.changeRequestUrl"].endswith("/change-requests/7")
    assert values["accord.changeRequestStatus"] == "open"
    assert values["accord.changeRequestKind"] == "pact"
    assert values["accord.changeRequestSubject"] == "the pact of Web with Orders"
    assert values["accord.awaitingTeams"] == "orders-team, ops"
    assert values["accord.affectedInteractions"] == "a, b"
    assert values["accord.affectedPacticipants"] == "Orders"
    assert values["accord.supersedes"] == "5"
    assert values["accord.rejectionReason"] == ""
    assert values["pactbroker.consumerName"] == "Web"
    assert values["pactbroker.eventName"] == CHANGE_REQUEST_OPENED


def test_a_rejected_change_request_says_who_and_why_and_awaits_no_one() -> None:
    decided = request(
        status=Status.REJECTED,
        decided_by="user:bob",
        rejection_reason="breaks us",
        approvals=(
            Approval(approver="user:ann", teams=("ops",), at=datetime(2026, 1, 2, tzinfo=UTC)),
        ),
        affected=(
            Affected(pacticipant="Web", interactions=("a",)),
            Affected(pacticipant="Mobile", interactions=("b", "c")),
        ),
    )
    values = change_request_variables(CHANGE_REQUEST_REJECTED, change_request_facts(decided), FACTS)
    assert values["accord.changeRequestStatus"] == "rejected"
    assert values["accord.decidedBy"] == "user:bob"
    assert values["accord.rejectionReason"] == "breaks us"
    assert values["accord.approvedBy"] == "user:ann"
    assert values["accord.awaitingTeams"] == ""
    assert values["accord.affectedInteractions"] == "Web: a; Mobile: b, c"


def test_a_changed_provider_contract_lists_one_line_per_change_touching_the_consumer() -> None:
    values = provider_contract_variables(
        PROVIDER_CONTRACT_CHANGED,
        PactFacts(consumer="Web", provider="Orders", provider_version=PROVIDER_VERSION),
        contract_url="https://b/provider-contracts/provider/Orders/version/p1",
        content_sha="cafe",
        changes=[
            ContractChangeFacts(
                level="ERR", id="api-path-removed", operation="GET /a", text="gone"
            ),
            ContractChangeFacts(level="INFO", id="api-doc-changed", operation="", text="docs"),
        ],
        affected_interactions=["get a"],
    )
    assert (
        values["accord.changes"]
        == "ERR api-path-removed (GET /a): gone\nINFO api-doc-changed: docs"
    )
    assert values["accord.affectedInteractions"] == "get a"
    assert values["accord.affectedPacticipants"] == "Web"
    assert values["accord.providerContractUrl"].endswith("/version/p1")
    assert values["accord.changeRequestId"] == ""
    assert values["pactbroker.providerVersionNumber"] == "p1"
    assert values["pactbroker.consumerName"] == "Web"


def test_a_published_provider_contract_names_the_change_request_it_opened() -> None:
    values = provider_contract_variables(
        PROVIDER_CONTRACT_PUBLISHED,
        PactFacts(consumer="", provider="Orders"),
        contract_url="u",
        content_sha="cafe",
        change_request=change_request_facts(request(kind=Kind.PROVIDER_CONTRACT, provider=None)),
    )
    assert values["accord.changeRequestId"] == "7"
    assert values["accord.awaitingTeams"] == "orders-team, ops"
    assert values["accord.changes"] == ""
    assert values["accord.eventName"] == PROVIDER_CONTRACT_PUBLISHED


def test_variables_render_url_encoded_in_the_url_and_raw_in_the_body() -> None:
    values = pactbroker_variables(CONTRACT_PUBLISHED, FACTS)
    rendered = render(
        WebhookRequest(
            method="POST",
            url="https://ci.example/build?branch=${pactbroker.consumerVersionBranch}",
            body={"tags": "${pactbroker.consumerVersionTags}"},
        ),
        values,
        (),
    )
    assert rendered.url == "https://ci.example/build?branch=feat%2Fx"
    assert rendered.body == b'{"tags":"dev, beta"}'


def test_every_event_has_a_documented_set() -> None:
    """Accord's events carry both families; the Pact Broker's carry its own only."""
    for event in ACCORD_EVENTS:
        if event.startswith("change_request"):
            values = change_request_variables(event, change_request_facts(request()), FACTS)
        else:
            values = provider_contract_variables(
                event, PactFacts(consumer="", provider="O"), contract_url="u", content_sha="s"
            )
        assert {k for k in values if k.startswith("accord.")} == {
            f"accord.{name}" for name in ACCORD_VARIABLES
        }
        assert {k for k in values if k.startswith("pactbroker.")} == {
            f"pactbroker.{name}" for name in PACTBROKER_VARIABLES
        }

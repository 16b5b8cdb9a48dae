"""The template variables of each webhook event, from the facts of the moment it happened.

The Pact Broker's (`${pactbroker.*}`, pact-broker-api §13.3) keep its names and meanings, so a
webhook written for it works unchanged; Accord's own (`${accord.*}`) describe governance and
provider contracts. Every variable of an event is present, empty when it does not apply (the
Pact Broker renders a missing value as ""). Pure: the services gather the facts
(`broker.services.webhook_events`) and store the result with the event.
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from broker.domain.webhooks import (
    CHANGE_REQUEST_APPROVED,
    CHANGE_REQUEST_OPENED,
    CHANGE_REQUEST_REJECTED,
    CHANGE_REQUEST_SUPERSEDED,
    CONTRACT_REQUIRING_VERIFICATION_PUBLISHED,
    PROVIDER_CONTRACT_CHANGED,
    PROVIDER_CONTRACT_PUBLISHED,
    PROVIDER_VERIFICATION_FAILED,
    PROVIDER_VERIFICATION_PUBLISHED,
    PROVIDER_VERIFICATION_SUCCEEDED,
)

PACTBROKER_VARIABLES = (
    "pactUrl",
    "verificationResultUrl",
    "consumerName",
    "providerName",
    "consumerVersionNumber",
    "providerVersionNumber",
    "consumerVersionTags",
    "consumerVersionBranch",
    "providerVersionTags",
    "providerVersionBranch",
    "providerVersionDescriptions",
    "consumerLabels",
    "providerLabels",
    "githubVerificationStatus",
    "bitbucketVerificationStatus",
    "azureDevOpsVerificationStatus",
    "gitlabVerificationStatus",
    "eventName",
    "buildUrl",
    "currentlyDeployedProviderVersionNumber",
)

ACCORD_VARIABLES = (
    "eventName",
    "changeRequestId",
    "changeRequestUrl",
    "changeRequestStatus",
    "changeRequestKind",
    "changeRequestSubject",
    "author",
    "awaitingTeams",
    "approvedBy",
    "decidedBy",
    "rejectionReason",
    "overrideReason",
    "supersededBy",
    "supersedes",
    "contentSha",
    "affectedPacticipants",
    "affectedInteractions",
    "changes",
    "providerContractUrl",
)

# What each verification status is called by the commit-status APIs (Pact Broker names).
_STATUS_WORDS = {
    "githubVerificationStatus": ("success", "failure", "pending"),
    "bitbucketVerificationStatus": ("SUCCESSFUL", "FAILED", "INPROGRESS"),
    "azureDevOpsVerificationStatus": ("succeeded", "failed", "pending"),
    "gitlabVerificationStatus": ("success", "failed", "pending"),
}

_VERIFICATION_EVENTS = (
    PROVIDER_VERIFICATION_PUBLISHED,
    PROVIDER_VERIFICATION_SUCCEEDED,
    PROVIDER_VERIFICATION_FAILED,
)


class VersionFacts(msgspec.Struct, frozen=True, kw_only=True):
    """A pacticipant version as the variables show it."""

    number: str
    branch: str | None = None
    tags: tuple[str, ...] = ()
    build_url: str | None = None


class ResultFacts(msgspec.Struct, frozen=True, kw_only=True):
    """A verification result: its URL, outcome and the build that published it."""

    url: str
    success: bool
    build_url: str | None = None


class PactFacts(msgspec.Struct, frozen=True, kw_only=True):
    """What the Pact Broker's variables are made of, for one event about one pact.

    `consumer_version` is the consumer version the event is for; `provider_version` the provider
    version of `result` (or, for `contract_requiring_verification_published`, the one that must
    verify); `result` a verification result (the one published, or the content's latest).
    """

    consumer: str
    provider: str
    consumer_labels: tuple[str, ...] = ()
    provider_labels: tuple[str, ...] = ()
    pact_url: str = ""
    consumer_version: VersionFacts | None = None
    provider_version: VersionFacts | None = None
    provider_version_descriptions: tuple[str, ...] = ()
    result: ResultFacts | None = None
    deployed_provider_versions: tuple[str, ...] = ()


def _listed(values: Sequence[str]) -> str:
    return ", ".join(values)


def pactbroker_variables(event: str, facts: PactFacts) -> dict[str, str]:
    """Every `pactbroker.*` variable of an event, keyed `pactbroker.name`.

    `buildUrl` is the consumer version's build for contract events and the verification's
    build for verification events, as in the Pact Broker. The four commit statuses come from
    the result: success, failure, or pending when there is none yet.
    """
    consumer_version = facts.consumer_version or VersionFacts(number="")
    provider_version = facts.provider_version or VersionFacts(number="")
    result = facts.result
    if event in _VERIFICATION_EVENTS:
        build_url = result.build_url if result is not None else None
    else:
        build_url = consumer_version.build_url
    position = 2 if result is None else 0 if result.success else 1
    values = {
        "pactUrl": facts.pact_url,
        "verificationResultUrl": "" if result is None else result.url,
        "consumerName": facts.consumer,
        "providerName": facts.provider,
        "consumerVersionNumber": consumer_version.number,
        "providerVersionNumber": provider_version.number,
        "consumerVersionTags": _listed(consumer_version.tags),
        "consumerVersionBranch": consumer_version.branch or "",
        "providerVersionTags": _listed(provider_version.tags),
        "providerVersionBranch": provider_version.branch or "",
        "providerVersionDescriptions": (
            _listed(facts.provider_version_descriptions)
            if event == CONTRACT_REQUIRING_VERIFICATION_PUBLISHED
            else ""
        ),
        "consumerLabels": _listed(facts.consumer_labels),
        "providerLabels": _listed(facts.provider_labels),
        **{name: words[position] for name, words in _STATUS_WORDS.items()},
        "eventName": event,
        "buildUrl": build_url or "",
        "currentlyDeployedProviderVersionNumber": _listed(facts.deployed_provider_versions),
    }
    return {f"pactbroker.{name}": value for name, value in values.items()}


class ChangeRequestFacts(msgspec.Struct, frozen=True, kw_only=True):
    """A change request as its events describe it.

    `affected` maps each pacticipant on the other side of the change to its touched
    interactions.
    """

    id: int
    url: str
    status: str
    kind: str
    subject: str
    author: str
    content_sha: str
    awaiting_teams: tuple[str, ...] = ()
    approved_by: tuple[str, ...] = ()
    decided_by: str | None = None
    rejection_reason: str | None = None
    override_reason: str | None = None
    superseded_by: int | None = None
    supersedes: tuple[int, ...] = ()
    affected: tuple[tuple[str, tuple[str, ...]], ...] = ()


class ContractChangeFacts(msgspec.Struct, frozen=True, kw_only=True):
    """One change of a provider contract, as a consumer's event lists it."""

    level: str
    id: str
    operation: str
    text: str


def _accord(event: str, values: dict[str, str]) -> dict[str, str]:
    every = dict.fromkeys(ACCORD_VARIABLES, "")
    every.update(values, eventName=event)
    return {f"accord.{name}": value for name, value in every.items()}


def _interactions(affected: Sequence[tuple[str, Sequence[str]]], *, named: bool) -> str:
    """`a, b` for one pacticipant; `Web: a, b; Mobile: c` when several are named."""
    if not named:
        return _listed([i for _, interactions in affected for i in interactions])
    return "; ".join(f"{name}: {_listed(interactions)}" for name, interactions in affected)


def change_request_variables(
    event: str, request: ChangeRequestFacts, pact: PactFacts
) -> dict[str, str]:
    """The variables of `change_request_*` events: Accord's and the Pact Broker's names.

    For a pact's request `pact` is its consumer, provider and consumer version; for a provider
    contract's, its provider and provider version (no consumer).
    """
    assert event in {
        CHANGE_REQUEST_OPENED,
        CHANGE_REQUEST_APPROVED,
        CHANGE_REQUEST_REJECTED,
        CHANGE_REQUEST_SUPERSEDED,
    }
    own = {
        "changeRequestId": str(request.id),
        "changeRequestUrl": request.url,
        "changeRequestStatus": request.status,
        "changeRequestKind": request.kind,
        "changeRequestSubject": request.subject,
        "author": request.author,
        "awaitingTeams": _listed(request.awaiting_teams),
        "approvedBy": _listed(request.approved_by),
        "decidedBy": request.decided_by or "",
        "rejectionReason": request.rejection_reason or "",
        "overrideReason": request.override_reason or "",
        "supersededBy": "" if request.superseded_by is None else str(request.superseded_by),
        "supersedes": _listed([str(i) for i in request.supersedes]),
        "contentSha": request.content_sha,
        "affectedPacticipants": _listed([name for name, _ in request.affected]),
        "affectedInteractions": _interactions(request.affected, named=len(request.affected) > 1),
    }
    return pactbroker_variables(event, pact) | _accord(event, own)


def provider_contract_variables(
    event: str,
    pact: PactFacts,
    *,
    contract_url: str,
    content_sha: str,
    changes: Sequence[ContractChangeFacts] = (),
    affected_interactions: Sequence[str] = (),
    change_request: ChangeRequestFacts | None = None,
) -> dict[str, str]:
    """The variables of `provider_contract_published` and `provider_contract_changed`.

    `changes` (one line each: `LEVEL id (operation): text`) and `affected_interactions` are the
    consumer's, for `provider_contract_changed`; `change_request` the one the document opened.
    """
    assert event in {PROVIDER_CONTRACT_PUBLISHED, PROVIDER_CONTRACT_CHANGED}
    lines = [
        f"{c.level} {c.id}{f' ({c.operation})' if c.operation else ''}: {c.text}" for c in changes
    ]
    own = {
        "providerContractUrl": contract_url,
        "contentSha": content_sha,
        "changes": "\n".join(lines),
        "affectedInteractions": _listed(affected_interactions),
        "affectedPacticipants": pact.consumer,
    }
    if change_request is not None:
        own |= {
            "changeRequestId": str(change_request.id),
            "changeRequestUrl": change_request.url,
            "changeRequestStatus": change_request.status,
            "awaitingTeams": _listed(change_request.awaiting_teams),
        }
    return pactbroker_variables(event, pact) | _accord(event, own)

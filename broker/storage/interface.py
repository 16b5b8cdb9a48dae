"""All that services know of storage: the `Storage` protocol and one role protocol per aggregate.

`Transaction` is every role at once (`AuditLog`, `GovernanceRecords`, `Pacticipants`, `Versions`,
`Environments`, `Deployments`, `Pacts`, `Integrations`, `Contracts`, `Selection`, `Auth`,
`Notifications`, `Retention`, `TestResults`, …); a function that needs only some roles says so
in its parameter types.

A service opens one transaction per use case; everything it writes commits together or not at
all. Services pass in times and ids, so both adapters store the same values. Adapters translate
driver errors into domain errors (`ConflictError` for a broken uniqueness rule,
`StorageUnavailableError` when the database cannot be reached).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Final, Literal, NamedTuple, Protocol

from broker.domain.audit import AuditEntry, AuditFilters
from broker.domain.auth import ApiToken, ApiUser, Team
from broker.domain.governance import (
    ChangeRequest,
    Kind,
    NewRequest,
    Policy,
    Status,
    Unapproved,
)
from broker.domain.model import (
    Branch,
    BranchVersion,
    Comparison,
    DeployedVersion,
    Environment,
    Pacticipant,
    PacticipantChanges,
    PactPublication,
    PactVersion,
    Page,
    ProviderContract,
    ProviderContractPublication,
    ReleasedVersion,
    Tag,
    Verification,
    Version,
)
from broker.domain.notifications import Notification, NotifiedChange
from broker.domain.retention import Counts, OutboxCounts, VersionFacts
from broker.domain.test_results import TestReport, TestRun
from broker.domain.webhooks import (
    Attempt,
    Delivery,
    Listener,
    NewEvent,
    Webhook,
    WebhookDraft,
    WebhookEvent,
)


class _Any(enum.Enum):
    ANY = "any"


ANY: Final = _Any.ANY
"""A filter value meaning "do not filter on this column" where `None` is itself a value."""

AnyInstance = Literal[_Any.ANY]


class PactAndResult(NamedTuple):
    """A pact's content sha and one provider version's newest result for it, if any."""

    sha: str
    pact_version_id: int
    published_at: datetime  # when the consumer version published the pact
    verification_id: int | None
    success: bool | None
    verified_at: datetime | None
    documented: bool  # the provider version published an OpenAPI document (bi-directional)


class ContentFacts(NamedTuple):
    """`success_facts` of a pact content, with its sha."""

    sha: str
    on_branch: bool  # a version of the provider branch verified it successfully
    first_success_at: datetime | None  # when its first successful result was published


class WipCandidate(NamedTuple):
    """A work-in-progress candidate: a consumer branch's (or tag's) head and its pact."""

    by_tag: bool  # the head of a tag rather than of a branch
    name: str  # the branch's (or tag's) name
    publication: PactPublication  # the pact the head holds with the provider
    version: Version  # the head


class Dependents(NamedTuple):
    """What a batch of pact contents or documents took (or would take) along when deleted."""

    deleted: int  # the contents or documents themselves
    results: list[tuple[int, int, int]]  # (provider id, provider version id, how many)
    comparisons: list[tuple[int, int]]  # (the other side's id, how many)


class IntegrationRow(NamedTuple):
    """A consumer/provider pair that has had a pact, with both names."""

    consumer_id: int
    consumer_name: str
    provider_id: int
    provider_name: str
    created_at: datetime


class AuditLog(Protocol):
    """The append-only audit log, hash-chained."""

    async def last_audit_entry(self) -> AuditEntry | None:
        """The newest entry, under the chain's lock (PostgreSQL) until the transaction ends.

        Append right after, and write nothing else before committing.
        """
        ...

    async def insert_audit_entry(self, entry: AuditEntry) -> None:
        """Append an entry (made by `broker.domain.audit.append` from the newest one)."""
        ...

    async def list_audit_entries(
        self, filters: AuditFilters, page: Page
    ) -> tuple[list[AuditEntry], int]:
        """One page of the matching entries, oldest first, and how many match."""
        ...


class VersionStanding(NamedTuple):
    """What can-i-deploy asks of governance about one version, read in one statement.

    The flags say whether reading the details (`change_requests_of_version`,
    `overridden_of_version`, `publish_warnings`) can find anything.
    """

    mode: str | None  # the pacticipant's own mode, if one was set
    coverage_minimum: int | None  # its coverage policy, if any
    listed: bool  # a change request lists the version
    overridden: bool  # an overridden request's content is published by the version
    warned: bool  # the version's publications raised warnings


class Counterparts(NamedTuple):
    """The other sides of a version's integrations, with their versions live in an environment."""

    providers: list[Pacticipant]  # the providers the version published pacts with, by id
    consumers: list[Pacticipant]  # the consumers with a pact against its pacticipant, by id
    # Per counterpart id, its versions live in the environment as `live_in_environment` gives
    # them (deployed ones, then released); counterparts with none are left out.
    live: dict[int, list[Version]]


class Candidacy(NamedTuple):
    """What can-i-deploy into an environment first reads, in one statement (`find_candidacy`)."""

    environment: Environment | None  # None when there is no environment of that name
    # The pacticipant (None when unknown) and its version (None when it has no such version).
    named: tuple[Pacticipant, Version | None] | None
    standing: VersionStanding | None  # the version's, when there is one
    # The version's counterparts live in the environment, when both exist.
    counterparts: Counterparts | None


class GovernanceRecords(Protocol):
    """Modes, approval policies, change requests and approved content."""

    async def mode_of(self, pacticipant_name: str) -> str | None:
        """The pacticipant's own mode, if one was set."""
        ...

    async def modes_of(self, pacticipant_names: Sequence[str]) -> dict[str, str]:
        """The own modes of those of the pacticipants that have one set, by name."""
        ...

    async def version_standing(
        self, pacticipant_name: str, version_id: int, version_number: str
    ) -> VersionStanding:
        """The pacticipant's mode and coverage policy, and what governance lists the version in."""
        ...

    async def find_candidacy(
        self, environment_name: str, pacticipant_name: str, number: str
    ) -> Candidacy:
        """An environment by name, a pacticipant's version by number, and what is read of it first.

        The version's standing, and its counterparts with their versions live in the
        environment: `find_environment_by_name`, `find_named_version`, `version_standing` and
        `counterparts_live_in` in one statement.
        """
        ...

    async def save_mode(self, pacticipant_name: str, mode: str, now: datetime) -> None:
        """Set the pacticipant's mode."""
        ...

    async def find_policy(self, pacticipant_name: str) -> Policy | None:
        """The pacticipant's own approval policy, if one was set."""
        ...

    async def save_policy(self, rule: Policy, now: datetime) -> None:
        """Set the pacticipant's approval policy."""
        ...

    async def delete_policy(self, pacticipant_name: str) -> None:
        """Go back to the default approval rule."""
        ...

    async def is_approved(
        self, kind: Kind, pacticipant: str, provider: str | None, sha: str
    ) -> bool:
        """Whether the content is in effect: approved, or published outside enterprise mode."""
        ...

    async def unapproved_of_version(self, version_id: int) -> list[Unapproved]:
        """The contents a version published (pacts, provider contract) that are not in effect."""
        ...

    async def last_approved_sha(
        self, kind: Kind, pacticipant: str, provider: str | None
    ) -> str | None:
        """The subject's most recently approved content."""
        ...

    async def approve_content(  # noqa: PLR0917 - a subject is three values
        self,
        kind: Kind,
        pacticipant: str,
        provider: str | None,
        sha: str,
        change_request_id: int | None,
        now: datetime,
    ) -> None:
        """Record that content is in effect for the subject (once; later calls change nothing)."""
        ...

    async def insert_change_request(self, new: NewRequest) -> ChangeRequest:
        """Open a change request, with the version that published its content."""
        ...

    async def add_change_request_version(self, request_id: int, version: str) -> None:
        """Note another version publishing an open request's content."""
        ...

    async def find_change_request(self, request_id: int) -> ChangeRequest | None:
        """A change request with its approvals and versions."""
        ...

    async def change_requests_of_subject(
        self, kind: Kind, pacticipant: str, provider: str | None, status: Status
    ) -> list[ChangeRequest]:
        """The subject's requests with this status, oldest first."""
        ...

    async def change_request_for_content(
        self, kind: Kind, pacticipant: str, provider: str | None, sha: str
    ) -> ChangeRequest | None:
        """The newest request for this exact content of the subject."""
        ...

    async def list_change_requests(
        self, pacticipant: str | None, status: Status | tuple[Status, ...] | None, page: Page
    ) -> tuple[list[ChangeRequest], int]:
        """Requests about a pacticipant (its own and its providers'), newest first; the total.

        `status` is one status, or a tuple of them (any of which matches).
        """
        ...

    async def save_change_request(self, request: ChangeRequest) -> None:
        """Store a request's status, decision and any new approvals."""
        ...

    async def count_change_requests(self) -> dict[str, int]:
        """How many change requests have each status (statuses without any left out)."""
        ...

    async def change_requests_of_version(
        self, pacticipant: str, version: str
    ) -> list[tuple[ChangeRequest, bool]]:
        """The requests that list the pacticipant's version, and whether their content is in effect.

        Versions are listed by number, so the list outlives a deleted version; oldest first.
        """
        ...

    async def overridden_of_version(self, version_id: int) -> list[ChangeRequest]:
        """The overridden requests whose content the version publishes."""
        ...

    async def open_change_request_ids(self, pacticipant: str) -> list[int]:
        """The open requests that change the pacticipant's own contracts."""
        ...

    async def add_publish_warnings(
        self, pacticipant: str, version: str, texts: Sequence[str], now: datetime
    ) -> None:
        """Keep the warnings a publication raised (brownfield-polish), once each."""
        ...

    async def publish_warnings(self, pacticipant: str, version: str) -> list[str]:
        """The warnings the version's publications raised."""
        ...


class Pacticipants(Protocol):
    """Pacticipants and their labels."""

    async def find_pacticipant(self, name: str) -> Pacticipant | None:
        """The pacticipant with exactly this name."""
        ...

    async def find_pacticipant_by_id(self, pacticipant_id: int) -> Pacticipant | None:
        """The pacticipant with this row id."""
        ...

    async def insert_pacticipant(
        self, name: str, changes: PacticipantChanges, now: datetime
    ) -> Pacticipant:
        """Create a pacticipant; `ConflictError` if the name is taken."""
        ...

    async def update_pacticipant(
        self, pacticipant: Pacticipant, changes: PacticipantChanges, now: datetime
    ) -> Pacticipant:
        """Apply the set fields of `changes`."""
        ...

    async def list_pacticipants(self, page: Page) -> tuple[list[Pacticipant], int]:
        """Pacticipants ordered by name, and how many there are in all."""
        ...

    async def lock_pacticipant(self, pacticipant: Pacticipant) -> None:
        """Hold the pacticipant until the transaction ends, so concurrent changes queue.

        Services take this lock before read-then-write sequences whose outcome depends on what
        other transactions write about the same pacticipant (recording a deployment, publishing
        a pact for one of its versions).
        """
        ...

    async def delete_pacticipant(self, pacticipant: Pacticipant) -> None:
        """Remove a pacticipant with its versions, branches, tags, labels and deployments."""
        ...

    # labels
    async def labels_of(self, pacticipant_id: int) -> list[str]:
        """The pacticipant's labels, sorted."""
        ...

    async def add_label(self, pacticipant_id: int, label: str, now: datetime) -> bool:
        """Label a pacticipant; False if it already had the label."""
        ...

    async def remove_label(self, pacticipant_id: int, label: str) -> bool:
        """Remove a label; False if the pacticipant did not have it."""
        ...

    async def pacticipants_with_label(self, label: str) -> list[Pacticipant]:
        """Pacticipants carrying a label, ordered by name."""
        ...


class Versions(Protocol):
    """Versions of a pacticipant, its branches and its tags."""

    async def find_version(self, pacticipant_id: int, number: str) -> Version | None:
        """A version of the pacticipant by its number."""
        ...

    async def find_named_version(
        self, pacticipant_name: str, number: str
    ) -> tuple[Pacticipant, Version | None] | None:
        """The pacticipant by its name and its version by number, in one statement.

        None when there is no such pacticipant; its version None when it has no such version.
        """
        ...

    async def find_named_branch_head(
        self, pacticipant_name: str, branch: str | None
    ) -> tuple[Pacticipant, Version | None] | None:
        """The pacticipant by its name and the head of its branch (`None`: its main branch).

        None when there is no such pacticipant; the head None when the branch is unknown or
        empty, or there is no main branch.
        """
        ...

    async def find_version_by_id(self, version_id: int) -> Version | None:
        """A version by row id."""
        ...

    async def insert_version(
        self, pacticipant_id: int, number: str, build_url: str | None, now: datetime
    ) -> Version:
        """Create a version; `ConflictError` if the number exists for this pacticipant."""
        ...

    async def update_version(
        self, version: Version, build_url: str | None, now: datetime
    ) -> Version:
        """Change a version's build URL."""
        ...

    async def delete_version(self, version: Version) -> None:
        """Remove a version with its branch memberships, tags, deployments and releases."""
        ...

    async def list_versions(self, pacticipant_id: int, page: Page) -> tuple[list[Version], int]:
        """The pacticipant's versions, newest first, and how many there are in all."""
        ...

    async def versions_with_tag(self, pacticipant_id: int, tag: str) -> list[Version]:
        """Every version of the pacticipant carrying `tag`, oldest first."""
        ...

    async def latest_version(self, pacticipant_id: int, tag: str | None = None) -> Version | None:
        """The newest version, or the newest carrying `tag`."""
        ...

    # branches
    async def find_branch(self, pacticipant_id: int, name: str) -> Branch | None:
        """A branch of the pacticipant by name."""
        ...

    async def find_branch_head(self, pacticipant_id: int, name: str) -> Version | None:
        """The version added last to a branch of the pacticipant; None for no such branch."""
        ...

    async def insert_branch(self, pacticipant_id: int, name: str, now: datetime) -> Branch:
        """Create a branch."""
        ...

    async def delete_branch(self, branch: Branch) -> None:
        """Remove a branch and its membership rows (the versions stay)."""
        ...

    async def list_branches(self, pacticipant_id: int, page: Page) -> tuple[list[Branch], int]:
        """The pacticipant's branches, most recently created first, and the total."""
        ...

    async def find_branch_version(self, branch_id: int, version_id: int) -> BranchVersion | None:
        """The membership of a version in a branch."""
        ...

    async def insert_branch_version(
        self, branch_id: int, version_id: int, now: datetime
    ) -> BranchVersion:
        """Add a version to a branch."""
        ...

    async def delete_branch_version(self, branch_id: int, version_id: int) -> bool:
        """Take a version off a branch; False if it was not on it."""
        ...

    async def branch_versions(self, branch_id: int, page: Page) -> tuple[list[Version], int]:
        """Versions on a branch, most recently added first, and the total."""
        ...

    async def branches_of_version(self, version_id: int) -> list[tuple[Branch, bool]]:
        """The branches a version is on, each with whether it is that branch's head."""
        ...

    # tags
    async def find_tag(self, version_id: int, name: str) -> Tag | None:
        """A tag on a version."""
        ...

    async def insert_tag(self, version_id: int, name: str, now: datetime) -> Tag:
        """Tag a version."""
        ...

    async def delete_tag(self, version_id: int, name: str) -> bool:
        """Remove a tag; False if the version did not carry it."""
        ...

    async def tags_of_version(self, version_id: int) -> list[Tag]:
        """A version's tags in the order they were added."""
        ...


class Environments(Protocol):
    """The environments versions are deployed or released to."""

    async def find_environment(self, uuid: str) -> Environment | None:
        """An environment by uuid."""
        ...

    async def find_environment_by_name(self, name: str) -> Environment | None:
        """An environment by its unique name."""
        ...

    async def insert_environment(self, environment: Environment) -> Environment:
        """Store a new environment; `ConflictError` if its name is taken."""
        ...

    async def update_environment(self, environment: Environment) -> Environment:
        """Replace an environment's attributes (same uuid)."""
        ...

    async def delete_environment(self, environment: Environment) -> None:
        """Remove an environment with its deployment and release records."""
        ...

    async def list_environments(self) -> list[Environment]:
        """Every environment, ordered by name."""
        ...


class Deployments(Protocol):
    """Deployed and released versions."""

    async def insert_deployed_version(self, deployed: DeployedVersion) -> DeployedVersion:
        """Record that a version is deployed."""
        ...

    async def find_deployed_version(self, uuid: str) -> DeployedVersion | None:
        """A deployment record by uuid."""
        ...

    async def deployed_versions(
        self,
        environment_id: str,
        *,
        pacticipant_id: int | None = None,
        version_id: int | None = None,
        currently_deployed: bool | None = None,
        application_instance: str | AnyInstance | None = ANY,
    ) -> list[DeployedVersion]:
        """Deployment records in an environment, oldest first, filtered as asked.

        `application_instance=ANY` (the default) does not filter on the instance; `None`
        selects the records without one.
        """
        ...

    async def mark_undeployed(self, deployed: DeployedVersion, now: datetime) -> DeployedVersion:
        """Set the record's undeployment time."""
        ...

    async def insert_released_version(self, released: ReleasedVersion) -> ReleasedVersion:
        """Record that a version is released."""
        ...

    async def find_released_version(self, uuid: str) -> ReleasedVersion | None:
        """A release record by uuid."""
        ...

    async def released_versions(
        self,
        environment_id: str,
        *,
        pacticipant_id: int | None = None,
        version_id: int | None = None,
        currently_supported: bool | None = None,
    ) -> list[ReleasedVersion]:
        """Release records in an environment, oldest first, filtered as asked."""
        ...

    async def set_support_ended(
        self, released: ReleasedVersion, ended_at: datetime | None
    ) -> ReleasedVersion:
        """End support of a release (or resume it, with `None`)."""
        ...

    async def environments_of_version(self, version_id: int) -> tuple[list[str], list[str]]:
        """Uuids of the environments where the version is deployed, and where it is released."""
        ...


class Pacts(Protocol):
    """Pact contents, their publications and their verification results."""

    async def find_pact_version(
        self, consumer_id: int, provider_id: int, sha: str
    ) -> PactVersion | None:
        """The content of an integration with this sha."""
        ...

    async def find_pact_version_by_id(self, pact_version_id: int) -> PactVersion | None:
        """A pact version by row id."""
        ...

    async def insert_pact_version(
        self, consumer_id: int, provider_id: int, sha: str, content: str, now: datetime
    ) -> PactVersion:
        """Store new content; `ConflictError` if the integration has it already."""
        ...

    async def find_publication(
        self, consumer_version_id: int, provider_id: int
    ) -> PactPublication | None:
        """The pact a consumer version holds with a provider."""
        ...

    async def insert_publication(
        self,
        *,
        consumer_id: int,
        provider_id: int,
        consumer_version_id: int,
        pact_version_id: int,
        now: datetime,
        content: str | None = None,
    ) -> PactPublication:
        """Record that a consumer version holds a pact; `ConflictError` if it holds one.

        `content` is the document as received, when it differs from the pact version's text.
        """
        ...

    async def replace_publication(
        self,
        publication: PactPublication,
        pact_version_id: int,
        now: datetime,
        content: str | None = None,
    ) -> PactPublication:
        """Point a publication at other content, counting a new revision."""
        ...

    async def delete_publication(self, publication: PactPublication) -> None:
        """Remove a publication, and its content if no other publication holds it."""
        ...

    async def latest_publication(
        self,
        consumer_id: int,
        provider_id: int,
        *,
        branch: str | None = None,
        tag: str | None = None,
        untagged: bool = False,
    ) -> PactPublication | None:
        """The pact of the newest consumer version (on `branch`, with `tag`, or untagged)."""
        ...

    async def publications_of_integration(
        self, consumer_id: int, provider_id: int, page: Page
    ) -> tuple[list[PactPublication], int]:
        """Every consumer version's pact with the provider, newest first, and the total."""
        ...

    async def latest_publications(
        self,
        provider_id: int | None = None,
        *,
        branch: str | None = None,
        tag: str | None = None,
        main_branch: bool = False,
    ) -> list[PactPublication]:
        """The latest pact of each integration (of one provider; on a branch, main branch, tag)."""
        ...

    async def provider_publications(
        self,
        provider_id: int,
        *,
        consumer_id: int | None = None,
        branch: str | None = None,
        tag: str | None = None,
        main_branch: bool = False,
    ) -> list[PactPublication]:
        """Every pact with a provider (of one consumer; on a branch, main branch or tag).

        By consumer, newest consumer version first.
        """
        ...

    async def publications_of_pact_version(self, pact_version_id: int) -> list[PactPublication]:
        """The publications holding some content, oldest consumer version first."""
        ...

    async def publications_of_consumer_version(self, version_id: int) -> list[PactPublication]:
        """The pacts a consumer version holds, one per provider."""
        ...

    async def previous_distinct_publication(
        self, publication: PactPublication
    ) -> PactPublication | None:
        """The pact of the newest earlier consumer version whose content differs."""
        ...

    # verification results

    async def previous_publication(
        self, publication: PactPublication, *, branch: str | None = None, tag: str | None = None
    ) -> PactPublication | None:
        """The integration's pact of the newest earlier consumer version (on a branch, tagged)."""
        ...

    async def insert_verification(self, verification: Verification) -> Verification:
        """Store a result; its `id` is ignored and the stored row's returned."""
        ...

    async def find_verification(self, verification_id: int) -> Verification | None:
        """A result by its number."""
        ...

    async def latest_verification(self, pact_version_id: int) -> Verification | None:
        """The newest result for some pact content."""
        ...

    async def verifications_of_pact_version(self, pact_version_id: int) -> list[Verification]:
        """Every result for some pact content, newest first."""
        ...


class Integrations(Protocol):
    """Consumer/provider pairs with pacts: listing them, their badges' facts, deleting them."""

    async def list_integrations(self) -> list[IntegrationRow]:
        """Every integration, by consumer name then provider name."""
        ...

    async def latest_integration_result(
        self,
        consumer_id: int,
        provider_id: int,
        *,
        tag: str | None = None,
        untagged: bool = False,
        provider_tag: str | None = None,
    ) -> Verification | None:
        """The newest result for the newest consumer version's pact that has any result.

        Among consumer versions with `tag` (or without tags, `untagged`), and among results by
        provider versions with `provider_tag`: newest consumer version first, then (with a
        provider tag) newest provider version, then newest result.
        """
        ...

    async def delete_integration(self, consumer_id: int, provider_id: int) -> None:
        """Remove the pair's pacts, their contents and results, and the integration itself."""
        ...

    async def delete_orphan_versions(self, pacticipant_ids: Sequence[int]) -> int:
        """Remove the pacticipants' versions no pact, result, contract or test report names."""
        ...

    async def delete_pacticipant_if_orphan(self, pacticipant_id: int) -> bool:
        """Remove a pacticipant left without versions and pact contents; whether it went."""
        ...

    async def delete_all_pacticipants(self) -> int:
        """Remove every pacticipant with all recorded about it; how many there were."""
        ...


class Contracts(Protocol):
    """Provider contracts and their comparisons with pacts (bi-directional)."""

    async def find_provider_contract(self, provider_id: int, sha: str) -> ProviderContract | None:
        """A provider's document by the SHA-256 of its bytes."""
        ...

    async def find_provider_contract_by_id(self, contract_id: int) -> ProviderContract | None:
        """A provider document by id."""
        ...

    async def insert_provider_contract(
        self,
        provider_id: int,
        sha: str,
        content: str,
        *,
        content_type: str,
        specification: str,
        now: datetime,
    ) -> ProviderContract:
        """Store a document once per provider and sha; the stored one if it was there."""
        ...

    async def find_contract_publication(
        self, provider_version_id: int
    ) -> ProviderContractPublication | None:
        """The document a provider version published, if any."""
        ...

    async def save_contract_publication(
        self,
        *,
        provider_id: int,
        provider_version_id: int,
        contract_version_id: int,
        self_verification_success: bool | None,
        self_verification: str | None,
        now: datetime,
    ) -> ProviderContractPublication:
        """Record (or replace) the document and self-verification of a provider version."""
        ...

    async def latest_contract_publications(
        self, provider_id: int, limit: int
    ) -> list[ProviderContractPublication]:
        """The newest publication of each distinct document of a provider, newest first."""
        ...

    async def list_contract_publications(
        self, provider_id: int, page: Page
    ) -> tuple[list[ProviderContractPublication], int]:
        """One page of a provider's publications (one per version), newest first, and the total."""
        ...

    async def find_comparison(
        self, pact_version_id: int, contract_version_id: int
    ) -> Comparison | None:
        """The comparison of a pact content with a provider document, if made."""
        ...

    async def find_comparison_by_id(self, comparison_id: int) -> Comparison | None:
        """A comparison by id."""
        ...

    async def save_comparison(
        self,
        pact_version_id: int,
        contract_version_id: int,
        *,
        success: bool,
        findings: str,
        now: datetime,
    ) -> Comparison:
        """Store a comparison once per pair; the stored one if it was there."""
        ...


class Selection(Protocol):
    """Batched reads for pacts-for-verification, the matrix and can-i-deploy."""

    async def publications_of_versions(
        self, consumer_version_ids: Sequence[int], provider_id: int
    ) -> list[PactPublication]:
        """The pacts these consumer versions hold with the provider (any order)."""
        ...

    async def pact_versions_by_ids(self, ids: Sequence[int]) -> list[PactVersion]:
        """The pact contents with these ids (any order)."""
        ...

    async def pact_consumers(self, provider_id: int) -> list[Pacticipant]:
        """The consumers with a pact with the provider (as in `latest_publications`), by id."""
        ...

    async def pact_version_shas(self, ids: Sequence[int]) -> dict[int, str]:
        """The sha of each of these pact contents, by id, without reading the documents."""
        ...

    async def versions_by_ids(self, ids: Sequence[int]) -> list[Version]:
        """The versions with these ids (any order)."""
        ...

    async def pacticipants_by_ids(self, ids: Sequence[int]) -> list[Pacticipant]:
        """The pacticipants with these ids (any order)."""
        ...

    async def latest_verifications(self, pact_version_ids: Sequence[int]) -> list[Verification]:
        """The newest result of each of these pact contents that has one (any order)."""
        ...

    async def latest_verification_by(
        self, pact_version_id: int, provider_version_id: int
    ) -> Verification | None:
        """The provider version's newest result for the pact content."""
        ...

    async def tags_that_verified(
        self, pact_version_ids: Sequence[int], tags: Sequence[str], *, count_wip: bool = False
    ) -> dict[int, set[str]]:
        """Per pact content, the `tags` its successful non-WIP results' provider versions carry.

        Results of WIP verifications count too with `count_wip`. Contents that no such result
        carries any of the tags for are left out.
        """
        ...

    async def pact_and_result(
        self, consumer_version_id: int, provider_id: int, provider_version_id: int | None
    ) -> PactAndResult | None:
        """The pact a consumer version holds with a provider, and a provider version's result.

        The sha of the content the consumer version holds with the provider, and the newest
        result of `provider_version_id` for it; None when there is no such pact.
        """
        ...

    async def pacts_and_results(
        self, pairs: Sequence[tuple[int, int, int | None]]
    ) -> dict[tuple[int, int, int | None], PactAndResult]:
        """`pact_and_result` for many (consumer version, provider, provider version) at once.

        Pairs without a pact are left out; read from the maintained newest result of each
        (content, provider version), with whether each provider version published a document,
        in one statement for up to thousands of pairs.
        """
        ...

    async def counterparts(
        self, pacticipant_id: int, version_id: int
    ) -> tuple[list[Pacticipant], list[Pacticipant]]:
        """The other sides of a version's integrations, each list in id order.

        The providers the version published pacts with, and the consumers with a pact against
        the pacticipant (any of its versions).
        """
        ...

    async def counterparts_live_in(
        self, pacticipant_id: int, version_id: int, environment_uuid: str
    ) -> Counterparts:
        """`counterparts`, and the versions of each live in an environment, in one statement."""
        ...

    async def live_in_environment(
        self,
        environment_uuid: str,
        pacticipant_ids: Sequence[int],
        *,
        deployed: bool = True,
        released: bool = True,
    ) -> dict[int, list[Version]]:
        """Per pacticipant, its versions currently deployed and/or supported in an environment.

        In the order `services.deployments.live_versions` gives (deployed ones by their first
        current deployment record, then released ones by their release record); pacticipants
        with none are left out. One statement over the maintained `environment_versions`.
        """
        ...

    async def live_in_environments(
        self,
        environment_uuids: Sequence[str],
        pacticipant_ids: Sequence[int],
        *,
        deployed: bool = True,
        released: bool = True,
    ) -> dict[tuple[str, int], list[Version]]:
        """`live_in_environment` for several environments in one statement.

        Keyed by (environment uuid, pacticipant id); pairs with no live version are left out.
        """
        ...

    async def branch_heads(
        self, pacticipant_ids: Sequence[int], names: Sequence[str]
    ) -> dict[tuple[int, str], Version]:
        """The heads of the branches with these names of these pacticipants, in one statement.

        Keyed by (pacticipant id, branch name); unknown or empty branches are left out.
        """
        ...

    async def success_facts(
        self, pact_version_ids: Sequence[int], branch_id: int | None, *, count_wip: bool
    ) -> dict[int, tuple[bool, datetime | None]]:
        """What pending status and WIP selection need to know of each pact content.

        Whether a version on the provider branch `branch_id` verified it successfully, and when
        its first successful result was published (None if never); results of WIP
        verifications count only with `count_wip` (pending status counts them, §7.5; WIP
        selection does not, §7.6).
        """
        ...

    async def content_facts(
        self, pact_version_ids: Sequence[int], branch_id: int | None, *, count_wip: bool
    ) -> dict[int, ContentFacts]:
        """`success_facts` with each content's sha, in the same statement."""
        ...

    async def wip_candidates(
        self,
        provider_id: int,
        since: datetime,
        *,
        unverified_on: tuple[int, datetime] | None = None,
    ) -> list[WipCandidate]:
        """Work-in-progress candidates, each pact with its head, in one statement.

        First the branch heads: every head of a branch of the provider's consumers that holds a
        pact with it published at or after `since`, by consumer, version then branch. Then the
        tags (`by_tag`): for every tag of every consumer of the provider, the pact its newest
        version with that tag holds with the provider, when published at or after `since`, by
        consumer, version then tag. With `unverified_on` (a provider branch's id and creation
        time), pacts whose content a version of that branch verified successfully outside WIP,
        or that had such a result before the branch was created, are left out.
        """
        ...

    async def verifications_of_provider_version(self, version_id: int) -> list[Verification]:
        """Every result a provider version published, newest first."""
        ...


class Auth(Protocol):
    """Tokens, users and the teams that own pacticipants."""

    async def has_credentials(self) -> bool:
        """Whether any token (revoked or not) or user was ever created."""
        ...

    async def insert_token(
        self,
        *,
        name: str,
        role: str,
        teams: tuple[str, ...],
        secret_sha: str,
        expires_at: datetime | None,
        now: datetime,
        username: str | None = None,
    ) -> ApiToken:
        """Store a new bearer token by its secret's hash."""
        ...

    async def find_token_by_sha(self, secret_sha: str) -> ApiToken | None:
        """The token whose secret hashes to `secret_sha`."""
        ...

    async def list_tokens(self) -> list[ApiToken]:
        """Every token, revoked ones included, oldest first."""
        ...

    async def revoke_token(self, token_id: int, now: datetime) -> ApiToken | None:
        """Mark a token revoked (the first revocation's time stays); None if no such token."""
        ...

    async def insert_user(
        self,
        *,
        username: str,
        password_hash: str,
        salt: str,
        role: str,
        teams: tuple[str, ...],
        now: datetime,
    ) -> ApiUser:
        """Store a basic-auth user; `ConflictError` if the username is taken."""
        ...

    async def find_user(self, username: str) -> ApiUser | None:
        """The user of that name (a deleted one too: its name stays taken)."""
        ...

    async def list_users(self) -> list[ApiUser]:
        """Every user not deleted, by username."""
        ...

    async def set_user_disabled(
        self, username: str, disabled_at: datetime | None, now: datetime
    ) -> ApiUser | None:
        """Disable a user (a time) or enable it (None); None if no such user (or deleted)."""
        ...

    async def set_user_password(
        self, username: str, password_hash: str, salt: str, now: datetime
    ) -> ApiUser | None:
        """Store a new password hash; None if no such user (or deleted)."""
        ...

    async def delete_user(self, username: str, now: datetime) -> ApiUser | None:
        """Mark a user deleted, dropping its password and teams; None if no such user."""
        ...

    async def save_team(self, name: str, pacticipants: tuple[str, ...], now: datetime) -> Team:
        """Create or replace a team and the pacticipants it owns."""
        ...

    async def teams_owning(self, pacticipant_name: str) -> frozenset[str]:
        """The names of the teams that own a pacticipant (empty when none does)."""
        ...

    async def list_teams(self) -> list[Team]:
        """Every team with the pacticipants it owns, by name."""
        ...

    async def recent_login_failures(
        self, kind: str, key: str, since: datetime, limit: int
    ) -> list[datetime]:
        """A key's newest `limit` failed logins after `since`, newest first.

        `kind` is `user` or `address`.
        """
        ...

    async def record_login_failure(
        self, keys: Iterable[tuple[str, str]], at: datetime, forget_before: datetime
    ) -> None:
        """Count a failed login against each (kind, key).

        Every failure before `forget_before`, which no longer counts, is deleted.
        """
        ...

    async def forget_login_failures(self, kind: str, key: str) -> None:
        """Clear a key's failed logins (a username's, after it signs in)."""
        ...


class Notifications(Protocol):
    """What a provider's contract change means to a consumer."""

    async def insert_notification(
        self,
        *,
        consumer_id: int,
        provider_id: int,
        provider_version: str,
        summary: str,
        changes: Sequence[NotifiedChange],
        change_request_id: int | None,
        now: datetime,
    ) -> Notification:
        """Store a notification to a consumer of the changes a provider version published."""
        ...

    async def find_notification(self, notification_id: int) -> Notification | None:
        """The notification with this id."""
        ...

    async def list_notifications(
        self, consumer_id: int, page: Page
    ) -> tuple[list[Notification], int]:
        """One page of a consumer's notifications, newest first, and how many it has."""
        ...

    async def list_team_notifications(
        self, teams: Sequence[str] | None, page: Page
    ) -> tuple[list[Notification], int]:
        """One page of the notifications to consumers the teams own (None: every consumer).

        Newest first, with how many there are.
        """
        ...

    async def contract_published_before(self, provider_id: int, publication_id: int) -> int | None:
        """The document (contract version id) of the provider's publication just before this one.

        None for the provider's first publication. Publications are ordered by id, so a
        version publishing again keeps its place.
        """
        ...


class TestResults(Protocol):
    """Published test results (JUnit reports) of pacticipant versions."""

    async def insert_test_run(
        self,
        *,
        pacticipant_id: int,
        version_id: int,
        kind: str,
        systems: Sequence[str],
        branch: str | None,
        report: TestReport,
        now: datetime,
    ) -> TestRun:
        """Store one report a version published, with its kind and the systems involved."""
        ...

    async def test_runs_of_version(self, version_id: int) -> list[TestRun]:
        """Every report the version published, oldest first."""
        ...

    async def coverage_minimum(self, pacticipant_name: str) -> int | None:
        """The pacticipant's coverage policy: the lowest percentage can-i-deploy lets through."""
        ...

    async def save_coverage_minimum(
        self, pacticipant_name: str, minimum: int | None, now: datetime
    ) -> None:
        """Set the pacticipant's coverage policy (None: remove it)."""
        ...


class Webhooks(Protocol):
    """Webhook definitions."""

    async def insert_webhook(self, draft: WebhookDraft, now: datetime) -> Webhook:
        """Store a new webhook.

        Raises `ConflictError` if its uuid is taken, `NotFoundError` if a pacticipant it names
        does not exist.
        """
        ...

    async def update_webhook(self, draft: WebhookDraft, now: datetime) -> Webhook | None:
        """Replace the webhook with the draft's uuid; None when there is none."""
        ...

    async def find_webhook(self, uuid: str) -> Webhook | None:
        """The webhook with this uuid."""
        ...

    async def list_webhooks(
        self, *, consumer_id: int | None = None, provider_id: int | None = None
    ) -> list[Webhook]:
        """Webhooks in creation order; narrowed to those naming the consumer and/or provider."""
        ...

    async def enabled_webhooks(self) -> list[Listener]:
        """Every enabled webhook as a listener, in creation order: the candidates for an event."""
        ...

    async def delete_webhook(self, uuid: str) -> bool:
        """Delete a webhook with its deliveries; whether there was one."""
        ...

    async def delete_webhooks_of_integration(self, consumer_id: int, provider_id: int) -> int:
        """Delete the webhooks naming exactly this consumer and provider; how many."""
        ...


class WebhookOutbox(Protocol):
    """Events, the deliveries they cause, and each attempt's log."""

    async def insert_webhook_event(self, event: NewEvent, now: datetime) -> WebhookEvent:
        """Store an event (in the transaction of the change that caused it)."""
        ...

    async def insert_delivery(
        self, event_id: int, webhook_id: int, sequence_key: str, now: datetime
    ) -> Delivery:
        """Store a pending delivery of an event to a webhook, due now."""
        ...

    async def insert_webhook_events(
        self, events: Sequence[NewEvent], now: datetime
    ) -> list[WebhookEvent]:
        """Store events (a transaction's, at once), in the order given, with their targets.

        The targets become deliveries when `fan_out_events` runs, not now: a publication
        writes one row per event, whatever the number of webhooks.
        """
        ...

    async def fan_out_events(self) -> int:
        """Make the pending deliveries of stored events' targets, oldest event first.

        Each event is fanned out once (on PostgreSQL its row is locked first); a target whose
        webhook no longer exists is dropped. Returns how many deliveries were made. Runs
        before deliveries are claimed or read, in the same transaction.
        """
        ...

    async def find_webhook_event(self, event_id: int) -> WebhookEvent | None:
        """The event with this id."""
        ...

    async def find_delivery_by_id(self, delivery_id: int) -> Delivery | None:
        """The delivery with this row id."""
        ...

    async def find_delivery(self, uuid: str) -> Delivery | None:
        """The delivery with this uuid (its `X-Accord-Delivery` id)."""
        ...

    async def webhook_work_due(self, now: datetime) -> bool:
        """Whether `fan_out_events` or `claim_deliveries` may find anything to do at `now`.

        True when an event waits to be fanned out, or a delivery is due (pending with its time
        come, or running with a lease that ran out), whatever its sequence; False means both
        would find nothing. One plain read: an idle worker's poll costs one statement.
        """
        ...

    async def claim_deliveries(
        self, *, worker: str, now: datetime, lease_until: datetime, limit: int
    ) -> list[Delivery]:
        """Claim up to `limit` due deliveries for `worker`, each the first of its sequence.

        Due: pending with its time come, or running with a lease that ran out. Claimed rows
        are running until `lease_until`, their attempts counted one more. On PostgreSQL rows
        another transaction holds are passed over.
        """
        ...

    async def insert_attempt(self, delivery_id: int, attempt: Attempt) -> None:
        """Log one attempt of a delivery."""
        ...

    async def settle_delivery(
        self,
        delivery_id: int,
        *,
        worker: str,
        status: str,
        next_attempt_at: datetime | None,
        now: datetime,
    ) -> bool:
        """Record a claimed delivery's outcome (pending again, succeeded or dead).

        False, changing nothing, when `worker` no longer holds the claim.
        """
        ...

    async def redrive_delivery(self, delivery_id: int, now: datetime) -> bool:
        """Make a dead delivery pending and due now; False unless it was dead."""
        ...

    async def attempts_of(self, delivery_id: int) -> list[Attempt]:
        """A delivery's attempts, first first."""
        ...

    async def list_deliveries(
        self,
        *,
        webhook_id: int | None = None,
        event_ids: Sequence[int] | None = None,
        status: str | None = None,
        limit: int = 100,
    ) -> list[Delivery]:
        """Deliveries, newest first, narrowed by webhook, events and status."""
        ...

    async def events_caused_by(
        self,
        *,
        pact_version_sha: str | None = None,
        consumer_version_id: int | None = None,
        verification_id: int | None = None,
        change_request_id: int | None = None,
    ) -> list[WebhookEvent]:
        """The events a publication, a verification or a change request caused, oldest first."""
        ...

    async def count_deliveries(self, status: str) -> int:
        """How many deliveries have this status."""
        ...


class EventFacts(Protocol):
    """What webhook template variables are made of, each read in one statement."""

    async def labels_of_pacticipants(self, pacticipant_ids: Sequence[int]) -> dict[int, list[str]]:
        """Each pacticipant's labels, by name."""
        ...

    async def names_of_versions(
        self, version_ids: Sequence[int]
    ) -> dict[int, tuple[list[str], list[str]]]:
        """Each version's branches and tags, in the order they were added."""
        ...

    async def live_versions_of(
        self, pacticipant_id: int, branch: str | None = None
    ) -> list[tuple[Version, str, str]]:
        """The pacticipant's versions deployed or released (still supported), in one statement.

        Each as (version, environment name, "deployed" or "released"), by environment name;
        with `branch`, first the branch's head as (version, branch name, "head").
        """
        ...

    async def pact_event_facts(
        self, labelled: Sequence[int], provider_id: int, branch: str | None
    ) -> tuple[dict[int, list[str]], list[tuple[Version, str, str]]]:
        """`labels_of_pacticipants(labelled)` and `live_versions_of(provider_id, branch)`.

        One statement for both: a publication's events cost few round trips.
        """
        ...


class Retention(Protocol):
    """Reading what retention judges, and deleting what it lets go, one batch at a time.

    Each `clean_*` counts what the batch deletes with it, and deletes only when `delete`;
    a dry run and the run after it count alike.
    """

    async def retention_pacticipants(self) -> list[tuple[int, str]]:
        """Every pacticipant as (id, name), by name."""
        ...

    async def version_facts(self, pacticipant_id: int) -> VersionFacts:
        """What `domain.retention.decide` reads of one pacticipant's versions."""
        ...

    async def held_contents(self, consumer_id: int) -> list[tuple[int, int]]:
        """(pact version id, consumer version id) of each publication of a consumer."""
        ...

    async def pact_contents_of(self, consumer_id: int) -> list[int]:
        """The ids of a consumer's pact contents (with every provider)."""
        ...

    async def published_documents(self, provider_id: int) -> list[tuple[int, int]]:
        """(document id, provider version id) of each provider contract publication."""
        ...

    async def documents_of(self, provider_id: int) -> list[int]:
        """The ids of a provider's OpenAPI documents."""
        ...

    async def first_success_versions(self, pact_version_ids: Sequence[int]) -> set[int]:
        """The provider versions of each content's first successful results.

        The first of all, the first not fetched as work in progress, and the same two among
        results by versions on the provider's main branch: what pending status reads.
        """
        ...

    async def clean_versions(
        self, pacticipant_id: int, name: str, version_ids: Sequence[int], *, delete: bool
    ) -> Counts:
        """Count (and with `delete`, delete) the pacticipant's versions and what goes with them.

        Only the ids that are still not deployed, released, a branch head or named by an open
        change request; their publications, results, branch and tag rows, past deployments
        and releases, provider contract publications, notifications and publish warnings.
        """
        ...

    async def clean_pact_contents(
        self, pact_version_ids: Sequence[int], *, delete: bool
    ) -> Dependents:
        """Count (and delete) pact contents, with their results and comparisons.

        With `delete`, a content some publication holds is left alone.
        """
        ...

    async def clean_documents(
        self, contract_version_ids: Sequence[int], *, delete: bool
    ) -> Dependents:
        """Count (and delete) provider contract documents, with their comparisons.

        With `delete`, a document some provider version still publishes is left alone.
        """
        ...

    async def clean_webhook_events(
        self, older_than: datetime, after_id: int, limit: int, *, delete: bool
    ) -> tuple[OutboxCounts, int | None]:
        """Count (and delete) up to `limit` settled webhook events past `after_id`.

        Events made before `older_than` whose deliveries all succeeded or died, with those
        deliveries and their attempts; also the last id of the batch, None when there was none.
        """
        ...


class Transaction(
    AuditLog,
    GovernanceRecords,
    Pacticipants,
    Versions,
    Environments,
    Deployments,
    Pacts,
    Integrations,
    Contracts,
    Selection,
    Auth,
    Notifications,
    TestResults,
    Webhooks,
    WebhookOutbox,
    EventFacts,
    Retention,
    Protocol,
):
    """One unit of work on the broker's data: every role at once."""


class PoolStats(NamedTuple):
    """A storage's connections now: held by transactions, waited for, open, and at most open."""

    in_use: int
    waiting: int
    size: int
    max_size: int


class ReplicaStatus(NamedTuple):
    """The read replica as its last check found it (`Storage.read_replica`)."""

    description: str  # its URL, without the password
    in_use: bool  # whether browsing reads go to it now
    state: str  # one of `broker.storage.replica.STATES`; browsing reads go to it when "in use"
    reason: str  # why, in words
    lag: float | None  # seconds its data is behind the primary at most, when measured
    replay_paused: bool | None  # pg_is_wal_replay_paused(), when it answered
    pool: PoolStats


class QueryObserver(Protocol):
    """Told how long each statement took (`Storage.observe_queries`)."""

    def __call__(self, operation: str, seconds: float) -> None:
        """`operation` is the driver call: fetch, fetchrow, fetchval, execute or insert."""
        ...


class Storage(Protocol):
    """A broker database: opens transactions and reports its health."""

    @property
    def description(self) -> str:
        """Where the data lives, fit to print (no password)."""
        ...

    def pool_stats(self) -> PoolStats:
        """The connections now, for `/metrics`; costs no statement."""
        ...

    def observe_queries(self, observer: QueryObserver | None) -> None:
        """Time every statement from now on and tell `observer` (None: stop timing)."""
        ...

    def transaction(self) -> AbstractAsyncContextManager[Transaction]:
        """Open a transaction: committed when the block ends, rolled back if it raises."""
        ...

    def browse(self) -> AbstractAsyncContextManager[Transaction]:
        """Open a read-only transaction for browsing: pages, listings, documents shown.

        With a read replica (`ACCORD_DATABASE_READ_URL`) it runs there while the replica is at
        most `ACCORD_DATABASE_READ_MAX_LAG` seconds behind, else on the primary: what it reads
        may miss the last seconds' writes. Never decide a write or a gate (can-i-deploy, what
        to verify) on it, nor read back what the same caller just wrote. Any write in it
        fails (PostgreSQL: `READ ONLY` transaction; SQLite: `query_only`).
        """
        ...

    async def read_replica(self) -> ReplicaStatus | None:
        """The read replica's state, checked first if the last check is a second old.

        None without a read replica (SQLite, or no `ACCORD_DATABASE_READ_URL`).
        """
        ...

    def exclusive(self, name: str) -> AbstractAsyncContextManager[bool]:
        """Hold a named lock across transactions while the block runs; whether it was got.

        Never waits: False when another holder has it. PostgreSQL: an advisory lock of a
        transaction kept open for the block (so it holds behind PgBouncer in transaction mode
        too), so one replica of several holds it; SQLite:
        within this process (its one broker process).
        """
        ...

    async def migrate(self) -> list[str]:
        """Apply pending schema migrations; the names of those applied.

        Raises:
            SchemaTooNewError: the database was migrated by a newer Accord.
        """
        ...

    async def check(self) -> None:
        """Raise `StorageUnavailableError` unless the database answers now."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...

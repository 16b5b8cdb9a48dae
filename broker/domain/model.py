"""The broker's nouns, as immutable values.

Ids of pacticipants, versions and branches are the storage's row ids (they order versions by
creation, which is what "latest" means, as with the Pact Broker's `order_versions_by_date`).
Environments, deployed versions and released versions carry UUIDs chosen by the services.
"""

from __future__ import annotations

from datetime import datetime
from typing import TypeAlias

import msgspec

# Arbitrary JSON, as Pact documents and contact details carry it. msgspec cannot resolve a
# recursive alias on Python 3.11, so the alias is `object` (any decoded JSON value).
JSONValue: TypeAlias = object


class Pacticipant(msgspec.Struct, frozen=True, kw_only=True):
    """An application taking part in contracts: a consumer, a provider, or both."""

    id: int
    name: str
    display_name: str | None = None
    repository_url: str | None = None
    repository_name: str | None = None
    repository_namespace: str | None = None
    main_branch: str | None = None
    created_at: datetime
    updated_at: datetime


class PacticipantChanges(msgspec.Struct, frozen=True, kw_only=True):
    """The editable attributes of a pacticipant; `UNSET` leaves one as it is."""

    display_name: str | msgspec.UnsetType | None = msgspec.UNSET
    repository_url: str | msgspec.UnsetType | None = msgspec.UNSET
    repository_name: str | msgspec.UnsetType | None = msgspec.UNSET
    repository_namespace: str | msgspec.UnsetType | None = msgspec.UNSET
    main_branch: str | msgspec.UnsetType | None = msgspec.UNSET


class Version(msgspec.Struct, frozen=True, kw_only=True):
    """One build of a pacticipant, named by its version number (usually a git sha)."""

    id: int
    pacticipant_id: int
    number: str
    build_url: str | None = None
    created_at: datetime
    updated_at: datetime


class Branch(msgspec.Struct, frozen=True, kw_only=True):
    """A line of development of a pacticipant; versions are added to it over time."""

    id: int
    pacticipant_id: int
    name: str
    created_at: datetime


class BranchVersion(msgspec.Struct, frozen=True, kw_only=True):
    """The fact that a version belongs to a branch, and when it was added."""

    branch_id: int
    version_id: int
    created_at: datetime


class Tag(msgspec.Struct, frozen=True, kw_only=True):
    """A named marker on a version (the pre-branch, pre-environment way of describing it)."""

    version_id: int
    name: str
    created_at: datetime


class Contact(msgspec.Struct, frozen=True, kw_only=True):
    """Who to talk to about an environment; `details` is free-form (emailAddress, …)."""

    name: str
    details: dict[str, JSONValue] = msgspec.field(default_factory=dict)


class Environment(msgspec.Struct, frozen=True, kw_only=True):
    """A place versions are deployed or released to (test, production…)."""

    uuid: str
    name: str
    display_name: str
    production: bool
    contacts: tuple[Contact, ...] = ()
    created_at: datetime
    updated_at: datetime


class DeployedVersion(msgspec.Struct, frozen=True, kw_only=True):
    """A version running in an environment, optionally as one application instance of several.

    A null `application_instance` is an instance of its own, as in the Pact Broker.
    """

    uuid: str
    version_id: int
    pacticipant_id: int
    environment_id: str
    application_instance: str | None
    created_at: datetime
    undeployed_at: datetime | None = None

    @property
    def is_currently_deployed(self) -> bool:
        """Whether the version still runs there."""
        return self.undeployed_at is None


class ReleasedVersion(msgspec.Struct, frozen=True, kw_only=True):
    """A version released to an environment and supported there until support ends."""

    uuid: str
    version_id: int
    pacticipant_id: int
    environment_id: str
    created_at: datetime
    support_ended_at: datetime | None = None

    @property
    def is_currently_supported(self) -> bool:
        """Whether the release is still supported."""
        return self.support_ended_at is None


class Page(msgspec.Struct, frozen=True, kw_only=True):
    """Which slice of a list a caller asked for: 1-based page number and page size."""

    number: int = 1
    size: int = 100

    @property
    def offset(self) -> int:
        """Rows to skip before this page."""
        return (self.number - 1) * self.size


class PactVersion(msgspec.Struct, frozen=True, kw_only=True):
    """One distinct content of the pact between a consumer and a provider.

    Content-addressed: `sha` is computed over a canonical form, so re-serialised or re-ordered
    documents share one pact version. `content` is the document as first received, kept
    byte-for-byte (Pact files carry fields the broker does not model).
    """

    id: int
    consumer_id: int
    provider_id: int
    sha: str
    content: str
    created_at: datetime


class PactPublication(msgspec.Struct, frozen=True, kw_only=True):
    """The pact a consumer version holds with one provider: which content, since when.

    `revision` counts the times the content changed under the same consumer version (only
    possible when the broker allows contract modification).
    """

    id: int
    consumer_id: int
    provider_id: int
    consumer_version_id: int
    pact_version_id: int
    revision: int
    created_at: datetime
    updated_at: datetime
    content: str | None = None

    def document(self, pact_version: PactVersion) -> str:
        """The document this consumer version published (kept when it differs in form)."""
        return pact_version.content if self.content is None else self.content


class Verification(msgspec.Struct, frozen=True, kw_only=True):
    """A provider version's verdict on one pact content.

    `test_results` and `verified_by` are kept as the JSON the verifier sent: the Rust and Ruby
    verifiers send different shapes, and clients read them back as sent.
    """

    id: int
    pact_version_id: int
    consumer_id: int
    provider_id: int
    provider_version_id: int
    success: bool
    build_url: str | None = None
    test_results: str | None = None
    verified_by: str | None = None
    metadata: str | None = None
    wip: bool = False  # the verifier fetched the pact as work in progress
    created_at: datetime


class ProviderContract(msgspec.Struct, frozen=True, kw_only=True):
    """One distinct OpenAPI document of a provider, named by the SHA-256 of its bytes."""

    id: int
    provider_id: int
    sha: str
    content: str
    content_type: str
    specification: str
    created_at: datetime


class ProviderContractPublication(msgspec.Struct, frozen=True, kw_only=True):
    """The document a provider version published, with its own tests' verdict.

    `self_verification_success` is None when no self-verification results were published;
    `self_verification` is their JSON (content, contentType, format, verifier, verifierVersion).
    """

    id: int
    provider_id: int
    provider_version_id: int
    contract_version_id: int
    self_verification_success: bool | None
    self_verification: str | None
    created_at: datetime
    updated_at: datetime


class Comparison(msgspec.Struct, frozen=True, kw_only=True):
    """A pact content checked against a provider document: bi-directional verification.

    `findings` is the JSON array openapi-pact-comparator would print for the pact.
    """

    id: int
    pact_version_id: int
    contract_version_id: int
    success: bool
    findings: str
    created_at: datetime

"""Request bodies as the Pact clients send them: camelCase, unknown fields ignored."""

from __future__ import annotations

from typing import Annotated

import msgspec

from broker.domain.model import Contact, JSONValue, PacticipantChanges
from broker.http.operation_docs import NAME, WHEN

# Schema only (`/openapi.json`): decoding is unchanged, and the services refuse a bad name
# with their own messages (domain/names.py).
Name = Annotated[str, msgspec.Meta(extra_json_schema=dict(NAME))]
"""A pacticipant, version, tag, branch or environment name."""

SpacelessName = Annotated[Name, msgspec.Meta(extra_json_schema={"pattern": "^[^\\s\\x00]+$"})]
"""A name without spaces (environments, main branches)."""

When = Annotated[str, msgspec.Meta(extra_json_schema=dict(WHEN))]
"""A date, or a time with its offset."""

NotBlank = Annotated[str, msgspec.Meta(extra_json_schema={"pattern": "\\S"})]
"""A text with something besides spaces (token, user and team names)."""


class _Wire(msgspec.Struct, rename="camel", kw_only=True, forbid_unknown_fields=False):
    """Base of request structs."""


OptionalText = str | None | msgspec.UnsetType


class PacticipantBody(_Wire):
    """POST /pacticipants, PUT and PATCH /pacticipants/{name}."""

    name: Name | msgspec.UnsetType = msgspec.UNSET
    display_name: OptionalText = msgspec.UNSET
    repository_url: OptionalText = msgspec.UNSET
    repository_name: OptionalText = msgspec.UNSET
    repository_namespace: OptionalText = msgspec.UNSET
    main_branch: SpacelessName | msgspec.UnsetType | None = msgspec.UNSET

    def changes(self) -> PacticipantChanges:
        """The attributes this body sets."""
        return PacticipantChanges(
            display_name=self.display_name,
            repository_url=self.repository_url,
            repository_name=self.repository_name,
            repository_namespace=self.repository_namespace,
            main_branch=self.main_branch,
        )

    def replacement(self) -> PacticipantChanges:
        """For PUT: attributes the body leaves out are cleared."""

        def value(v: OptionalText) -> str | None:
            return None if v is msgspec.UNSET else v

        return PacticipantChanges(
            display_name=value(self.display_name),
            repository_url=value(self.repository_url),
            repository_name=value(self.repository_name),
            repository_namespace=value(self.repository_namespace),
            main_branch=value(self.main_branch),
        )


class TagRef(_Wire):
    """A tag named in a version body."""

    name: Name


class VersionBody(_Wire):
    """PUT and PATCH /pacticipants/{p}/versions/{v}."""

    build_url: OptionalText = msgspec.UNSET
    tags: list[TagRef] = msgspec.field(default_factory=list)


class ContactBody(_Wire):
    """An environment contact."""

    name: NotBlank
    details: dict[str, JSONValue] = msgspec.field(default_factory=dict)


class EnvironmentBody(_Wire):
    """POST /environments and PUT /environments/{uuid}."""

    name: SpacelessName
    production: bool
    display_name: str | None = None
    contacts: list[ContactBody] | None = None

    def contact_values(self) -> tuple[Contact, ...]:
        """Contacts as domain values."""
        return tuple(Contact(name=c.name, details=c.details) for c in self.contacts or [])


class DeploymentBody(_Wire):
    """POST …/deployed-versions/environment/{uuid}; `target` is the deprecated name."""

    application_instance: str | None = None
    target: str | None = None

    def instance(self) -> str | None:
        """The application instance, or None for the unnamed one."""
        value = self.application_instance if self.application_instance is not None else self.target
        return value or None


class EmptyBody(_Wire):
    """Bodies that carry nothing the broker reads (branch and tag PUTs, record-release)."""


class DeployedPatch(_Wire):
    """PATCH /deployed-versions/{uuid}."""

    currently_deployed: Annotated[bool, msgspec.Meta(extra_json_schema={"const": False})]


class ReleasedPatch(_Wire):
    """PATCH /released-versions/{uuid}."""

    currently_supported: Annotated[bool, msgspec.Meta(extra_json_schema={"const": False})]


class ContractBody(_Wire):
    """One item of `contracts` in `POST /contracts/publish`."""

    consumer_name: Name
    provider_name: Name
    specification: Annotated[str, msgspec.Meta(extra_json_schema={"enum": ["pact"]})]
    content_type: Annotated[str, msgspec.Meta(extra_json_schema={"examples": ["application/json"]})]
    content: Annotated[str, msgspec.Meta(extra_json_schema={"contentEncoding": "base64"})]
    on_conflict: Annotated[
        str | None, msgspec.Meta(extra_json_schema={"enum": [None, "overwrite", "merge"]})
    ] = None


class PublishBody(_Wire):
    """`POST /contracts/publish`."""

    pacticipant_name: Name
    pacticipant_version_number: Name
    contracts: list[ContractBody]
    branch: Name | None = None
    tags: list[Name] | None = None
    build_url: str | None = None


class VerificationBody(_Wire):
    """`POST …/pact-version/{sha}/verification-results`, in the Rust or the Ruby shape.

    `testResults` is a list (Rust) or an object (Ruby), and `verifiedBy` the verifier's own
    object: both are kept as the JSON received.
    """

    success: bool
    provider_application_version: str
    build_url: str | None = None
    # msgspec cannot put Raw in a union, so an absent member is the raw JSON `null`.
    test_results: msgspec.Raw = msgspec.Raw(b"null")
    verified_by: msgspec.Raw = msgspec.Raw(b"null")


class SelectorBody(_Wire):
    """One consumer version selector (pact-broker-api §7.2)."""

    main_branch: bool | None = None
    branch: str | None = None
    matching_branch: bool | None = None
    fallback_branch: str | None = None
    tag: str | None = None
    fallback_tag: str | None = None
    latest: bool | None = None
    consumer: str | None = None
    deployed: bool | None = None
    released: bool | None = None
    deployed_or_released: bool | None = None
    environment: str | None = None


class ForVerificationBody(_Wire):
    """`POST /pacts/provider/{provider}/for-verification`."""

    consumer_version_selectors: list[SelectorBody] | None = None
    provider_version_branch: str | None = None
    provider_version_tags: list[str] | None = None
    include_pending_status: bool = False
    include_wip_pacts_since: Annotated[str, msgspec.Meta(extra_json_schema=dict(WHEN))] | None = (
        None
    )


class SelfVerificationBody(_Wire):
    """`contract.selfVerificationResults`: the provider's own test run of its document."""

    success: bool
    content: str | None = None
    content_type: str | None = None
    format: str | None = None
    verifier: str | None = None
    verifier_version: str | None = None


class ProviderContractBody(_Wire):
    """`contract` in `POST /provider-contracts/provider/{p}/publish`."""

    content: str
    content_type: str | None = None
    specification: str = "oas"
    self_verification_results: SelfVerificationBody | None = None


class PublishProviderContractBody(_Wire):
    """`POST /provider-contracts/provider/{p}/publish` (pact-broker-api §14.1)."""

    pacticipant_version_number: Name
    contract: ProviderContractBody
    branch: Name | None = None
    tags: list[Name] | None = None
    build_url: str | None = None

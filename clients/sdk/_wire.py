"""The SDK's own view of the broker's HAL resources (camelCase on the wire).

These structs are written from the Pact Broker's documented shapes, not imported from
`broker/`, so a drift between the two shows up in the contract tests. Unknown fields are
ignored; fields the broker may leave out default to None or empty. Timestamps stay strings:
clients display them and never compute with them.
"""

from __future__ import annotations

import msgspec


class Link(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """One HAL link; `name` tells apart the items of a multi-link."""

    href: str
    name: str | None = None
    title: str | None = None
    templated: bool = False


# A relation holds one link or, for multi-links such as `pb:record-deployment`, an array.
Links = dict[str, Link | list[Link]]


class Resource(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """Anything the broker serves: it carries `_links`."""

    links: Links = msgspec.field(default_factory=dict, name="_links")


class Index(Resource, frozen=True, kw_only=True):
    """`GET /`: only the relations matter."""


class ContactDetails(msgspec.Struct, frozen=True, kw_only=True, rename="camel", omit_defaults=True):
    """How to reach a contact; the broker allows more keys, only this one is modelled."""

    email_address: str | None = None


class Contact(msgspec.Struct, frozen=True, kw_only=True, rename="camel", omit_defaults=True):
    """A person or team responsible for an environment."""

    name: str
    details: ContactDetails | None = None


class Environment(Resource, frozen=True, kw_only=True):
    """An environment such as `production`, identified by `uuid`."""

    uuid: str
    name: str
    display_name: str | None = None
    production: bool = False
    contacts: list[Contact] = msgspec.field(default_factory=list)
    created_at: str | None = None
    updated_at: str | None = None


class EnvironmentsEmbedded(msgspec.Struct, frozen=True, kw_only=True):
    """The `_embedded` member of the environment list."""

    environments: list[Environment] = msgspec.field(default_factory=list)


class EnvironmentList(Resource, frozen=True, kw_only=True):
    """`GET /environments`."""

    embedded: EnvironmentsEmbedded = msgspec.field(
        default_factory=EnvironmentsEmbedded, name="_embedded"
    )


class VersionRef(Resource, frozen=True, kw_only=True):
    """A version named from another resource."""

    number: str


class PacticipantRef(Resource, frozen=True, kw_only=True):
    """A pacticipant named from another resource."""

    name: str


class EnvironmentRef(Resource, frozen=True, kw_only=True):
    """An environment named from another resource."""

    name: str
    uuid: str | None = None
    display_name: str | None = None


class PacticipantEmbedded(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """The `_embedded` member of a pacticipant."""

    latest_version: VersionRef | None = None


class Pacticipant(Resource, frozen=True, kw_only=True):
    """A consumer or provider application."""

    name: str
    display_name: str | None = None
    main_branch: str | None = None
    repository_url: str | None = None
    repository_name: str | None = None
    repository_namespace: str | None = None
    created_at: str | None = None
    updated_at: str | None = None
    embedded: PacticipantEmbedded = msgspec.field(
        default_factory=PacticipantEmbedded, name="_embedded"
    )


class PacticipantsEmbedded(msgspec.Struct, frozen=True, kw_only=True):
    """The `_embedded` member of the pacticipant list."""

    pacticipants: list[Pacticipant] = msgspec.field(default_factory=list)


class PacticipantList(Resource, frozen=True, kw_only=True):
    """`GET /pacticipants`."""

    embedded: PacticipantsEmbedded = msgspec.field(
        default_factory=PacticipantsEmbedded, name="_embedded"
    )


class Tag(Resource, frozen=True, kw_only=True):
    """A tag on a version."""

    name: str


class BranchVersion(Resource, frozen=True, kw_only=True):
    """A branch a version belongs to; `latest` says whether it is the branch's head."""

    name: str
    latest: bool | None = None


class VersionEmbedded(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """The `_embedded` member of a version."""

    tags: list[Tag] = msgspec.field(default_factory=list)
    branch_versions: list[BranchVersion] = msgspec.field(default_factory=list)


class Version(Resource, frozen=True, kw_only=True):
    """A pacticipant version, with its branches and tags."""

    number: str
    build_url: str | None = None
    created_at: str | None = None
    embedded: VersionEmbedded = msgspec.field(default_factory=VersionEmbedded, name="_embedded")


class DeploymentEmbedded(msgspec.Struct, frozen=True, kw_only=True):
    """The `_embedded` member of a deployed or released version."""

    version: VersionRef | None = None
    pacticipant: PacticipantRef | None = None
    environment: EnvironmentRef | None = None


class DeployedVersion(Resource, frozen=True, kw_only=True):
    """A version deployed to an environment (and application instance)."""

    uuid: str
    currently_deployed: bool
    application_instance: str | None = None
    # Deprecated name of application_instance, still sent by the Pact Broker.
    target: str | None = None
    undeployed_at: str | None = None
    created_at: str | None = None
    embedded: DeploymentEmbedded = msgspec.field(
        default_factory=DeploymentEmbedded, name="_embedded"
    )


class ReleasedVersion(Resource, frozen=True, kw_only=True):
    """A version released to an environment (several may be supported at once)."""

    uuid: str
    currently_supported: bool
    support_ended_at: str | None = None
    created_at: str | None = None
    embedded: DeploymentEmbedded = msgspec.field(
        default_factory=DeploymentEmbedded, name="_embedded"
    )


class DeployedVersionsEmbedded(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """The `_embedded` member of a deployed version list."""

    deployed_versions: list[DeployedVersion] = msgspec.field(default_factory=list)


class DeployedVersionList(Resource, frozen=True, kw_only=True):
    """`GET /environments/{uuid}/deployed-versions/currently-deployed`."""

    embedded: DeployedVersionsEmbedded = msgspec.field(
        default_factory=DeployedVersionsEmbedded, name="_embedded"
    )


class ReleasedVersionsEmbedded(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """The `_embedded` member of a released version list."""

    released_versions: list[ReleasedVersion] = msgspec.field(default_factory=list)


class ReleasedVersionList(Resource, frozen=True, kw_only=True):
    """`GET /environments/{uuid}/released-versions/currently-supported`."""

    embedded: ReleasedVersionsEmbedded = msgspec.field(
        default_factory=ReleasedVersionsEmbedded, name="_embedded"
    )


class Notice(msgspec.Struct, frozen=True, kw_only=True):
    """A message from the broker for the user, of `type` success, warning, error, info or debug."""

    type: str
    text: str


class PublishedContractsEmbedded(msgspec.Struct, frozen=True, kw_only=True):
    """The `_embedded` member of a publish-contracts answer."""

    pacticipant: PacticipantRef | None = None
    version: VersionRef | None = None


class PublishedContracts(Resource, frozen=True, kw_only=True):
    """The answer to `POST /contracts/publish`.

    `notices` say what the broker did; `_links["pb:contracts"]` holds one link per published
    pact, named "Pact between C (v) and P".
    """

    notices: list[Notice] = msgspec.field(default_factory=list)
    embedded: PublishedContractsEmbedded = msgspec.field(
        default_factory=PublishedContractsEmbedded, name="_embedded"
    )


class ConsumerVersionEmbedded(msgspec.Struct, frozen=True, kw_only=True):
    """The `_embedded` member of a latest pact's consumer: the consumer version."""

    version: VersionRef | None = None


class LatestPactConsumer(Resource, frozen=True, kw_only=True):
    """The consumer of a latest pact, with the version that published it."""

    name: str
    embedded: ConsumerVersionEmbedded = msgspec.field(
        default_factory=ConsumerVersionEmbedded, name="_embedded"
    )


class LatestPactEmbedded(msgspec.Struct, frozen=True, kw_only=True):
    """The `_embedded` member of a latest pact."""

    consumer: LatestPactConsumer
    provider: PacticipantRef


class LatestPact(Resource, frozen=True, kw_only=True):
    """The latest pact of one integration; `_links.self` lists its latest and by-version URLs."""

    created_at: str | None = None
    embedded: LatestPactEmbedded = msgspec.field(name="_embedded")


class LatestPactList(Resource, frozen=True, kw_only=True):
    """`GET /pacts/latest`: the pacts sit in a top-level `pacts` member, not in `_embedded`."""

    pacts: list[LatestPact] = msgspec.field(default_factory=list)

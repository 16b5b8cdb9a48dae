"""HAL bodies of environments and of the versions deployed or released to them (§10-11)."""

from __future__ import annotations

import msgspec

from broker.domain.model import Environment, JSONValue
from broker.http.hal import Links, timestamp
from broker.http.resources import P, V
from broker.http.responses import Link, Ref, Resource, SelfLinks
from broker.http.version_resources import VersionSummary, version_summary
from broker.services.deployments import Deployment, Release

ENVIRONMENT = "/environments/{e}"


class ContactBody(Resource):
    """One contact of an environment; `details` is whatever the team gave."""

    name: str
    details: dict[str, JSONValue]


class EnvironmentLinks(Resource):
    """`_links` of an environment."""

    self_: Link = msgspec.field(name="self")
    currently_deployed: Link = msgspec.field(name="pb:currently-deployed-deployed-versions")
    currently_supported: Link = msgspec.field(name="pb:currently-supported-released-versions")
    environments: Link = msgspec.field(name="pb:environments")


class EnvironmentResource(Resource, kw_only=True):
    """`/environments/{uuid}`: `updatedAt` only once it was changed."""

    uuid: str
    name: str
    display_name: str
    production: bool
    contacts: list[ContactBody]
    created_at: str
    updated_at: str | None = None
    links: EnvironmentLinks = msgspec.field(name="_links")


def environment(links: Links, e: Environment) -> EnvironmentResource:
    """An environment resource."""
    href = links.path(ENVIRONMENT, e=e.uuid)
    return EnvironmentResource(
        uuid=e.uuid,
        name=e.name,
        display_name=e.display_name,
        production=e.production,
        contacts=[ContactBody(name=c.name, details=c.details) for c in e.contacts],
        created_at=timestamp(e.created_at),
        updated_at=timestamp(e.updated_at) if e.updated_at != e.created_at else None,
        links=EnvironmentLinks(
            self_=Link(href=href, title="Environment", name=e.name),
            currently_deployed=Link(
                href=f"{href}/deployed-versions/currently-deployed",
                title="Versions currently deployed",
            ),
            currently_supported=Link(
                href=f"{href}/released-versions/currently-supported",
                title="Versions currently supported",
            ),
            environments=Link(href=links.href("environments"), title="Environments"),
        ),
    )


class EnvironmentsEmbedded(Resource):
    """`_embedded` of the environments list."""

    environments: list[EnvironmentResource]


class EnvironmentsLinks(Resource):
    """`_links` of the environments list."""

    self_: Link = msgspec.field(name="self")
    environments: list[Link] = msgspec.field(name="pb:environments")


class EnvironmentsList(Resource):
    """`GET /environments`."""

    embedded: EnvironmentsEmbedded = msgspec.field(name="_embedded")
    links: EnvironmentsLinks = msgspec.field(name="_links")


def environments(links: Links, items: list[Environment]) -> EnvironmentsList:
    """`GET /environments`: both `_embedded.environments` and named `pb:environments` links."""
    return EnvironmentsList(
        embedded=EnvironmentsEmbedded(environments=[environment(links, e) for e in items]),
        links=EnvironmentsLinks(
            self_=Link(href=links.href("environments"), title="Environments"),
            environments=[
                Link(href=links.path(ENVIRONMENT, e=e.uuid), title="Environment", name=e.name)
                for e in items
            ],
        ),
    )


class EnvironmentRef(Resource):
    """An environment inside a deployed or released version."""

    uuid: str
    name: str
    display_name: str
    production: bool
    links: SelfLinks = msgspec.field(name="_links")


class RecordEmbedded(Resource):
    """`_embedded` of a deployed or released version: who, which version, where."""

    pacticipant: Ref
    version: VersionSummary
    environment: EnvironmentRef


class RecordLinks(Resource):
    """`_links` of a deployed or released version."""

    self_: Link = msgspec.field(name="self")
    version: Link = msgspec.field(name="pb:version")
    environment: Link = msgspec.field(name="pb:environment")


def _embedded_parts(links: Links, held: Deployment | Release) -> RecordEmbedded:
    p, e = held.pacticipant, held.environment
    return RecordEmbedded(
        pacticipant=Ref(name=p.name, links=SelfLinks(self_=Link(href=links.path(P, p=p.name)))),
        version=version_summary(links, p, held.version),
        environment=EnvironmentRef(
            uuid=e.uuid,
            name=e.name,
            display_name=e.display_name,
            production=e.production,
            links=SelfLinks(self_=Link(href=links.path(ENVIRONMENT, e=e.uuid), name=e.name)),
        ),
    )


def _record_links(links: Links, self_: Link, held: Deployment | Release) -> RecordLinks:
    return RecordLinks(
        self_=self_,
        version=Link(href=links.path(V, p=held.pacticipant.name, v=held.version.number)),
        environment=Link(href=links.path(ENVIRONMENT, e=held.environment.uuid)),
    )


class DeployedVersionResource(Resource):
    """`/deployed-versions/{uuid}`: `undeployedAt` is null while deployed."""

    uuid: str
    currently_deployed: bool
    application_instance: str | None
    target: str | None  # the deprecated name of applicationInstance, still read by old clients
    created_at: str
    undeployed_at: str | None
    embedded: RecordEmbedded = msgspec.field(name="_embedded")
    links: RecordLinks = msgspec.field(name="_links")


def deployed_version(links: Links, d: Deployment) -> DeployedVersionResource:
    """A deployed-version resource."""
    r = d.record
    return DeployedVersionResource(
        uuid=r.uuid,
        currently_deployed=r.is_currently_deployed,
        application_instance=r.application_instance,
        target=r.application_instance,
        created_at=timestamp(r.created_at),
        undeployed_at=timestamp(r.undeployed_at) if r.undeployed_at else None,
        embedded=_embedded_parts(links, d),
        links=_record_links(
            links,
            Link(href=links.path("/deployed-versions/{u}", u=r.uuid), title="Deployed version"),
            d,
        ),
    )


class ReleasedVersionResource(Resource):
    """`/released-versions/{uuid}`: `supportEndedAt` is null while supported."""

    uuid: str
    currently_supported: bool
    created_at: str
    support_ended_at: str | None
    embedded: RecordEmbedded = msgspec.field(name="_embedded")
    links: RecordLinks = msgspec.field(name="_links")


def released_version(links: Links, r: Release) -> ReleasedVersionResource:
    """A released-version resource."""
    rec = r.record
    return ReleasedVersionResource(
        uuid=rec.uuid,
        currently_supported=rec.is_currently_supported,
        created_at=timestamp(rec.created_at),
        support_ended_at=timestamp(rec.support_ended_at) if rec.support_ended_at else None,
        embedded=_embedded_parts(links, r),
        links=_record_links(
            links,
            Link(href=links.path("/released-versions/{u}", u=rec.uuid), title="Released version"),
            r,
        ),
    )


class DeployedEmbedded(Resource):
    """`_embedded` of a list of deployed versions."""

    deployed_versions: list[DeployedVersionResource]


class DeployedList(Resource):
    """A list of deployed versions."""

    embedded: DeployedEmbedded = msgspec.field(name="_embedded")
    links: SelfLinks = msgspec.field(name="_links")


def deployed_list(links: Links, href: str, items: list[Deployment]) -> DeployedList:
    """A list of deployed versions."""
    return DeployedList(
        embedded=DeployedEmbedded(deployed_versions=[deployed_version(links, d) for d in items]),
        links=SelfLinks(self_=Link(href=href)),
    )


class ReleasedEmbedded(Resource):
    """`_embedded` of a list of released versions."""

    released_versions: list[ReleasedVersionResource]


class ReleasedList(Resource):
    """A list of released versions."""

    embedded: ReleasedEmbedded = msgspec.field(name="_embedded")
    links: SelfLinks = msgspec.field(name="_links")


def released_list(links: Links, href: str, items: list[Release]) -> ReleasedList:
    """A list of released versions."""
    return ReleasedList(
        embedded=ReleasedEmbedded(released_versions=[released_version(links, r) for r in items]),
        links=SelfLinks(self_=Link(href=href)),
    )

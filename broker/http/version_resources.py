"""HAL bodies of a pacticipant's versions, tags and branches (pact-broker-api §3-4)."""

from __future__ import annotations

import msgspec

from broker.domain.model import Branch, Environment, Pacticipant, Page, Tag, Version
from broker.http.hal import Links, timestamp
from broker.http.resources import P, V, changed, paging, self_links
from broker.http.responses import (
    Link,
    ListLinks,
    OwnedListLinks,
    PageInfo,
    Resource,
    SelfLinks,
    TemplatedLink,
)
from broker.services.versions import BranchDetails, VersionDetails


class BranchHeadRef(Resource):
    """A branch a version is on, and whether the version is its latest."""

    name: str
    latest: bool
    links: SelfLinks = msgspec.field(name="_links")


class VersionEmbedded(Resource):
    """`_embedded` of a version."""

    branch_versions: list[BranchHeadRef]
    tags: list[TagResource]


class VersionLinks(Resource):
    """`_links` of a version."""

    self_: Link = msgspec.field(name="self")
    pacticipant: Link = msgspec.field(name="pb:pacticipant")
    tag: TemplatedLink = msgspec.field(name="pb:tag")
    deployed_environments: list[Link] = msgspec.field(name="pb:deployed-environments")
    released_environments: list[Link] = msgspec.field(name="pb:released-environments")
    record_deployment: list[Link] = msgspec.field(name="pb:record-deployment")
    record_release: list[Link] = msgspec.field(name="pb:record-release")
    latest_results_as_consumer: Link = msgspec.field(
        name="pb:latest-verification-results-where-pacticipant-is-consumer"
    )


class VersionResource(Resource, kw_only=True):
    """`/pacticipants/{p}/versions/{v}`: `updatedAt` only once it was changed."""

    number: str
    build_url: str | None
    created_at: str
    updated_at: str | None = None
    embedded: VersionEmbedded = msgspec.field(name="_embedded")
    links: VersionLinks = msgspec.field(name="_links")


def version(links: Links, details: VersionDetails) -> VersionResource:
    """A version resource, with `pb:record-deployment`/`pb:record-release` per environment."""
    p, v = details.pacticipant, details.version
    self_href = links.path(V, p=p.name, v=v.number)
    deployed = set(details.deployed_environment_ids)
    released = set(details.released_environment_ids)

    def environment_link(e: Environment) -> Link:
        return Link(
            href=links.path("/environments/{e}", e=e.uuid), title=e.display_name, name=e.name
        )

    return VersionResource(
        number=v.number,
        build_url=v.build_url,
        created_at=timestamp(v.created_at),
        updated_at=changed(v.created_at, v.updated_at),
        embedded=VersionEmbedded(
            branch_versions=[
                BranchHeadRef(
                    name=b.name,
                    latest=b.is_latest,
                    links=self_links(
                        links.path(
                            "/pacticipants/{p}/branches/{b}/versions/{v}",
                            p=p.name,
                            b=b.name,
                            v=v.number,
                        )
                    ),
                )
                for b in details.branches
            ],
            tags=[tag(links, p, v, t) for t in details.tags],
        ),
        links=VersionLinks(
            self_=Link(href=self_href, title="Version", name=v.number),
            pacticipant=Link(href=links.path(P, p=p.name), title="Pacticipant", name=p.name),
            tag=TemplatedLink(
                href=f"{self_href}/tags/{{tag}}", title="Get, create or delete a tag"
            ),
            latest_results_as_consumer=Link(
                href=links.path(
                    "/verification-results/consumer/{p}/version/{v}/latest", p=p.name, v=v.number
                ),
                title="The newest verification result of each pact this version published",
            ),
            deployed_environments=[
                environment_link(e) for e in details.environments if e.uuid in deployed
            ],
            released_environments=[
                environment_link(e) for e in details.environments if e.uuid in released
            ],
            record_deployment=[
                Link(
                    href=f"{self_href}/deployed-versions/environment/{e.uuid}",
                    title=f"Record deployment to {e.display_name}",
                    name=e.name,
                )
                for e in details.environments
            ],
            record_release=[
                Link(
                    href=f"{self_href}/released-versions/environment/{e.uuid}",
                    title=f"Record release to {e.display_name}",
                    name=e.name,
                )
                for e in details.environments
            ],
        ),
    )


class VersionSummary(Resource):
    """A version inside a list or another resource."""

    number: str
    build_url: str | None
    created_at: str
    links: SelfLinks = msgspec.field(name="_links")


def version_summary(links: Links, p: Pacticipant, v: Version) -> VersionSummary:
    """A version inside a list."""
    return VersionSummary(
        number=v.number,
        build_url=v.build_url,
        created_at=timestamp(v.created_at),
        links=SelfLinks(self_=Link(href=links.path(V, p=p.name, v=v.number), name=v.number)),
    )


class VersionsEmbedded(Resource):
    """`_embedded` of a page of versions."""

    versions: list[VersionSummary]


class VersionsPage(Resource):
    """`GET /pacticipants/{p}/versions`."""

    page: PageInfo
    embedded: VersionsEmbedded = msgspec.field(name="_embedded")
    links: OwnedListLinks = msgspec.field(name="_links")


def versions(
    links: Links, p: Pacticipant, items: list[Version], page: Page, total: int
) -> VersionsPage:
    """`GET /pacticipants/{p}/versions`, newest first."""
    href = links.path(P, p=p.name) + "/versions"
    parts = paging(links, href, page, total, len(items))
    return VersionsPage(
        page=parts.info,
        embedded=VersionsEmbedded(versions=[version_summary(links, p, v) for v in items]),
        links=OwnedListLinks(
            self_=Link(href=href, title="Versions"),
            pacticipant=Link(href=links.path(P, p=p.name), name=p.name),
            previous=parts.previous,
            next=parts.next,
        ),
    )


class TagLinks(Resource):
    """`_links` of a tag."""

    self_: Link = msgspec.field(name="self")
    version: Link = msgspec.field(name="pb:version")
    pacticipant: Link = msgspec.field(name="pb:pacticipant")


class TagResource(Resource):
    """`/pacticipants/{p}/versions/{v}/tags/{t}`."""

    name: str
    created_at: str
    links: TagLinks = msgspec.field(name="_links")


def tag(links: Links, p: Pacticipant, v: Version, t: Tag) -> TagResource:
    """A tag resource."""
    href = links.path("/pacticipants/{p}/versions/{v}/tags/{t}", p=p.name, v=v.number, t=t.name)
    return TagResource(
        name=t.name,
        created_at=timestamp(t.created_at),
        links=TagLinks(
            self_=Link(href=href, title="Tag", name=t.name),
            version=Link(href=links.path(V, p=p.name, v=v.number), title="Version", name=v.number),
            pacticipant=Link(href=links.path(P, p=p.name), name=p.name),
        ),
    )


class BranchEmbedded(Resource):
    """`_embedded` of a branch with versions."""

    latest_version: VersionSummary


class BranchLinks(Resource):
    """`_links` of a branch."""

    self_: Link = msgspec.field(name="self")
    versions: Link = msgspec.field(name="pb:versions")
    pacticipant: Link = msgspec.field(name="pb:pacticipant")


class BranchResource(Resource, kw_only=True):
    """`/pacticipants/{p}/branches/{b}`: `_embedded` only once the branch has a version."""

    name: str
    created_at: str
    embedded: BranchEmbedded | None = msgspec.field(name="_embedded", default=None)
    links: BranchLinks = msgspec.field(name="_links")


def branch(links: Links, details: BranchDetails) -> BranchResource:
    """A branch resource."""
    p, b = details.pacticipant, details.branch
    href = links.path("/pacticipants/{p}/branches/{b}", p=p.name, b=b.name)
    embedded = None
    if details.head is not None:
        embedded = BranchEmbedded(latest_version=version_summary(links, p, details.head))
    return BranchResource(
        name=b.name,
        created_at=timestamp(b.created_at),
        embedded=embedded,
        links=BranchLinks(
            self_=Link(href=href, title="Branch", name=b.name),
            versions=Link(href=f"{href}/versions", title="Versions of the branch"),
            pacticipant=Link(href=links.path(P, p=p.name), name=p.name),
        ),
    )


class BranchSummary(Resource):
    """A branch inside a list."""

    name: str
    created_at: str
    links: SelfLinks = msgspec.field(name="_links")


class BranchesEmbedded(Resource):
    """`_embedded` of a page of branches."""

    branches: list[BranchSummary]


class BranchesPage(Resource):
    """`GET /pacticipants/{p}/branches`."""

    page: PageInfo
    embedded: BranchesEmbedded = msgspec.field(name="_embedded")
    links: OwnedListLinks = msgspec.field(name="_links")


def branches(
    links: Links, p: Pacticipant, items: list[Branch], page: Page, total: int
) -> BranchesPage:
    """`GET /pacticipants/{p}/branches`."""
    href = links.path(P, p=p.name) + "/branches"
    parts = paging(links, href, page, total, len(items))
    return BranchesPage(
        page=parts.info,
        embedded=BranchesEmbedded(
            branches=[
                BranchSummary(
                    name=b.name,
                    created_at=timestamp(b.created_at),
                    links=self_links(
                        links.path("/pacticipants/{p}/branches/{b}", p=p.name, b=b.name)
                    ),
                )
                for b in items
            ]
        ),
        links=OwnedListLinks(
            self_=Link(href=href),
            pacticipant=Link(href=links.path(P, p=p.name)),
            previous=parts.previous,
            next=parts.next,
        ),
    )


class BranchVersionEmbedded(Resource):
    """`_embedded` of a branch version."""

    version: VersionSummary


class BranchVersionLinks(Resource):
    """`_links` of a branch version."""

    self_: Link = msgspec.field(name="self")
    branch: Link = msgspec.field(name="pb:branch")
    version: Link = msgspec.field(name="pb:version")


class BranchVersionResource(Resource):
    """`/pacticipants/{p}/branches/{b}/versions/{v}`."""

    name: str
    latest: bool
    embedded: BranchVersionEmbedded = msgspec.field(name="_embedded")
    links: BranchVersionLinks = msgspec.field(name="_links")


def branch_version(links: Links, details: BranchDetails, v: Version) -> BranchVersionResource:
    """`PUT|GET /pacticipants/{p}/branches/{b}/versions/{v}`."""
    p, b = details.pacticipant, details.branch
    href = links.path("/pacticipants/{p}/branches/{b}/versions/{v}", p=p.name, b=b.name, v=v.number)
    return BranchVersionResource(
        name=b.name,
        latest=details.head is not None and details.head.id == v.id,
        embedded=BranchVersionEmbedded(version=version_summary(links, p, v)),
        links=BranchVersionLinks(
            self_=Link(href=href, title="Branch version"),
            branch=Link(
                href=links.path("/pacticipants/{p}/branches/{b}", p=p.name, b=b.name), name=b.name
            ),
            version=Link(href=links.path(V, p=p.name, v=v.number), name=v.number),
        ),
    )


class BranchVersionsPage(Resource):
    """`GET /pacticipants/{p}/branches/{b}/versions`."""

    page: PageInfo
    embedded: VersionsEmbedded = msgspec.field(name="_embedded")
    links: ListLinks = msgspec.field(name="_links")


def branch_versions(
    links: Links, details: BranchDetails, items: list[Version], page: Page, total: int
) -> BranchVersionsPage:
    """`GET /pacticipants/{p}/branches/{b}/versions`, most recently added first."""
    p, b = details.pacticipant, details.branch
    href = links.path("/pacticipants/{p}/branches/{b}", p=p.name, b=b.name) + "/versions"
    parts = paging(links, href, page, total, len(items))
    return BranchVersionsPage(
        page=parts.info,
        embedded=VersionsEmbedded(versions=[version_summary(links, p, v) for v in items]),
        links=ListLinks(self_=Link(href=href), previous=parts.previous, next=parts.next),
    )

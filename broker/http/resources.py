"""HAL bodies of the broker's resources, in the Pact Broker's shapes.

See pact-broker-api §2-4 and §10-11 for the shapes the clients read.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple
from urllib.parse import urlencode

import msgspec

from broker.domain.model import Pacticipant, Page
from broker.http.hal import Body, Links, segment, timestamp
from broker.http.responses import (
    Label,
    LabelLinks,
    Link,
    PageInfo,
    Ref,
    Resource,
    SelfLinks,
    TemplatedLink,
    VersionRef,
)
from broker.services.pacticipants import PacticipantDetails

P = "/pacticipants/{p}"
V = "/pacticipants/{p}/versions/{v}"


def index(links: Links) -> Body:
    """`GET /`: every relation this broker serves, templated where the clients expand them."""
    t = links.templated
    return {
        "_links": {
            "self": links.link(links.href() + "/", title="Index"),
            "pb:pacticipants": links.link(links.href("pacticipants"), title="Pacticipants"),
            "pb:pacticipant": t("/pacticipants/{pacticipant}", title="Fetch pacticipant by name"),
            "pb:latest-version": t(
                "/pacticipants/{pacticipant}/latest-version", title="Latest pacticipant version"
            ),
            "pb:latest-tagged-version": t(
                "/pacticipants/{pacticipant}/latest-version/{tag}",
                title="Latest pacticipant version with the specified tag",
            ),
            "pb:pacticipant-version": t(
                "/pacticipants/{pacticipant}/versions/{version}",
                title="Get, create or delete a pacticipant version",
            ),
            "pb:pacticipant-version-tag": t(
                "/pacticipants/{pacticipant}/versions/{version}/tags/{tag}",
                title="Get, create or delete a tag for a version",
            ),
            "pb:pacticipant-branch": t(
                "/pacticipants/{pacticipant}/branches/{branch}", title="Get or delete a branch"
            ),
            "pb:pacticipant-branch-version": t(
                "/pacticipants/{pacticipant}/branches/{branch}/versions/{version}",
                title="Get or add/create a pacticipant version for a branch",
            ),
            "pb:environments": links.link(links.href("environments"), title="Environments"),
            "pb:environment": t("/environments/{uuid}", title="Environment"),
            "pb:publish-contracts": links.link(
                links.href("contracts", "publish"), title="Publish contracts"
            ),
            "pf:publish-provider-contract": t(
                "/provider-contracts/provider/{provider}/publish",
                title="Publish a provider contract (OpenAPI document)",
            ),
            "pb:publish-pact": t(
                "/pacts/provider/{provider}/consumer/{consumer}/version/{consumerApplicationVersion}",
                title="Publish a pact",
            ),
            "pb:latest-pact-versions": links.link(
                links.href("pacts", "latest"), title="Latest pact versions"
            ),
            "pb:tagged-pact-versions": t(
                "/pacts/provider/{provider}/consumer/{consumer}/tag/{tag}",
                title="Every pact between a consumer and a provider from tagged consumer versions",
            ),
            "pb:branch-pact-versions": t(
                "/pacts/provider/{provider}/consumer/{consumer}/branch/{branch}",
                title="Every pact between a consumer and a provider from a consumer branch",
            ),
            "pb:latest-branch-pact-versions": t(
                "/pacts/provider/{provider}/consumer/{consumer}/branch/{branch}/latest",
                title="The newest pact between a consumer and a provider from a consumer branch",
            ),
            "pb:main-branch-pact-versions": t(
                "/pacts/provider/{provider}/consumer/{consumer}/branch",
                title="Every pact between a consumer and a provider from the consumer's main "
                "branch",
            ),
            "pb:latest-main-branch-pact-versions": t(
                "/pacts/provider/{provider}/consumer/{consumer}/branch/latest",
                title="The newest pact between a consumer and a provider from the consumer's "
                "main branch",
            ),
            "pb:provider-pacts-for-verification": t(
                "/pacts/provider/{provider}/for-verification",
                title="Pact versions to be verified for the specified provider",
            ),
            "beta:provider-pacts-for-verification": {
                **t("/pacts/provider/{provider}/for-verification", title="DEPRECATED"),
                "name": "beta",
            },
            "pb:can-i-deploy-pacticipant-version-to-tag": t(
                "/can-i-deploy?pacticipant={pacticipant}&version={version}&to={tag}",
                title="Determine if an application version can be deployed to a tag",
            ),
            "pb:can-i-deploy-pacticipant-version-to-environment": t(
                "/can-i-deploy?pacticipant={pacticipant}&version={version}"
                "&environment={environment}",
                title="Determine if an application version can be deployed to an environment",
            ),
            "pb:latest-provider-pacts": t(
                "/pacts/provider/{provider}/latest", title="Latest pacts by provider"
            ),
            "pb:latest-provider-pacts-with-tag": t(
                "/pacts/provider/{provider}/latest/{tag}",
                title="Latest pacts for provider with the specified tag",
            ),
            "pb:provider-pacts": t(
                "/pacts/provider/{provider}", title="All pact versions for the specified provider"
            ),
            "pb:provider-pacts-with-tag": t(
                "/pacts/provider/{provider}/tag/{tag}",
                title="All pact versions for the provider with the specified consumer version tag",
            ),
            "pb:provider-pacts-with-branch": t(
                "/pacts/provider/{provider}/branch/{branch}",
                title="All pact versions for the provider with the specified consumer version "
                "branch",
            ),
            "pb:provider-pacts-with-main-branch": t(
                "/pacts/provider/{provider}/branch",
                title="All pact versions for the provider from the consumers' main branches",
            ),
            "pb:latest-provider-pacts-with-branch": t(
                "/pacts/provider/{provider}/branch/{branch}/latest",
                title="Latest pacts for provider with the specified consumer version branch",
            ),
            "pb:latest-provider-pacts-with-main-branch": t(
                "/pacts/provider/{provider}/branch/latest",
                title="Latest pacts for provider from the consumers' main branches",
            ),
            "accord:change-requests": links.link(
                links.href("change-requests"), title="Contract changes awaiting or past sign-off"
            ),
            "accord:change-request": t("/change-requests/{id}", title="A change request"),
            "accord:pacticipant-mode": t(
                "/pacticipants/{pacticipant}/mode", title="A pacticipant's governance mode"
            ),
            "accord:approval-policy": t(
                "/pacticipants/{pacticipant}/approval-policy",
                title="Who approves a pacticipant's contract changes",
            ),
            "pb:integrations": links.link(links.href("integrations"), title="Integrations"),
            "pb:webhooks": links.link(links.href("webhooks"), title="Webhooks"),
            "pb:webhook": t("/webhooks/{uuid}", title="Webhook"),
            "accord:audit": links.link(links.href("audit"), title="The audit log"),
            "curies": curies(links, "index", "pb", "beta"),
        }
    }


def curies(links: Links, context: str, *names: str) -> list[Body]:
    """`curies`: where the HAL browser finds the page describing a `pb:` (or `beta:`) relation."""
    href = links.href("doc") + "/{rel}?context=" + context
    return [{"name": name, "href": href, "templated": True} for name in names]


class PacticipantEmbedded(Resource):
    """`_embedded` of a pacticipant: `latestVersion` (and its older name) once it has versions."""

    labels: list[Ref]
    latest_version: VersionRef | None = None
    latest_version_old: VersionRef | None = msgspec.field(name="latest-version", default=None)


class PacticipantLinks(Resource):
    """`_links` of a pacticipant."""

    self_: Link = msgspec.field(name="self")
    pb_versions: Link = msgspec.field(name="pb:versions")
    version: TemplatedLink = msgspec.field(name="pb:version")
    version_tag: TemplatedLink = msgspec.field(name="pb:version-tag")
    branches: Link = msgspec.field(name="pb:branches")
    branch_version: TemplatedLink = msgspec.field(name="pb:branch-version")
    latest_version: Link = msgspec.field(name="pb:latest-version")
    label: TemplatedLink = msgspec.field(name="pb:label")
    can_i_deploy_badge: TemplatedLink = msgspec.field(name="pb:can-i-deploy-badge")
    can_i_deploy_branch_badge: TemplatedLink = msgspec.field(
        name="pb:can-i-deploy-branch-to-environment-badge"
    )
    notifications: Link = msgspec.field(name="pb:notifications")
    mode: Link = msgspec.field(name="accord:mode")
    approval_policy: Link = msgspec.field(name="accord:approval-policy")
    change_requests: Link = msgspec.field(name="accord:change-requests")
    versions: Link
    curies: list[Body]


class PacticipantResource(Resource, kw_only=True):
    """`/pacticipants/{p}`: `updatedAt` only once it was changed."""

    name: str
    display_name: str | None
    repository_url: str | None
    repository_name: str | None
    repository_namespace: str | None
    main_branch: str | None
    created_at: str
    updated_at: str | None = None
    embedded: PacticipantEmbedded = msgspec.field(name="_embedded")
    links: PacticipantLinks = msgspec.field(name="_links")


def self_links(href: str) -> SelfLinks:
    """`_links` holding only `self`, a bare link."""
    return SelfLinks(self_=Link(href=href))


def changed(created: datetime, updated: datetime) -> str | None:
    """`updatedAt`: sent only when it differs from `createdAt`."""
    return timestamp(updated) if updated != created else None


def pacticipant(links: Links, details: PacticipantDetails) -> PacticipantResource:
    """A pacticipant resource."""
    p = details.pacticipant
    self_href = links.path(P, p=p.name)
    latest = None
    if details.latest_version_number is not None:
        number = details.latest_version_number
        latest = VersionRef(number=number, links=self_links(links.path(V, p=p.name, v=number)))
    return PacticipantResource(
        name=p.name,
        display_name=p.display_name,
        repository_url=p.repository_url,
        repository_name=p.repository_name,
        repository_namespace=p.repository_namespace,
        main_branch=p.main_branch,
        created_at=timestamp(p.created_at),
        updated_at=changed(p.created_at, p.updated_at),
        embedded=PacticipantEmbedded(
            labels=[
                Ref(name=label, links=self_links(f"{self_href}/labels/{segment(label)}"))
                for label in details.labels
            ],
            latest_version=latest,
            latest_version_old=latest,  # the older name, still read by old clients
        ),
        links=PacticipantLinks(
            self_=Link(href=self_href, title="Pacticipant", name=p.name),
            pb_versions=Link(href=f"{self_href}/versions", title="Versions"),
            version=TemplatedLink(href=f"{self_href}/versions/{{version}}", title="Version"),
            version_tag=TemplatedLink(
                href=f"{self_href}/versions/{{version}}/tags/{{tag}}", title="Version tag"
            ),
            branches=Link(href=f"{self_href}/branches", title="Branches"),
            branch_version=TemplatedLink(
                href=f"{self_href}/branches/{{branch}}/versions/{{version}}",
                title="Branch version",
            ),
            latest_version=Link(href=f"{self_href}/latest-version", title="Latest version"),
            label=TemplatedLink(href=f"{self_href}/labels/{{label}}", title="Label"),
            can_i_deploy_badge=TemplatedLink(
                href=f"{self_href}/latest-version/{{tag}}/can-i-deploy/to/{{environment}}/badge",
                title="Can I Deploy badge of the latest version with a tag",
            ),
            can_i_deploy_branch_badge=TemplatedLink(
                href=f"{self_href}/branches/{{branch}}/latest-version/can-i-deploy"
                "/to-environment/{environment}/badge",
                title="Can I Deploy badge of the latest version of a branch",
            ),
            notifications=Link(href=f"{self_href}/notifications", title="Notifications"),
            mode=Link(href=f"{self_href}/mode", title="Governance mode"),
            approval_policy=Link(
                href=f"{self_href}/approval-policy", title="Who approves its contract changes"
            ),
            change_requests=Link(
                href=links.href("change-requests") + "?" + urlencode({"pacticipant": p.name}),
                title="Its change requests",
            ),
            versions=Link(href=f"{self_href}/versions", title="Versions"),
            curies=curies(links, "pacticipant", "pb"),
        ),
    )


# The title the Pact Broker gives each pacticipant of its older, non-embedded list.
LISTED_TITLE = "DEPRECATED - Please use the embedded pacticipants collection"


class PacticipantSummary(Resource):
    """A pacticipant inside a list or another resource."""

    name: str
    display_name: str | None
    repository_url: str | None
    main_branch: str | None
    created_at: str
    links: SelfLinks = msgspec.field(name="_links")


def pacticipant_summary(links: Links, p: Pacticipant) -> PacticipantSummary:
    """A pacticipant inside a list or another resource."""
    return PacticipantSummary(
        name=p.name,
        display_name=p.display_name,
        repository_url=p.repository_url,
        main_branch=p.main_branch,
        created_at=timestamp(p.created_at),
        links=SelfLinks(self_=Link(href=links.path(P, p=p.name), name=p.name)),
    )


class Labelled(Resource):
    """`GET /pacticipants/label/{label}`: every pacticipant with the label, unpaged."""

    embedded: PacticipantsEmbedded = msgspec.field(name="_embedded")
    links: SelfLinks = msgspec.field(name="_links")


def labelled(links: Links, label: str, items: list[Pacticipant]) -> Labelled:
    """The pacticipants carrying `label`."""
    return Labelled(
        embedded=PacticipantsEmbedded(pacticipants=[pacticipant_summary(links, p) for p in items]),
        links=self_links(links.path("/pacticipants/label/{l}", l=label)),
    )


def label(links: Links, name: str, label: str) -> Label:
    """A label of a pacticipant."""
    return Label(
        name=label,
        links=LabelLinks(
            self_=Link(href=links.path("/pacticipants/{p}/labels/{l}", p=name, l=label)),
            pacticipant=Link(href=links.path(P, p=name), name=name),
        ),
    )


class LabelsEmbedded(Resource):
    """`_embedded` of a pacticipant's labels."""

    labels: list[Label]


class Labels(Resource):
    """`GET /pacticipants/{p}/labels`: every label of the pacticipant, unpaged."""

    embedded: LabelsEmbedded = msgspec.field(name="_embedded")
    links: SelfLinks = msgspec.field(name="_links")


def labels(links: Links, name: str, names: list[str]) -> Labels:
    """The labels `name` carries."""
    return Labels(
        embedded=LabelsEmbedded(labels=[label(links, name, each) for each in names]),
        links=SelfLinks(self_=Link(href=links.path(P + "/labels", p=name), title="Labels")),
    )


class PacticipantsEmbedded(Resource):
    """`_embedded` of a list of pacticipants."""

    pacticipants: list[PacticipantSummary]


class Paging(NamedTuple):
    """The `page` member of one page of a list, and the links to the pages around it."""

    info: PageInfo
    previous: Link | None
    next: Link | None


def paging(
    links: Links,
    href: str,
    page: Page,
    total: int,
    count: int,
    *,
    query: Sequence[tuple[str, str]] = (),
) -> Paging:
    """The `page` member and the previous/next links of one page of a list.

    `query` holds the list's filters, which the links keep.
    """
    info = PageInfo(
        number=page.number,
        size=page.size,
        total_elements=total,
        total_pages=max(1, -(-total // page.size)),
    )
    previous = next_ = None
    if page.number > 1:
        previous = Link(href=page_href(href, query, page, -1), title="Previous page")
    if page.offset + count < total:
        next_ = Link(href=page_href(href, query, page, +1), title="Next page")
    return Paging(info, previous, next_)


def paged(
    links: Links,
    href: str,
    page: Page,
    total: int,
    count: int,
    *,
    query: Sequence[tuple[str, str]] = (),
) -> tuple[Body, Body]:
    """`paging` for bodies still built as dicts: the `page` member and the `_links` to merge."""
    parts = paging(links, href, page, total, count, query=query)
    nav: Body = {}
    if parts.previous is not None:
        nav["previous"] = msgspec.to_builtins(parts.previous)
    if parts.next is not None:
        nav["next"] = msgspec.to_builtins(parts.next)
    return msgspec.to_builtins(parts.info), nav


def page_href(href: str, query: Sequence[tuple[str, str]], page: Page, step: int = 0) -> str:
    """The address of the page `step` pages from `page`, with the list's filters."""
    pairs = [*query, ("page", str(page.number + step)), ("size", str(page.size))]
    return f"{href}?{urlencode(pairs)}"


class PacticipantsLinks(Resource):
    """`_links` of the pacticipants list: each pacticipant under both relation names."""

    self_: Link = msgspec.field(name="self")
    pb_pacticipants: list[Link] = msgspec.field(name="pb:pacticipants")
    pacticipants: list[Link]
    previous: Link | None = None
    next: Link | None = None


class ListedPacticipant(PacticipantSummary, kw_only=True):
    """A pacticipant in the top-level `pacticipants` array, which the Rust CLI still reads."""

    title: str


class PacticipantsPage(Resource):
    """`GET /pacticipants`: the pacticipants embedded, and again in `pacticipants` (deprecated)."""

    page: PageInfo
    embedded: PacticipantsEmbedded = msgspec.field(name="_embedded")
    links: PacticipantsLinks = msgspec.field(name="_links")
    pacticipants: list[ListedPacticipant]


def pacticipants(
    links: Links, items: list[Pacticipant], page: Page, total: int
) -> PacticipantsPage:
    """`GET /pacticipants`."""
    href = links.href("pacticipants")
    parts = paging(links, href, page, total, len(items))
    item_links = [
        Link(href=links.path(P, p=p.name), title=p.display_name or p.name, name=p.name)
        for p in items
    ]
    summaries = [pacticipant_summary(links, p) for p in items]
    return PacticipantsPage(
        page=parts.info,
        pacticipants=[
            ListedPacticipant(**msgspec.structs.asdict(s), title=LISTED_TITLE) for s in summaries
        ],
        embedded=PacticipantsEmbedded(pacticipants=summaries),
        links=PacticipantsLinks(
            self_=Link(href=href),
            pb_pacticipants=item_links,
            pacticipants=item_links,
            previous=parts.previous,
            next=parts.next,
        ),
    )

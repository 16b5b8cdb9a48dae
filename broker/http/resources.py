"""HAL bodies of the broker's resources, in the Pact Broker's shapes.

See pact-broker-api §2-4 and §10-11 for the shapes the clients read.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode

from broker.domain.model import Branch, Environment, Pacticipant, Page, Tag, Version
from broker.http.hal import Body, Links, segment, timestamp
from broker.services.deployments import Deployment, Release
from broker.services.pacticipants import PacticipantDetails
from broker.services.versions import BranchDetails, VersionDetails

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
            "accord:audit": links.link(links.href("audit"), title="The audit log"),
        }
    }


def pacticipant(links: Links, details: PacticipantDetails) -> Body:
    """A pacticipant resource."""
    p = details.pacticipant
    self_href = links.path(P, p=p.name)
    body: Body = {
        "name": p.name,
        "displayName": p.display_name,
        "repositoryUrl": p.repository_url,
        "repositoryName": p.repository_name,
        "repositoryNamespace": p.repository_namespace,
        "mainBranch": p.main_branch,
        "createdAt": timestamp(p.created_at),
    }
    if p.updated_at != p.created_at:
        body["updatedAt"] = timestamp(p.updated_at)
    embedded: Body = {
        "labels": [
            {
                "name": label,
                "_links": {"self": links.link(f"{self_href}/labels/{segment(label)}")},
            }
            for label in details.labels
        ]
    }
    if details.latest_version_number is not None:
        latest = {
            "number": details.latest_version_number,
            "_links": {
                "self": links.link(links.path(V, p=p.name, v=details.latest_version_number))
            },
        }
        embedded["latestVersion"] = latest
        embedded["latest-version"] = latest  # the older name, still read by old clients
    body["_embedded"] = embedded
    body["_links"] = {
        "self": links.link(self_href, title="Pacticipant", name=p.name),
        "pb:versions": links.link(f"{self_href}/versions", title="Versions"),
        "pb:version": {
            "href": f"{self_href}/versions/{{version}}",
            "title": "Version",
            "templated": True,
        },
        "pb:version-tag": {
            "href": f"{self_href}/versions/{{version}}/tags/{{tag}}",
            "title": "Version tag",
            "templated": True,
        },
        "pb:branches": links.link(f"{self_href}/branches", title="Branches"),
        "pb:branch-version": {
            "href": f"{self_href}/branches/{{branch}}/versions/{{version}}",
            "title": "Branch version",
            "templated": True,
        },
        "pb:latest-version": links.link(f"{self_href}/latest-version", title="Latest version"),
        "pb:label": {"href": f"{self_href}/labels/{{label}}", "title": "Label", "templated": True},
        "pb:notifications": links.link(f"{self_href}/notifications", title="Notifications"),
        "accord:mode": links.link(f"{self_href}/mode", title="Governance mode"),
        "accord:approval-policy": links.link(
            f"{self_href}/approval-policy", title="Who approves its contract changes"
        ),
        "accord:change-requests": links.link(
            links.href("change-requests") + "?" + urlencode({"pacticipant": p.name}),
            title="Its change requests",
        ),
        "versions": links.link(f"{self_href}/versions", title="Versions"),
    }
    return body


def pacticipant_summary(links: Links, p: Pacticipant) -> Body:
    """A pacticipant inside a list or another resource."""
    body: Body = {
        "name": p.name,
        "displayName": p.display_name,
        "repositoryUrl": p.repository_url,
        "mainBranch": p.main_branch,
        "createdAt": timestamp(p.created_at),
        "_links": {"self": links.link(links.path(P, p=p.name), name=p.name)},
    }
    return body


def paged(
    links: Links,
    href: str,
    page: Page,
    total: int,
    count: int,
    *,
    query: Sequence[tuple[str, str]] = (),
) -> tuple[Body, Body]:
    """The `page` member and the next/previous links of one page of a list.

    `query` holds the list's filters, which the links keep.
    """
    pages = max(1, -(-total // page.size))
    info: Body = {
        "number": page.number,
        "size": page.size,
        "totalElements": total,
        "totalPages": pages,
    }
    nav: Body = {}
    if page.number > 1:
        nav["previous"] = links.link(page_href(href, query, page, -1), title="Previous page")
    if page.offset + count < total:
        nav["next"] = links.link(page_href(href, query, page, +1), title="Next page")
    return info, nav


def page_href(href: str, query: Sequence[tuple[str, str]], page: Page, step: int = 0) -> str:
    """The address of the page `step` pages from `page`, with the list's filters."""
    pairs = [*query, ("page", str(page.number + step)), ("size", str(page.size))]
    return f"{href}?{urlencode(pairs)}"


def pacticipants(links: Links, items: list[Pacticipant], page: Page, total: int) -> Body:
    """`GET /pacticipants`."""
    href = links.href("pacticipants")
    info, nav = paged(links, href, page, total, len(items))
    item_links = [
        links.link(links.path(P, p=p.name), title=p.display_name or p.name, name=p.name)
        for p in items
    ]
    return {
        "page": info,
        "_embedded": {"pacticipants": [pacticipant_summary(links, p) for p in items]},
        "_links": {
            "self": links.link(href),
            "pb:pacticipants": item_links,
            "pacticipants": item_links,
            **nav,
        },
    }


def version(links: Links, details: VersionDetails) -> Body:
    """A version resource, with `pb:record-deployment`/`pb:record-release` per environment."""
    p, v = details.pacticipant, details.version
    self_href = links.path(V, p=p.name, v=v.number)
    body: Body = {"number": v.number, "buildUrl": v.build_url, "createdAt": timestamp(v.created_at)}
    if v.updated_at != v.created_at:
        body["updatedAt"] = timestamp(v.updated_at)
    body["_embedded"] = {
        "branchVersions": [
            {
                "name": b.name,
                "latest": b.is_latest,
                "_links": {
                    "self": links.link(
                        links.path(
                            "/pacticipants/{p}/branches/{b}/versions/{v}",
                            p=p.name,
                            b=b.name,
                            v=v.number,
                        )
                    )
                },
            }
            for b in details.branches
        ],
        "tags": [tag(links, p, v, t) for t in details.tags],
    }
    deployed = set(details.deployed_environment_ids)
    released = set(details.released_environment_ids)
    body["_links"] = {
        "self": links.link(self_href, title="Version", name=v.number),
        "pb:pacticipant": links.link(links.path(P, p=p.name), title="Pacticipant", name=p.name),
        "pb:tag": {
            "href": f"{self_href}/tags/{{tag}}",
            "title": "Get, create or delete a tag",
            "templated": True,
        },
        "pb:deployed-environments": [
            links.link(links.path("/environments/{e}", e=e.uuid), title=e.display_name, name=e.name)
            for e in details.environments
            if e.uuid in deployed
        ],
        "pb:released-environments": [
            links.link(links.path("/environments/{e}", e=e.uuid), title=e.display_name, name=e.name)
            for e in details.environments
            if e.uuid in released
        ],
        "pb:record-deployment": [
            links.link(
                f"{self_href}/deployed-versions/environment/{e.uuid}",
                title=f"Record deployment to {e.display_name}",
                name=e.name,
            )
            for e in details.environments
        ],
        "pb:record-release": [
            links.link(
                f"{self_href}/released-versions/environment/{e.uuid}",
                title=f"Record release to {e.display_name}",
                name=e.name,
            )
            for e in details.environments
        ],
    }
    return body


def version_summary(links: Links, p: Pacticipant, v: Version) -> Body:
    """A version inside a list."""
    return {
        "number": v.number,
        "buildUrl": v.build_url,
        "createdAt": timestamp(v.created_at),
        "_links": {"self": links.link(links.path(V, p=p.name, v=v.number), name=v.number)},
    }


def versions(links: Links, p: Pacticipant, items: list[Version], page: Page, total: int) -> Body:
    """`GET /pacticipants/{p}/versions`, newest first."""
    href = links.path(P, p=p.name) + "/versions"
    info, nav = paged(links, href, page, total, len(items))
    return {
        "page": info,
        "_embedded": {"versions": [version_summary(links, p, v) for v in items]},
        "_links": {
            "self": links.link(href, title="Versions"),
            "pb:pacticipant": links.link(links.path(P, p=p.name), name=p.name),
            **nav,
        },
    }


def tag(links: Links, p: Pacticipant, v: Version, t: Tag) -> Body:
    """A tag resource."""
    href = links.path("/pacticipants/{p}/versions/{v}/tags/{t}", p=p.name, v=v.number, t=t.name)
    return {
        "name": t.name,
        "createdAt": timestamp(t.created_at),
        "_links": {
            "self": links.link(href, title="Tag", name=t.name),
            "pb:version": links.link(
                links.path(V, p=p.name, v=v.number), title="Version", name=v.number
            ),
            "pb:pacticipant": links.link(links.path(P, p=p.name), name=p.name),
        },
    }


def branch(links: Links, details: BranchDetails) -> Body:
    """A branch resource."""
    p, b = details.pacticipant, details.branch
    href = links.path("/pacticipants/{p}/branches/{b}", p=p.name, b=b.name)
    body: Body = {"name": b.name, "createdAt": timestamp(b.created_at)}
    if details.head is not None:
        body["_embedded"] = {"latestVersion": version_summary(links, p, details.head)}
    body["_links"] = {
        "self": links.link(href, title="Branch", name=b.name),
        "pb:versions": links.link(f"{href}/versions", title="Versions of the branch"),
        "pb:pacticipant": links.link(links.path(P, p=p.name), name=p.name),
    }
    return body


def branches(links: Links, p: Pacticipant, items: list[Branch], page: Page, total: int) -> Body:
    """`GET /pacticipants/{p}/branches`."""
    href = links.path(P, p=p.name) + "/branches"
    info, nav = paged(links, href, page, total, len(items))
    return {
        "page": info,
        "_embedded": {
            "branches": [
                {
                    "name": b.name,
                    "createdAt": timestamp(b.created_at),
                    "_links": {
                        "self": links.link(
                            links.path("/pacticipants/{p}/branches/{b}", p=p.name, b=b.name)
                        )
                    },
                }
                for b in items
            ]
        },
        "_links": {
            "self": links.link(href),
            "pb:pacticipant": links.link(links.path(P, p=p.name)),
            **nav,
        },
    }


def branch_version(links: Links, details: BranchDetails, v: Version) -> Body:
    """`PUT|GET /pacticipants/{p}/branches/{b}/versions/{v}`."""
    p, b = details.pacticipant, details.branch
    href = links.path("/pacticipants/{p}/branches/{b}/versions/{v}", p=p.name, b=b.name, v=v.number)
    return {
        "name": b.name,
        "latest": details.head is not None and details.head.id == v.id,
        "_embedded": {"version": version_summary(links, p, v)},
        "_links": {
            "self": links.link(href, title="Branch version"),
            "pb:branch": links.link(
                links.path("/pacticipants/{p}/branches/{b}", p=p.name, b=b.name), name=b.name
            ),
            "pb:version": links.link(links.path(V, p=p.name, v=v.number), name=v.number),
        },
    }


def branch_versions(
    links: Links, details: BranchDetails, items: list[Version], page: Page, total: int
) -> Body:
    """`GET /pacticipants/{p}/branches/{b}/versions`, most recently added first."""
    p, b = details.pacticipant, details.branch
    href = links.path("/pacticipants/{p}/branches/{b}", p=p.name, b=b.name) + "/versions"
    info, nav = paged(links, href, page, total, len(items))
    return {
        "page": info,
        "_embedded": {"versions": [version_summary(links, p, v) for v in items]},
        "_links": {"self": links.link(href), **nav},
    }


def environment(links: Links, e: Environment) -> Body:
    """An environment resource."""
    href = links.path("/environments/{e}", e=e.uuid)
    body: Body = {
        "uuid": e.uuid,
        "name": e.name,
        "displayName": e.display_name,
        "production": e.production,
        "contacts": [{"name": c.name, "details": c.details} for c in e.contacts],
        "createdAt": timestamp(e.created_at),
    }
    if e.updated_at != e.created_at:
        body["updatedAt"] = timestamp(e.updated_at)
    body["_links"] = {
        "self": links.link(href, title="Environment", name=e.name),
        "pb:currently-deployed-deployed-versions": links.link(
            f"{href}/deployed-versions/currently-deployed", title="Versions currently deployed"
        ),
        "pb:currently-supported-released-versions": links.link(
            f"{href}/released-versions/currently-supported", title="Versions currently supported"
        ),
        "pb:environments": links.link(links.href("environments"), title="Environments"),
    }
    return body


def environments(links: Links, items: list[Environment]) -> Body:
    """`GET /environments`: both `_embedded.environments` and named `pb:environments` links."""
    return {
        "_embedded": {"environments": [environment(links, e) for e in items]},
        "_links": {
            "self": links.link(links.href("environments"), title="Environments"),
            "pb:environments": [
                links.link(
                    links.path("/environments/{e}", e=e.uuid), title="Environment", name=e.name
                )
                for e in items
            ],
        },
    }


def _embedded_parts(links: Links, p: Pacticipant, v: Version, e: Environment) -> Body:
    return {
        "pacticipant": {"name": p.name, "_links": {"self": links.link(links.path(P, p=p.name))}},
        "version": version_summary(links, p, v),
        "environment": {
            "uuid": e.uuid,
            "name": e.name,
            "displayName": e.display_name,
            "production": e.production,
            "_links": {"self": links.link(links.path("/environments/{e}", e=e.uuid), name=e.name)},
        },
    }


def deployed_version(links: Links, d: Deployment) -> Body:
    """A deployed-version resource."""
    r = d.record
    return {
        "uuid": r.uuid,
        "currentlyDeployed": r.is_currently_deployed,
        "applicationInstance": r.application_instance,
        "target": r.application_instance,  # the deprecated name, still read by old clients
        "createdAt": timestamp(r.created_at),
        "undeployedAt": timestamp(r.undeployed_at) if r.undeployed_at else None,
        "_embedded": _embedded_parts(links, d.pacticipant, d.version, d.environment),
        "_links": {
            "self": links.link(
                links.path("/deployed-versions/{u}", u=r.uuid), title="Deployed version"
            ),
            "pb:version": links.link(links.path(V, p=d.pacticipant.name, v=d.version.number)),
            "pb:environment": links.link(links.path("/environments/{e}", e=d.environment.uuid)),
        },
    }


def released_version(links: Links, r: Release) -> Body:
    """A released-version resource."""
    rec = r.record
    return {
        "uuid": rec.uuid,
        "currentlySupported": rec.is_currently_supported,
        "createdAt": timestamp(rec.created_at),
        "supportEndedAt": timestamp(rec.support_ended_at) if rec.support_ended_at else None,
        "_embedded": _embedded_parts(links, r.pacticipant, r.version, r.environment),
        "_links": {
            "self": links.link(
                links.path("/released-versions/{u}", u=rec.uuid), title="Released version"
            ),
            "pb:version": links.link(links.path(V, p=r.pacticipant.name, v=r.version.number)),
            "pb:environment": links.link(links.path("/environments/{e}", e=r.environment.uuid)),
        },
    }


def deployed_list(links: Links, href: str, items: list[Deployment]) -> Body:
    """A list of deployed versions."""
    return {
        "_embedded": {"deployedVersions": [deployed_version(links, d) for d in items]},
        "_links": {"self": links.link(href)},
    }


def released_list(links: Links, href: str, items: list[Release]) -> Body:
    """A list of released versions."""
    return {
        "_embedded": {"releasedVersions": [released_version(links, r) for r in items]},
        "_links": {"self": links.link(href)},
    }

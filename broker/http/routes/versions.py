"""Versions, tags and branches (pact-broker-api §4)."""

from __future__ import annotations

from litestar import Controller, Response, delete, get, patch, put

from broker.http import version_resources
from broker.http.body import read_json
from broker.http.context import LinksDep, PathName, Services, ServicesDep, page_of
from broker.http.hal import AnyRequest, Links, hal
from broker.http.operation_docs import PAGING, documented
from broker.http.permissions import read, write
from broker.http.wire import EmptyBody, VersionBody

_SAVE_VERSION = documented(
    body=VersionBody, returns=version_resources.VersionResource, statuses=(200, 201)
)


class VersionController(Controller):
    """`/pacticipants/{p}/versions…` and `/pacticipants/{p}/latest-version…`."""

    path = "/pacticipants/{pacticipant:str}"

    @get("/versions", opt=read() | documented(query=PAGING, returns=version_resources.VersionsPage))
    async def list_versions(
        self, pacticipant: PathName, request: AnyRequest, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """Versions, newest first, paginated."""
        page = page_of(request)
        p, items, total = await services.versions.list_versions(pacticipant, page)
        return hal(version_resources.versions(links, p, items, page, total))

    @get(
        "/versions/{version:str}",
        opt=read() | documented(returns=version_resources.VersionResource),
    )
    async def get_version(
        self, pacticipant: PathName, version: PathName, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """One version with its tags, branches and record-deployment links."""
        details = await services.versions.get(pacticipant, version)
        return hal(version_resources.version(links, details))

    @put("/versions/{version:str}", opt=write(owner="pacticipant") | _SAVE_VERSION)
    async def put_version(
        self,
        pacticipant: PathName,
        version: PathName,
        request: AnyRequest,
        services: ServicesDep,
        links: LinksDep,
    ) -> Response[bytes]:
        """Create or update a version (201 new, 200 existing); keeps `buildUrl` and `tags`."""
        return await _create_or_update(pacticipant, version, request, services, links)

    @patch("/versions/{version:str}", opt=write(owner="pacticipant") | _SAVE_VERSION)
    async def patch_version(
        self,
        pacticipant: PathName,
        version: PathName,
        request: AnyRequest,
        services: ServicesDep,
        links: LinksDep,
    ) -> Response[bytes]:
        """Merge `buildUrl` and `tags` into a version, creating it if new."""
        return await _create_or_update(pacticipant, version, request, services, links)

    @delete("/versions/{version:str}", status_code=204, opt=write(owner="pacticipant"))
    async def delete_version(
        self, pacticipant: PathName, version: PathName, services: ServicesDep
    ) -> None:
        """Remove a version with its tags, branch memberships, deployments and releases."""
        await services.versions.delete(pacticipant, version)

    @get("/latest-version", opt=read() | documented(returns=version_resources.VersionResource))
    async def latest_version(
        self, pacticipant: PathName, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """The newest version."""
        details = await services.versions.latest(pacticipant)
        return hal(version_resources.version(links, details))

    @get(
        "/latest-version/{tag:str}",
        opt=read() | documented(returns=version_resources.VersionResource),
    )
    async def latest_tagged_version(
        self, pacticipant: PathName, tag: PathName, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """The newest version carrying a tag."""
        details = await services.versions.latest(pacticipant, tag)
        return hal(version_resources.version(links, details))

    # tags

    @get(
        "/versions/{version:str}/tags/{tag:str}",
        opt=read() | documented(returns=version_resources.TagResource),
    )
    async def get_tag(
        self,
        pacticipant: PathName,
        version: PathName,
        tag: PathName,
        services: ServicesDep,
        links: LinksDep,
    ) -> Response[bytes]:
        """A tag of a version."""
        p, v, t = await services.versions.get_tag(pacticipant, version, tag)
        return hal(version_resources.tag(links, p, v, t))

    @put(
        "/versions/{version:str}/tags/{tag:str}",
        opt=write(owner="pacticipant")
        | documented(body=EmptyBody, returns=version_resources.TagResource, statuses=(200, 201)),
    )
    async def put_tag(
        self,
        pacticipant: PathName,
        version: PathName,
        tag: PathName,
        request: AnyRequest,
        services: ServicesDep,
        links: LinksDep,
    ) -> Response[bytes]:
        """Tag a version, creating pacticipant and version as needed (201 new, 200 existing)."""
        await read_json(request, EmptyBody)
        p, v, t, created = await services.versions.tag(pacticipant, version, tag)
        body = version_resources.tag(links, p, v, t)
        headers = {"Location": body.links.self_.href} if created else None
        return hal(body, status=201 if created else 200, headers=headers)

    @delete(
        "/versions/{version:str}/tags/{tag:str}", status_code=204, opt=write(owner="pacticipant")
    )
    async def delete_tag(
        self, pacticipant: PathName, version: PathName, tag: PathName, services: ServicesDep
    ) -> None:
        """Remove a tag."""
        await services.versions.delete_tag(pacticipant, version, tag)

    # branches

    @get("/branches", opt=read() | documented(query=PAGING, returns=version_resources.BranchesPage))
    async def list_branches(
        self, pacticipant: PathName, request: AnyRequest, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """Branches, most recently created first."""
        page = page_of(request)
        p, items, total = await services.versions.list_branches(pacticipant, page)
        return hal(version_resources.branches(links, p, items, page, total))

    @get(
        "/branches/{branch:str}", opt=read() | documented(returns=version_resources.BranchResource)
    )
    async def get_branch(
        self, pacticipant: PathName, branch: PathName, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """A branch and its head version."""
        details = await services.versions.get_branch(pacticipant, branch)
        return hal(version_resources.branch(links, details))

    @delete("/branches/{branch:str}", status_code=204, opt=write(owner="pacticipant"))
    async def delete_branch(
        self, pacticipant: PathName, branch: PathName, services: ServicesDep
    ) -> None:
        """Remove a branch; its versions stay."""
        await services.versions.delete_branch(pacticipant, branch)

    @get(
        "/branches/{branch:str}/versions",
        opt=read() | documented(query=PAGING, returns=version_resources.BranchVersionsPage),
    )
    async def branch_versions(
        self,
        pacticipant: PathName,
        branch: PathName,
        request: AnyRequest,
        services: ServicesDep,
        links: LinksDep,
    ) -> Response[bytes]:
        """Versions of a branch, most recently added first."""
        page = page_of(request)
        details, items, total = await services.versions.branch_versions(pacticipant, branch, page)
        return hal(version_resources.branch_versions(links, details, items, page, total))

    @get(
        "/branches/{branch:str}/versions/{version:str}",
        opt=read() | documented(returns=version_resources.BranchVersionResource),
    )
    async def get_branch_version(
        self,
        pacticipant: PathName,
        branch: PathName,
        version: PathName,
        services: ServicesDep,
        links: LinksDep,
    ) -> Response[bytes]:
        """A version's place on a branch."""
        details, v = await services.versions.get_branch_version(pacticipant, branch, version)
        return hal(version_resources.branch_version(links, details, v))

    @put(
        "/branches/{branch:str}/versions/{version:str}",
        opt=write(owner="pacticipant")
        | documented(
            body=EmptyBody, returns=version_resources.BranchVersionResource, statuses=(200, 201)
        ),
    )
    async def put_branch_version(
        self,
        pacticipant: PathName,
        branch: PathName,
        version: PathName,
        request: AnyRequest,
        services: ServicesDep,
        links: LinksDep,
    ) -> Response[bytes]:
        """Add a version to a branch, creating what is missing; idempotent (201 new, 200 again)."""
        await read_json(request, EmptyBody)
        details, v, added = await services.versions.add_to_branch(pacticipant, branch, version)
        body = version_resources.branch_version(links, details, v)
        headers = {"Location": body.links.self_.href} if added else None
        return hal(body, status=201 if added else 200, headers=headers)

    @delete(
        "/branches/{branch:str}/versions/{version:str}",
        status_code=204,
        opt=write(owner="pacticipant"),
    )
    async def delete_branch_version(
        self, pacticipant: PathName, branch: PathName, version: PathName, services: ServicesDep
    ) -> None:
        """Take a version off a branch."""
        await services.versions.remove_from_branch(pacticipant, branch, version)


async def _create_or_update(
    pacticipant: PathName,
    version: PathName,
    request: AnyRequest,
    services: Services,
    links: Links,
) -> Response[bytes]:
    body = await read_json(request, VersionBody)
    details, created = await services.versions.create_or_update(
        pacticipant, version, build_url=body.build_url, tags=[t.name for t in body.tags]
    )
    resource = version_resources.version(links, details)
    headers = {"Location": resource.links.self_.href} if created else None
    return hal(resource, status=201 if created else 200, headers=headers)

"""Deployed and released versions (pact-broker-api §11)."""

from __future__ import annotations

from litestar import Controller, Response, get, patch, post

from broker.http import deployment_resources
from broker.http.body import read_json
from broker.http.context import LinksDep, PathName, ServicesDep
from broker.http.hal import AnyRequest, hal
from broker.http.operation_docs import QueryParam, documented
from broker.http.permissions import read, write
from broker.http.wire import DeployedPatch, DeploymentBody, EmptyBody, ReleasedPatch
from broker.storage.interface import ANY, AnyInstance

VERSION = "/pacticipants/{pacticipant:str}/versions/{version:str}"


class DeploymentController(Controller):
    """Deployed and released versions."""

    path = "/"

    @post(
        VERSION + "/deployed-versions/environment/{environment:str}",
        opt=write(owner="pacticipant")
        | documented(
            body=DeploymentBody,
            returns=deployment_resources.DeployedVersionResource,
            statuses=(200, 201),
        ),
    )
    async def record_deployment(
        self,
        pacticipant: PathName,
        version: PathName,
        environment: PathName,
        request: AnyRequest,
        services: ServicesDep,
        links: LinksDep,
    ) -> Response[bytes]:
        """Record a deployment (201); the same version already deployed there answers 200."""
        body = await read_json(request, DeploymentBody)
        deployment, created = await services.deployments.record_deployment(
            pacticipant, version, environment, body.instance()
        )
        resource = deployment_resources.deployed_version(links, deployment)
        return hal(
            resource,
            status=201 if created else 200,
            headers={"Location": resource.links.self_.href},
        )

    @get(
        VERSION + "/deployed-versions/environment/{environment:str}",
        opt=read() | documented(returns=deployment_resources.DeployedList),
    )
    async def deployments_of_version(
        self,
        pacticipant: PathName,
        version: PathName,
        environment: PathName,
        request: AnyRequest,
        services: ServicesDep,
        links: LinksDep,
    ) -> Response[bytes]:
        """Every deployment record of the version in the environment."""
        items = await services.deployments.deployments_of_version(pacticipant, version, environment)
        return hal(deployment_resources.deployed_list(links, str(request.url), items))

    @post(
        VERSION + "/released-versions/environment/{environment:str}",
        opt=write(owner="pacticipant")
        | documented(
            body=EmptyBody,
            returns=deployment_resources.ReleasedVersionResource,
            statuses=(200, 201),
        ),
    )
    async def record_release(
        self,
        pacticipant: PathName,
        version: PathName,
        environment: PathName,
        request: AnyRequest,
        services: ServicesDep,
        links: LinksDep,
    ) -> Response[bytes]:
        """Record a release (201), or resume support of an existing one (200)."""
        await read_json(request, EmptyBody)
        release, created = await services.deployments.record_release(
            pacticipant, version, environment
        )
        resource = deployment_resources.released_version(links, release)
        return hal(
            resource,
            status=201 if created else 200,
            headers={"Location": resource.links.self_.href},
        )

    @get(
        VERSION + "/released-versions/environment/{environment:str}",
        opt=read() | documented(returns=deployment_resources.ReleasedList),
    )
    async def releases_of_version(
        self,
        pacticipant: PathName,
        version: PathName,
        environment: PathName,
        request: AnyRequest,
        services: ServicesDep,
        links: LinksDep,
    ) -> Response[bytes]:
        """The release record of the version in the environment."""
        items = await services.deployments.releases_of_version(pacticipant, version, environment)
        return hal(deployment_resources.released_list(links, str(request.url), items))

    @get(
        "/deployed-versions/{uuid:str}",
        opt=read() | documented(returns=deployment_resources.DeployedVersionResource),
    )
    async def get_deployed_version(
        self, uuid: PathName, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """One deployment record."""
        deployment = await services.deployments.get_deployment(uuid)
        return hal(deployment_resources.deployed_version(links, deployment))

    # The path names no pacticipant: the service checks the record's.
    @patch(
        "/deployed-versions/{uuid:str}",
        opt=write()
        | documented(body=DeployedPatch, returns=deployment_resources.DeployedVersionResource),
    )
    async def patch_deployed_version(
        self, uuid: PathName, request: AnyRequest, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """record-undeployment: `{"currentlyDeployed": false}`; `true` is a 422."""
        body = await read_json(request, DeployedPatch)
        deployment = await services.deployments.set_currently_deployed(
            uuid, body.currently_deployed
        )
        return hal(deployment_resources.deployed_version(links, deployment))

    @get(
        "/released-versions/{uuid:str}",
        opt=read() | documented(returns=deployment_resources.ReleasedVersionResource),
    )
    async def get_released_version(
        self, uuid: PathName, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """One release record."""
        release = await services.deployments.get_release(uuid)
        return hal(deployment_resources.released_version(links, release))

    # The path names no pacticipant: the service checks the record's.
    @patch(
        "/released-versions/{uuid:str}",
        opt=write()
        | documented(body=ReleasedPatch, returns=deployment_resources.ReleasedVersionResource),
    )
    async def patch_released_version(
        self, uuid: PathName, request: AnyRequest, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """record-support-ended: `{"currentlySupported": false}`; `true` is a 422."""
        body = await read_json(request, ReleasedPatch)
        release = await services.deployments.set_currently_supported(uuid, body.currently_supported)
        return hal(deployment_resources.released_version(links, release))

    @get(
        "/environments/{uuid:str}/deployed-versions/currently-deployed",
        opt=read()
        | documented(
            query=(
                QueryParam("pacticipant", "Only this pacticipant's deployments."),
                QueryParam(
                    "applicationInstance",
                    "Only deployments to this instance; empty for those without one.",
                ),
                QueryParam("target", "The older name of `applicationInstance`."),
            ),
            returns=deployment_resources.DeployedList,
        ),
    )
    async def currently_deployed(
        self, uuid: PathName, request: AnyRequest, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """What runs in the environment now; `?pacticipant=` and `?applicationInstance=` narrow it.

        An empty `applicationInstance` (or `target`) selects deployments without an instance.
        """
        query = request.query_params
        instance: str | AnyInstance | None = ANY
        raw = query.get("applicationInstance", query.get("target"))
        if raw is not None:
            instance = raw or None
        _, items = await services.deployments.currently_deployed(
            uuid, pacticipant_name=query.get("pacticipant"), application_instance=instance
        )
        return hal(deployment_resources.deployed_list(links, str(request.url), items))

    @get(
        "/environments/{uuid:str}/released-versions/currently-supported",
        opt=read()
        | documented(
            query=(
                QueryParam("pacticipant", "Only this pacticipant's releases."),
                QueryParam("version", "Only releases of this version number."),
            ),
            returns=deployment_resources.ReleasedList,
        ),
    )
    async def currently_supported(
        self, uuid: PathName, request: AnyRequest, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """Releases supported in the environment now; `?pacticipant=` and `?version=` narrow it."""
        query = request.query_params
        _, items = await services.deployments.currently_supported(
            uuid, pacticipant_name=query.get("pacticipant"), version_number=query.get("version")
        )
        return hal(deployment_resources.released_list(links, str(request.url), items))

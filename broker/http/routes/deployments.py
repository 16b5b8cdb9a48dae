"""Deployed and released versions (pact-broker-api §11)."""

from __future__ import annotations

from litestar import Response, get, patch, post
from litestar.datastructures import State

from broker.http import resources
from broker.http.body import read_json
from broker.http.context import PathName, links_for, services_of
from broker.http.hal import AnyRequest, hal
from broker.http.wire import DeployedPatch, DeploymentBody, EmptyBody, ReleasedPatch
from broker.storage.interface import ANY, AnyInstance

VERSION = "/pacticipants/{pacticipant:str}/versions/{version:str}"


@post(VERSION + "/deployed-versions/environment/{environment:str}")
async def record_deployment(
    pacticipant: PathName,
    version: PathName,
    environment: PathName,
    request: AnyRequest,
    state: State,
) -> Response[bytes]:
    """Record a deployment (201); the same version already deployed there answers 200."""
    body = await read_json(request, DeploymentBody)
    deployment, created = await services_of(state).deployments.record_deployment(
        pacticipant, version, environment, body.instance()
    )
    resource = resources.deployed_version(links_for(request, state), deployment)
    return hal(
        resource,
        status=201 if created else 200,
        headers={"Location": resource["_links"]["self"]["href"]},
    )


@get(VERSION + "/deployed-versions/environment/{environment:str}")
async def deployments_of_version(
    pacticipant: PathName,
    version: PathName,
    environment: PathName,
    request: AnyRequest,
    state: State,
) -> Response[bytes]:
    """Every deployment record of the version in the environment."""
    items = await services_of(state).deployments.deployments_of_version(
        pacticipant, version, environment
    )
    return hal(resources.deployed_list(links_for(request, state), str(request.url), items))


@post(VERSION + "/released-versions/environment/{environment:str}")
async def record_release(
    pacticipant: PathName,
    version: PathName,
    environment: PathName,
    request: AnyRequest,
    state: State,
) -> Response[bytes]:
    """Record a release (201), or resume support of an existing one (200)."""
    await read_json(request, EmptyBody)
    release, created = await services_of(state).deployments.record_release(
        pacticipant, version, environment
    )
    resource = resources.released_version(links_for(request, state), release)
    return hal(
        resource,
        status=201 if created else 200,
        headers={"Location": resource["_links"]["self"]["href"]},
    )


@get(VERSION + "/released-versions/environment/{environment:str}")
async def releases_of_version(
    pacticipant: PathName,
    version: PathName,
    environment: PathName,
    request: AnyRequest,
    state: State,
) -> Response[bytes]:
    """The release record of the version in the environment."""
    items = await services_of(state).deployments.releases_of_version(
        pacticipant, version, environment
    )
    return hal(resources.released_list(links_for(request, state), str(request.url), items))


@get("/deployed-versions/{uuid:str}")
async def get_deployed_version(
    uuid: PathName, request: AnyRequest, state: State
) -> Response[bytes]:
    """One deployment record."""
    deployment = await services_of(state).deployments.get_deployment(uuid)
    return hal(resources.deployed_version(links_for(request, state), deployment))


@patch("/deployed-versions/{uuid:str}")
async def patch_deployed_version(
    uuid: PathName, request: AnyRequest, state: State
) -> Response[bytes]:
    """record-undeployment: `{"currentlyDeployed": false}`; `true` is a 422."""
    body = await read_json(request, DeployedPatch)
    deployment = await services_of(state).deployments.set_currently_deployed(
        uuid, body.currently_deployed
    )
    return hal(resources.deployed_version(links_for(request, state), deployment))


@get("/released-versions/{uuid:str}")
async def get_released_version(
    uuid: PathName, request: AnyRequest, state: State
) -> Response[bytes]:
    """One release record."""
    release = await services_of(state).deployments.get_release(uuid)
    return hal(resources.released_version(links_for(request, state), release))


@patch("/released-versions/{uuid:str}")
async def patch_released_version(
    uuid: PathName, request: AnyRequest, state: State
) -> Response[bytes]:
    """record-support-ended: `{"currentlySupported": false}`; `true` is a 422."""
    body = await read_json(request, ReleasedPatch)
    release = await services_of(state).deployments.set_currently_supported(
        uuid, body.currently_supported
    )
    return hal(resources.released_version(links_for(request, state), release))


@get("/environments/{uuid:str}/deployed-versions/currently-deployed")
async def currently_deployed(uuid: PathName, request: AnyRequest, state: State) -> Response[bytes]:
    """What runs in the environment now; `?pacticipant=` and `?applicationInstance=` narrow it.

    An empty `applicationInstance` (or `target`) selects deployments without an instance.
    """
    query = request.query_params
    instance: str | AnyInstance | None = ANY
    raw = query.get("applicationInstance", query.get("target"))
    if raw is not None:
        instance = raw or None
    _, items = await services_of(state).deployments.currently_deployed(
        uuid, pacticipant_name=query.get("pacticipant"), application_instance=instance
    )
    return hal(resources.deployed_list(links_for(request, state), str(request.url), items))


@get("/environments/{uuid:str}/released-versions/currently-supported")
async def currently_supported(uuid: PathName, request: AnyRequest, state: State) -> Response[bytes]:
    """Releases supported in the environment now; `?pacticipant=` and `?version=` narrow it."""
    query = request.query_params
    _, items = await services_of(state).deployments.currently_supported(
        uuid, pacticipant_name=query.get("pacticipant"), version_number=query.get("version")
    )
    return hal(resources.released_list(links_for(request, state), str(request.url), items))


handlers = [
    record_deployment,
    deployments_of_version,
    record_release,
    releases_of_version,
    get_deployed_version,
    patch_deployed_version,
    get_released_version,
    patch_released_version,
    currently_deployed,
    currently_supported,
]
